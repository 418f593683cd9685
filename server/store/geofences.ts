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

/** Rows per INSERT while an import streams in. */
const INSERT_BATCH = 1000;

/**
 * Inserts many zones (an import's buildings), a thousand per statement as parallel arrays: one
 * round trip per thousand, and cheaper for the database than parsing one JSON document of rows.
 */
export async function insertZones(tx: Queryable, zones: readonly NewZone[], at: number): Promise<void> {
  const createdAt = new Date(at).toISOString();
  for (let i = 0; i < zones.length; i += INSERT_BATCH) {
    const batch = zones.slice(i, i + INSERT_BATCH);
    const columns: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
    for (const z of batch) {
      columns[0]!.push(z.id);
      columns[1]!.push(z.name);
      columns[2]!.push(z.kind);
      columns[3]!.push(JSON.stringify(z.lower));
      columns[4]!.push(JSON.stringify(z.upper));
      columns[5]!.push(z.validFrom === null ? null : new Date(z.validFrom).toISOString());
      columns[6]!.push(z.validTo === null ? null : new Date(z.validTo).toISOString());
      columns[7]!.push(JSON.stringify(z.geometry));
      columns[8]!.push(JSON.stringify(z.properties));
      columns[9]!.push(z.origin);
      columns[10]!.push(z.createdBy);
    }
    await tx.query(
      `INSERT INTO geofences (id, name, kind, lower_alt, upper_alt, valid_from, valid_to, geometry, properties, origin,
         created_by, created_at)
       SELECT *, $12::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]::jsonb[],
         $5::text[]::jsonb[], $6::timestamptz[], $7::timestamptz[], $8::text[]::jsonb[], $9::text[]::jsonb[], $10::text[],
         $11::text[])`,
      [...columns, createdAt],
    );
  }
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

export async function getZones(q: Queryable, ids: readonly string[]): Promise<ZoneRecord[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<ZoneRow>(`SELECT ${COLUMNS} FROM geofences WHERE id = ANY($1::uuid[])`, [ids]);
  return rows.map(toRecord);
}

/**
 * Zones whose box (kept in properties.bbox when the zone is written) meets the bbox, oldest first;
 * zones without a box are always listed.
 */
export async function listZones(
  q: Queryable,
  filter: { bbox?: [number, number, number, number] | undefined; limit?: number } = {},
): Promise<ZoneRecord[]> {
  const params: unknown[] = [];
  let where = '';
  if (filter.bbox) {
    params.push(...filter.bbox);
    where = `WHERE properties->'bbox' IS NULL OR (
      (properties->'bbox'->>0)::float8 <= $3 AND (properties->'bbox'->>2)::float8 >= $1 AND
      (properties->'bbox'->>1)::float8 <= $4 AND (properties->'bbox'->>3)::float8 >= $2)`;
  }
  const limit = filter.limit === undefined ? '' : `LIMIT ${Math.floor(filter.limit)}`;
  const rows = await q.query<ZoneRow>(
    `SELECT ${COLUMNS} FROM geofences ${where} ORDER BY created_at, id ${limit}`,
    params,
  );
  return rows.map(toRecord);
}

/** A file's import as the zones remember it (properties.import). */
export interface ImportedFile {
  file: string;
  sha256: string;
  zones: number;
}

export async function importedFiles(q: Queryable): Promise<ImportedFile[]> {
  const rows = await q.query<{ file: string; sha256: string; zones: string }>(
    `SELECT substr(created_by, 8) AS file, min(properties->'import'->>'sha256') AS sha256, count(*)::text AS zones
     FROM geofences WHERE created_by LIKE 'import:%' GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((r) => ({ file: r.file, sha256: r.sha256, zones: Number(r.zones) }));
}

/**
 * Who wrote an imported file's zones: `import:<file>`. Kept in created_by (a plain column) rather
 * than only in properties, so finding a file's zones never unpacks every zone's JSON.
 */
export function importCreator(file: string): string {
  return `import:${file}`;
}

/** Removes the zones an earlier import of the file made, except those of the given content. */
export async function deleteImportedFile(tx: Queryable, file: string, keepSha256: string | null): Promise<number> {
  const rows = await tx.query(
    `DELETE FROM geofences WHERE created_by = $1
       AND properties->'import'->>'sha256' IS DISTINCT FROM $2 RETURNING id`,
    [importCreator(file), keepSha256],
  );
  return rows.length;
}

/** Taken by every file import, so instances starting together import each file once. */
const IMPORT_LOCK = 0x696d706f7274n; // "import"

/** Waits for any other import to finish, then tells which content of the file is stored, if any. */
export async function lockImport(tx: Queryable, file: string): Promise<string | null> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK.toString()]);
  const [row] = await tx.query<{ sha256: string }>(
    `SELECT properties->'import'->>'sha256' AS sha256 FROM geofences WHERE created_by = $1 LIMIT 1`,
    [importCreator(file)],
  );
  return row?.sha256 ?? null;
}
