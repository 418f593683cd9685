import { randomUUID } from 'node:crypto';
import { area as turfArea, bbox as turfBbox } from '@turf/turf';
import { cellToChildren, cellToParent, getResolution } from 'h3-js';
import { bandRangeM, toW84, type Datum } from '../airspace/altitude.ts';
import { ReservationIndex, type CompiledZone } from '../airspace/index.ts';
import type { AirspaceParams } from '../airspace/types.ts';
import { BadRequest, NotFound, StateConflict } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { AirspaceEvents } from '../events.ts';
import type { AirspaceMirror } from '../flights/mirror.ts';
import { demand } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AirspaceCheck, Altitude, Geofence, ZoneFeature } from '../protocol/index.ts';
import type { Db, Queryable } from '../store/db.ts';
import {
  beginZoneChange,
  deleteZone,
  getZone,
  getZones,
  insertZone,
  listZones,
  type NewZone,
  type ZoneRecord,
} from '../store/geofences.ts';
import type { StripeWindows } from '../store/keys-sql.ts';
import { getPlans, livePlanKeys, transition, type PlanRecord } from '../store/plans.ts';
import { lockAndFindCandidates, skyLocks } from '../store/sky-locks.ts';
import { holdsAt } from './check.ts';
import { zoneOfFeature } from './feature.ts';
import { zoneToGeofence } from './present.ts';
import { type Clock } from '../clock.ts';
import type { Compilers } from '../workers/compilers.ts';

export interface GeofencesDeps {
  db: Db;
  mirror: AirspaceMirror;
  clock: Clock;
  events: AirspaceEvents;
  datum: Datum;
  params: AirspaceParams;
  stripeResolution: number;
  /** The arbiter's lock buckets: a zone change takes the same sky locks a decision would. */
  lockBucketMs: number;
  /** Zones into keys, off the event loop when the server runs. */
  compilers: Pick<Compilers, 'declaredZone'>;
}

/** A zone declared through the API and what it did to the plans under it. */
export interface Declared {
  zone: ZoneRecord;
  /** Accepted plans it closed (now Preempted, the zone named in their reason). */
  preempted: string[];
  /** Plans in the air inside it: left as they are, reported. */
  alerted: string[];
}

const WHY = {
  prohibited: 'prohibited zone',
  restricted: 'restricted zone (needs an authorization)',
  advisory: 'advisory zone (for information)',
} as const;

function describe(a: Altitude): string {
  return `${a.value} m ${a.reference}`;
}

async function listZonesById(db: Db, ids: readonly string[]): Promise<Map<string, ZoneRecord>> {
  return new Map((await getZones(db, ids)).map((z) => [z.id, z]));
}

const { maxDeclaredZoneAreaM2 } = LIMITS;

/**
 * Zones declared by the city's administrator (flood, fire, event): in force when the request
 * returns. In the same transaction as the zone, the accepted plans it closes become Preempted
 * and every instance is told; plans already flying through it are reported, not touched.
 */
export class Geofences {
  constructor(private readonly deps: GeofencesDeps) {}

  async create(feature: ZoneFeature, who: Principal, origin = 'api'): Promise<Declared> {
    demand(who, 'zones:manage', 'declaring a zone');
    const p = feature.properties;
    const box = turfBbox(feature.geometry) as [number, number, number, number];
    this.checkLimits(feature, box);

    const id = randomUUID();
    const now = this.deps.clock.now();
    const zone: NewZone = {
      id,
      ...zoneOfFeature(feature),
      properties: { ...p, bbox: box },
      origin,
      createdBy: who.subject,
    };
    const { db, mirror } = this.deps;
    // The outline is checked there too: finding where a long one crosses itself costs as much.
    const compilation = await this.deps.compilers.declaredZone({ ...zone, createdAt: now }, mirror.zoneSpan());
    const { compiled } = compilation;
    mirror.offer(id, compilation);
    const outcome = await db
      .transaction(async (tx) => {
        const revision = await beginZoneChange(tx, id);
        const record = await insertZone(tx, zone, now);
        if (p.kind === 'advisory') return { record, revision, preempted: [], alerted: [] };
        const hits = await this.plansInside(tx, compiled);
        const reason = `pre-empted by the ${p.kind} zone "${p.name}" (${id})`;
        const preempted = await transition(tx, hits, ['Held', 'Accepted'], 'Preempted', reason, now);
        const moved = new Set(preempted.map((x) => x.id));
        const alerted = await getPlans(
          tx,
          hits.filter((h) => !moved.has(h)),
        );
        return { record, revision, preempted, alerted };
      })
      .catch((err: unknown) => {
        mirror.withdraw(id);
        throw err;
      });

    await mirror.syncZones(db, outcome.revision);
    for (const plan of outcome.preempted) {
      mirror.apply({ id: plan.id, version: plan.version, priority: plan.priority, keys: null });
      this.deps.events.emit('plan', plan);
    }
    for (const plan of outcome.alerted) this.alert(outcome.record, plan);
    return {
      zone: outcome.record,
      preempted: outcome.preempted.map((x) => x.id),
      alerted: outcome.alerted.map((x) => x.id),
    };
  }

  async remove(id: string, who: Principal): Promise<void> {
    demand(who, 'zones:manage', 'lifting a zone');
    const { db, mirror } = this.deps;
    const revision = await db.transaction(async (tx) => {
      const zone = await getZone(tx, id);
      if (!zone) throw new NotFound(`no geofence ${id}`);
      const file = (zone.properties['import'] as { file?: string } | undefined)?.file;
      if (file) throw new StateConflict(`geofence ${id} comes from ${file}; change the file to lift it`);
      const revision = await beginZoneChange(tx, id);
      if (!(await deleteZone(tx, id))) throw new NotFound(`no geofence ${id}`);
      return revision;
    });
    await mirror.syncZones(db, revision);
  }

  async get(id: string): Promise<ZoneRecord> {
    const zone = await getZone(this.deps.db, id);
    if (!zone) throw new NotFound(`no geofence ${id}`);
    return zone;
  }

  list(filter: { bbox?: [number, number, number, number] | undefined; limit: number }): Promise<ZoneRecord[]> {
    return listZones(this.deps.db, filter);
  }

  /** A zone as GeoJSON, its limits also in W84. */
  feature(zone: ZoneRecord): Geofence {
    return zoneToGeofence(zone, this.deps.datum);
  }

  /**
   * What restricts one point at one moment, and why: the zones in force there and the flights
   * holding it, as the index holds them (the same cells and bands plans are judged on).
   */
  async check(lat: number, lon: number, altitude: Altitude, t: number): Promise<AirspaceCheck> {
    const { datum, params, mirror, db } = this.deps;
    const altW84 = toW84(altitude, lat, lon, datum);
    const holds = holdsAt(mirror.index, { lat, lon, altW84, t }, params);
    const zoneIds = holds.zones.map((z) => z.hold.zoneId);
    const planIds = [...new Set(holds.flights.map((f) => f.planId))];
    const [zones, plans] = await Promise.all([
      zoneIds.length ? listZonesById(db, zoneIds) : new Map<string, ZoneRecord>(),
      planIds.length ? getPlans(db, planIds) : [],
    ]);
    const states = new Map(plans.map((p) => [p.id, p.state]));
    const band = (lo: number, hi: number) => {
      const r = bandRangeM(lo, hi, params.bandHeightM);
      return { floorW84: r.floorM, ceilingW84: r.ceilingM };
    };
    const blocking = holds.zones.some((z) => z.hold.kind !== 'advisory') || holds.flights.length > 0;
    return {
      lat,
      lon,
      time: new Date(t).toISOString(),
      altitude,
      altW84: Math.round(altW84 * 100) / 100,
      cell: holds.cell,
      free: !blocking,
      zones: holds.zones.map(({ hold, until }) => {
        const z = zones.get(hold.zoneId);
        const range = band(hold.bandLo, hold.bandHi);
        const lower = z?.lower ?? { value: range.floorW84, reference: 'W84' as const };
        const upper = z?.upper ?? { value: range.ceilingW84, reference: 'W84' as const };
        const authority = (z?.properties['authority'] as string | undefined) ?? null;
        return {
          id: hold.zoneId,
          name: hold.name,
          kind: hold.kind,
          lower,
          upper,
          ...range,
          authority,
          source: (z?.properties['source'] as string | undefined) ?? null,
          activeUntil: until === null ? null : new Date(until).toISOString(),
          why: `${WHY[hold.kind]} "${hold.name}"${authority ? ` (${authority})` : ''} from ${describe(lower)} to ${describe(upper)} (here ${range.floorW84}–${range.ceilingW84} m W84)${until === null ? '' : ` until ${new Date(until).toISOString()}`}`,
        };
      }),
      flights: holds.flights.map((f) => ({
        planId: f.planId,
        state: states.get(f.planId) ?? null,
        priority: f.priority,
        ...band(f.bandLo, f.bandHi),
        start: new Date(f.t0).toISOString(),
        end: new Date(f.t1).toISOString(),
        why: `reserved by plan ${f.planId} (priority ${f.priority}) from ${new Date(f.t0).toISOString()} to ${new Date(f.t1).toISOString()}`,
      })),
    };
  }

  /**
   * Live plans holding any key inside the zone while it applies. Like the arbiter: the zones lock
   * (held exclusively since beginZoneChange), then the sky locks of the zone's stripes over its
   * time (whole stripes, for a zone that applies for long); the stripes' plans are the
   * candidates, their exact keys against the zone decide.
   */
  private async plansInside(tx: Queryable, zone: CompiledZone): Promise<string[]> {
    const windows = this.stripeWindows(zone);
    if (windows.stripes.length === 0) return [];
    const locks = skyLocks([windows], this.deps.lockBucketMs);
    const { candidates } = await lockAndFindCandidates(tx, {
      drones: [],
      locks,
      windows,
      exceptPlanId: null,
      owner: null,
    });
    if (candidates.length === 0) return [];
    const index = new ReservationIndex();
    index.putZone(zone);
    const live = await livePlanKeys(
      tx,
      candidates.map((c) => c.id),
    );
    return live.filter((plan) => index.zoneConflicts(plan.keys).length > 0).map((plan) => plan.id);
  }

  /** The zone's stripes (its cells' parents, or children when coarser) over its whole time. */
  private stripeWindows(zone: CompiledZone): StripeWindows {
    const res = this.deps.stripeResolution;
    const stripes = new Set<bigint>();
    for (const { cell } of zone.cells) {
      const cells = getResolution(cell) >= res ? [cellToParent(cell, res)] : cellToChildren(cell, res);
      for (const s of cells) stripes.add(BigInt(`0x${s}`));
    }
    if (zone.windows.length === 0) return { stripes: [], t0: [], t1: [] };
    const t0 = zone.windows[0]!.from ?? 0;
    const t1 = zone.windows[zone.windows.length - 1]!.to ?? 8.64e15;
    const sorted = [...stripes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
    return { stripes: sorted, t0: sorted.map(() => t0), t1: sorted.map(() => t1) };
  }

  /** Floor above ceiling can only be told once both are W84; at the outline's centre, as imports do. */
  private checkLimits(feature: ZoneFeature, box: [number, number, number, number]): void {
    const size = turfArea(feature.geometry);
    if (size > maxDeclaredZoneAreaM2) {
      throw BadRequest.field(
        'geometry',
        `the zone covers ${(size / 1e6).toFixed(0)} km²; a zone declared here is at most ${maxDeclaredZoneAreaM2 / 1e6} km² (a city's worth: load larger ones from a zone file)`,
      );
    }
    const { lower, upper } = feature.properties;
    const lat = (box[1] + box[3]) / 2;
    const lon = (box[0] + box[2]) / 2;
    const lo = toW84(lower, lat, lon, this.deps.datum);
    const hi = toW84(upper, lat, lon, this.deps.datum);
    if (lo > hi) {
      throw BadRequest.field(
        'properties.lower',
        `must not be above upper (${lo.toFixed(1)} m > ${hi.toFixed(1)} m W84 at the zone's centre)`,
      );
    }
  }

  private alert(zone: ZoneRecord, plan: PlanRecord): void {
    this.deps.events.emit('zone-over-active-plan', {
      zone,
      plan,
      message: `${zone.kind} zone "${zone.name}" was declared over ${plan.state.toLowerCase()} plan ${plan.id} (drone ${plan.droneId}); it was not pre-empted because it is in flight`,
    });
  }
}
