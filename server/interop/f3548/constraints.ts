import { toW84, type Datum } from '../../airspace/altitude.ts';
import { authorityClient } from '../../auth/interuss-tokens.ts';
import { system, type Principal } from '../../auth/principal.ts';
import type { Clock } from '../../clock.ts';
import { BadRequest, Forbidden, NotFound } from '../../errors.ts';
import { circleRing } from '../../geofences/import/eurocae.ts';
import type { Geofences } from '../../geofences/service.ts';
import type { Logger } from '../../log.ts';
import {
  MAX_F3548_VOLUMES,
  type F3548Constraint,
  type F3548GetConstraintDetailsResponse,
  type F3548PutConstraintDetailsParameters,
  type F3548Volume4D,
  type ZoneFeature,
} from '../../protocol/index.ts';
import type { Db } from '../../store/db.ts';
import { getPeerConstraint, putPeerConstraint } from '../../store/f3548.ts';
import { getZone, type ZoneRecord } from '../../store/geofences.ts';
import type { HoldOutcome } from './peer-intents.ts';
import type { UssIdentity } from './our-intents.ts';
import { fromF3548Volumes } from './volumes.ts';
import { LIMITS } from '../../limits.ts';

export interface ConstraintsDeps {
  db: Db;
  geofences: Geofences;
  identity: () => UssIdentity;
  datum: Datum;
  /** An open-ended zone is described up to this far ahead (the standard wants an end). */
  horizonMs: number;
  clock: Clock;
  log: Logger;
}

/** Where the zones that stand for peers' constraints come from. */
const PEER_ORIGIN = 'f3548';
const ACTOR = system('f3548-peer-constraint');

const iso = (ms: number) => ({ value: new Date(ms).toISOString(), format: 'RFC3339' as const });

/**
 * ASTM F3548-21 constraints: the city's zones, described to peers as constraints of this USS
 * (those with a version-4 id, the ones declared through the API: imported zones' ids are
 * version 5, which the standard's ids are not); and peers' constraints, held here as advisory
 * zones, so that every plan entering one is told (constraint processing asks no more).
 */
export class Constraints {
  constructor(private readonly deps: ConstraintsDeps) {}

  async details(id: string): Promise<F3548GetConstraintDetailsResponse> {
    const zone = await getZone(this.deps.db, id);
    if (!zone || zone.origin === PEER_ORIGIN) throw new NotFound(`no constraint ${id} managed here`);
    return { constraint: this.constraintOf(zone) };
  }

  /** A peer's constraint, new, changed or (without `constraint`) gone. */
  async notified(body: F3548PutConstraintDetailsParameters, who: Principal): Promise<HoldOutcome | 'removed'> {
    const id = body.constraint_id;
    const client = who.role === 'admin' ? null : authorityClient(who);
    const constraint = body.constraint;
    const ours = await getZone(this.deps.db, id);
    if (ours && ours.origin !== PEER_ORIGIN) throw new Forbidden(`constraint ${id} is managed by this USS`);
    const held = await getPeerConstraint(this.deps.db, id);
    if (!constraint) {
      if (!held) return 'removed';
      const manager = client ?? held.manager;
      if (manager !== held.manager) throw new Forbidden(`constraint ${id} is managed by ${held.manager}`);
      await this.lift(held.zoneIds);
      await putPeerConstraint(this.deps.db, { ...held, zoneIds: [], at: this.deps.clock.now() });
      return 'removed';
    }
    const { reference } = constraint;
    if (reference.id !== id) throw BadRequest.field('constraint.reference.id', `must be constraint_id (${id})`);
    if (client !== null && client !== reference.manager) {
      throw new Forbidden(`this token is ${client}'s; the constraint's manager is ${reference.manager}`);
    }
    if (held && held.manager !== reference.manager)
      throw new Forbidden(`constraint ${id} is managed by ${held.manager}`);
    if (!reference.ovn) throw BadRequest.field('constraint.reference.ovn', 'is needed to hold a peer’s constraint');
    if (held && reference.version < held.version) return 'older';
    if (held && reference.version === held.version) return held.ovn === reference.ovn ? 'unchanged' : 'different';
    const features = this.featuresOf(constraint);
    if (held) await this.lift(held.zoneIds);
    const zoneIds: string[] = [];
    for (const feature of features) {
      zoneIds.push((await this.deps.geofences.create(feature, ACTOR, PEER_ORIGIN)).zone.id);
    }
    await putPeerConstraint(this.deps.db, {
      id,
      manager: reference.manager,
      version: reference.version,
      ovn: reference.ovn,
      zoneIds,
      ussBaseUrl: reference.uss_base_url,
      at: this.deps.clock.now(),
    });
    return 'held';
  }

  private async lift(zoneIds: readonly string[]): Promise<void> {
    for (const zoneId of zoneIds) {
      await this.deps.geofences.remove(zoneId, ACTOR).catch((err: unknown) => {
        if (!(err instanceof NotFound)) throw err;
      });
    }
  }

  /** One advisory zone per volume of the peer's constraint. */
  private featuresOf(constraint: F3548Constraint): ZoneFeature[] {
    const { reference, details } = constraint;
    const native = fromF3548Volumes(details.volumes, this.deps.datum, 'constraint.details.volumes');
    return native.map((v, i) => {
      const polygon = v.volume.outline_polygon;
      const circle = v.volume.outline_circle;
      const ring = polygon
        ? [...polygon.vertices.map((p) => [p.lng, p.lat]), [polygon.vertices[0]!.lng, polygon.vertices[0]!.lat]]
        : circleRing([circle!.center.lng, circle!.center.lat], circle!.radius.value);
      const lower = v.volume.altitude_lower;
      const upper = v.volume.altitude_upper;
      return {
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [ring as [number, number][]] },
        properties: {
          name: `constraint ${reference.id} of ${reference.manager}`.slice(0, 200),
          kind: 'advisory',
          lower: { value: lower.value, reference: lower.reference },
          upper: { value: upper.value, reference: upper.reference },
          validFrom: v.time_start.value,
          validTo: v.time_end.value,
          authority: reference.manager.slice(0, 200),
          source: `ASTM F3548 constraint ${reference.id} v${reference.version}, volume ${i}`,
        },
      };
    });
  }

  /** A zone of this USS as an F3548 constraint: one volume per polygon, its limits in W84, its validity. */
  private constraintOf(zone: ZoneRecord): F3548Constraint {
    const { identity, datum, clock, horizonMs } = this.deps;
    const from = zone.validFrom ?? zone.createdAt;
    const to = Math.max(zone.validTo ?? clock.now() + horizonMs, from + 1);
    const polygons =
      zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates[0]!] : zone.geometry.coordinates.map((p) => p[0]!);
    const vertices = polygons.reduce((n, ring) => n + ring.length, 0);
    // Past the bounds, the zone's box: it covers more, never less.
    const rings =
      polygons.length > MAX_F3548_VOLUMES || vertices > LIMITS.maxPlanVertices ? [boxOf(polygons)] : polygons;
    const volumes = rings.map((ring): F3548Volume4D => {
      const corners = ring.slice(0, -1);
      const w84 = (a: ZoneRecord['lower']) => corners.map(([lon, lat]) => toW84(a, lat!, lon!, datum));
      return {
        volume: {
          outline_polygon: { vertices: corners.map(([lng, lat]) => ({ lat: lat!, lng: lng! })) },
          altitude_lower: { value: Math.min(...w84(zone.lower)), reference: 'W84', units: 'M' },
          altitude_upper: { value: Math.max(...w84(zone.upper)), reference: 'W84', units: 'M' },
        },
        time_start: iso(from),
        time_end: iso(to),
      };
    });
    return {
      reference: {
        id: zone.id,
        manager: identity().id,
        uss_availability: 'Unknown',
        version: 1,
        ovn: `${zone.id}_${zone.createdAt}`,
        time_start: iso(from),
        time_end: iso(to),
        uss_base_url: identity().baseUrl,
      },
      details: { volumes, type: `soramichi.zone.${zone.kind}` },
    };
  }
}

function boxOf(rings: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>): number[][] {
  const points = rings.flat();
  const lons = points.map((p) => p[0]!);
  const lats = points.map((p) => p[1]!);
  const [w, s, e, n] = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  return [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ];
}
