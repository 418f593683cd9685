import type { Altitude, ZoneGeometry, ZoneKind } from '../protocol/index.ts';
import type { Queryable } from './db.ts';
import { AIRSPACE_CHANNEL, ZONES_LOCK } from './coordination.ts';

export interface ZoneRecord {
  id: string;
  name: string;
  kind: ZoneKind;
  lower: Altitude;
  upper: Altitude;
  validFrom: number | null;
  validTo: number | null;
  geometry: ZoneGeometry;
  /** The original properties as given (authority, source, schedule …). */
  properties: Record<string, unknown>;
  origin: string;
  createdBy: string;
  createdAt: number;
}

interface ZoneRow {
  id: string;
  name: string;
  kind: ZoneKind;
  lower_alt: Altitude;
  upper_alt: Altitude;
  valid_from: Date | null;
  valid_to: Date | null;
  geometry: ZoneGeometry;
  properties: Record<string, unknown>;
  origin: string;
  created_by: string;
  created_at: Date;
  [column: string]: unknown;
}

const COLUMNS =
  'id::text, name, kind, lower_alt, upper_alt, valid_from, valid_to, geometry, properties, origin, created_by, created_at';

function toRecord(r: ZoneRow): ZoneRecord {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    lower: r.lower_alt,
    upper: r.upper_alt,
    validFrom: r.valid_from?.getTime() ?? null,
    validTo: r.valid_to?.getTime() ?? null,
    geometry: r.geometry,
    properties: r.properties,
    origin: r.origin,
    createdBy: r.created_by,
    createdAt: r.created_at.getTime(),
  };
}

export async function zoneRevision(q: Queryable): Promise<string> {
  const [row] = await q.query<{ zones: string }>('SELECT zones::text FROM airspace_revision');
  return row!.zones;
}

/** Takes the zones lock exclusively, bumps the revision and tells every instance; returns the new revision. */
export async function beginZoneChange(tx: Queryable, zoneId: string): Promise<string> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ZONES_LOCK.toString()]);
  const [row] = await tx.query<{ zones: string }>(
    'UPDATE airspace_revision SET zones = zones + 1 RETURNING zones::text',
  );
  await tx.query('SELECT pg_notify($1, $2)', [
    AIRSPACE_CHANNEL,
    JSON.stringify({ zone: zoneId, revision: row!.zones }),
  ]);
  return row!.zones;
}

export type NewZone = Omit<ZoneRecord, 'createdAt'>;

export async function insertZone(tx: Queryable, z: NewZone, at: number): Promise<ZoneRecord> {
  const [row] = await tx.query<ZoneRow>(
    `INSERT INTO geofences (id, name, kind, lower_alt, upper_alt, valid_from, valid_to, geometry, properties, origin,
       created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
    [
      z.id,
      z.name,
      z.kind,
      JSON.stringify(z.lower),
      JSON.stringify(z.upper),
      z.validFrom === null ? null : new Date(z.validFrom).toISOString(),
      z.validTo === null ? null : new Date(z.validTo).toISOString(),
      JSON.stringify(z.geometry),
      JSON.stringify(z.properties),
      z.origin,
      z.createdBy,
      new Date(at).toISOString(),
    ],
  );
  return toRecord(row!);
}

export async function deleteZone(tx: Queryable, id: string): Promise<boolean> {
  const rows = await tx.query('DELETE FROM geofences WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

export async function getZone(q: Queryable, id: string): Promise<ZoneRecord | null> {
  const [row] = await q.query<ZoneRow>(`SELECT ${COLUMNS} FROM geofences WHERE id = $1`, [id]);
  return row ? toRecord(row) : null;
}

export async function listZoneIds(q: Queryable): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id::text FROM geofences')).map((r) => r.id);
}

export async function listZones(q: Queryable): Promise<ZoneRecord[]> {
  const rows = await q.query<ZoneRow>(`SELECT ${COLUMNS} FROM geofences ORDER BY created_at, id`);
  return rows.map(toRecord);
}
