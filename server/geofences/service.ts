import { randomUUID } from 'node:crypto';
import { kinks, polygon as turfPolygon } from '@turf/turf';
import { BadRequest, NotFound } from '../errors.ts';
import type { AirspaceEvents } from '../events.ts';
import type { AirspaceMirror } from '../flights/mirror.ts';
import type { Actor } from '../flights/service.ts';
import type { ZoneFeature } from '../protocol/index.ts';
import type { Db } from '../store/db.ts';
import { beginZoneChange, deleteZone, getZone, insertZone, listZones, type ZoneRecord } from '../store/geofences.ts';

export interface GeofencesDeps {
  db: Db;
  mirror: AirspaceMirror;
  clock: () => number;
  events: AirspaceEvents;
}

/** Zones declared through the API: in force as soon as the request returns. */
export class Geofences {
  constructor(private readonly deps: GeofencesDeps) {}

  async create(feature: ZoneFeature, actor: Actor, origin = 'api'): Promise<ZoneRecord> {
    checkRings(feature);
    const p = feature.properties;
    const id = randomUUID();
    const { db, mirror } = this.deps;
    const { zone, revision } = await db.transaction(async (tx) => {
      const revision = await beginZoneChange(tx, id);
      const zone = await insertZone(
        tx,
        {
          id,
          name: p.name,
          kind: p.kind,
          lower: p.lower,
          upper: p.upper,
          validFrom: p.validFrom ? Date.parse(p.validFrom) : null,
          validTo: p.validTo ? Date.parse(p.validTo) : null,
          geometry: feature.geometry,
          properties: p,
          origin,
          createdBy: actor.subject,
        },
        this.deps.clock(),
      );
      return { zone, revision };
    });
    await mirror.syncZones(db, revision);
    return zone;
  }

  async remove(id: string): Promise<void> {
    const { db, mirror } = this.deps;
    const revision = await db.transaction(async (tx) => {
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

  list(): Promise<ZoneRecord[]> {
    return listZones(this.deps.db);
  }
}

/** A ring that crosses itself has no inside to speak of; refuse it rather than guess. */
function checkRings(feature: ZoneFeature): void {
  const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  polygons.forEach((rings, i) => {
    const crossings = kinks(turfPolygon(rings)).features.length;
    if (crossings > 0) {
      const path = feature.geometry.type === 'Polygon' ? 'geometry.coordinates' : `geometry.coordinates.${i}`;
      throw BadRequest.field(path, `the outline crosses itself (${crossings} crossing${crossings > 1 ? 's' : ''})`);
    }
  });
}
