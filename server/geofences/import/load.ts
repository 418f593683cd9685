import { createHash } from 'node:crypto';
import { bbox as turfBbox } from '@turf/turf';
import { toW84, type Datum } from '../../airspace/altitude.ts';
import type { AirspaceParams } from '../../airspace/types.ts';
import { Altitude, ZoneGeometry, ZoneSchedule } from '../../protocol/index.ts';
import type { Db } from '../../store/db.ts';
import {
  beginZoneChange,
  deleteImportedFile,
  importCreator,
  insertZones,
  lockImport,
  type NewZone,
} from '../../store/geofences.ts';
import { compileZone } from '../compile.ts';
import { openZoneFile, type ReadOptions } from './read.ts';
import { outlineProblem } from './rings.ts';
import type { ImportFormat, Skip, ZoneDraft } from './types.ts';
import { type Clock } from '../../clock.ts';
import { appendAudit } from '../../store/audit.ts';
import { storable } from '../../protocol/unstorable.ts';

/** Rows handed to the database at a time while a file streams in. */
const BATCH = 1000;
/** Namespace of the zone ids derived from a file's content (UUID v5). */
const ID_NAMESPACE = 'soramichi geofence import';

export interface LoadDeps {
  db: Db;
  datum: Datum;
  params: AirspaceParams;
  buildingMarginM: number;
  clock: Clock;
  /** Who imports (cli, startup …), kept with each zone's import record. */
  /** Who imports, as the audit trail names them: `system:startup`, `cli:<user>`. */
  actor: string;
}

export interface FileReport {
  /** How the file is known (relative to the geofences directory when inside it). */
  file: string;
  format: ImportFormat | null;
  sha256: string | null;
  zones: number;
  buildings: number;
  /** Index entries the zones compile to (compacted H3 cells × band ranges). */
  cells: number;
  skipped: Skip[];
  /** Zones of an earlier import of the file that this one replaced. */
  replaced: number;
  /** The stored zones already came from this very content: nothing was written. */
  unchanged: boolean;
  /** The zones' revision after the import (null when nothing changed). */
  revision: string | null;
}

/**
 * Imports one zone file in one transaction: its earlier import (by `key`) is replaced, every zone
 * is checked (outline, limits, schedule) and written, and a zone the file cannot define is skipped
 * with its reason. A file that cannot be read at all throws (an ImportError says why) and leaves
 * the stored zones as they were. With `skipUnchanged`, a file whose content is already stored is
 * left alone.
 */
export async function importZoneFile(
  path: string,
  key: string,
  deps: LoadDeps,
  options: { skipUnchanged?: boolean; onBytes?: ReadOptions['onBytes'] } = {},
): Promise<FileReport> {
  const opened = await openZoneFile(path, {
    buildingMarginM: deps.buildingMarginM,
    geoidUndulation: deps.datum.geoidUndulation,
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
  });
  const report: FileReport = {
    file: key,
    format: opened.format,
    sha256: opened.sha256,
    zones: 0,
    buildings: 0,
    cells: 0,
    skipped: [],
    replaced: 0,
    unchanged: false,
    revision: null,
  };
  const now = deps.clock.now();
  const refs = new Map<string, number>();
  return deps.db.transaction(async (tx) => {
    const stored = await lockImport(tx, key);
    if (options.skipUnchanged && stored === opened.sha256) return { ...report, unchanged: true };
    report.replaced = await deleteImportedFile(tx, key, null);
    let batch: NewZone[] = [];
    // One batch is written while the next is read: with PostgreSQL the database works on its own
    // core meanwhile. A failed write surfaces at the next await and rolls the file back.
    let writing: Promise<unknown> = Promise.resolve();
    for await (const item of opened.items) {
      if ('skip' in item) {
        report.skipped.push(item.skip);
        continue;
      }
      const draft = item.zone;
      const problem = draftProblem(draft, deps.datum);
      if (problem) {
        report.skipped.push({ at: draft.ref, reason: problem });
        continue;
      }
      const ref = uniqueRef(refs, draft.ref);
      const zone = stamp(draft, ref, key, opened.format, opened.sha256, deps.actor);
      report.cells += compileZone(
        {
          id: zone.id,
          name: zone.name,
          kind: zone.kind,
          polygons: zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates,
          lower: zone.lower,
          upper: zone.upper,
          windows: [],
        },
        deps.datum,
        deps.params,
      ).cells.length;
      report.zones++;
      if (draft.building) report.buildings++;
      batch.push(zone);
      if (batch.length >= BATCH) {
        const failed = await writing;
        if (failed) throw failed;
        writing = insertZones(tx, batch, now).catch((err: unknown) => err);
        batch = [];
      }
    }
    const failed = await writing;
    if (failed) throw failed;
    await insertZones(tx, batch, now);
    if (report.zones > 0 || report.replaced > 0) report.revision = await beginZoneChange(tx, `file:${key}`);
    // Imports from the command line and at start-up change the airspace as the API does: audited alike.
    await appendAudit(tx, [
      {
        at: now,
        actor: storable(deps.actor),
        role: 'admin',
        action: 'import zone file',
        target: storable(key),
        outcome: `${report.zones} zones, ${report.replaced} replaced, ${report.skipped.length} skipped`,
        remote: null,
        detail: { format: opened.format, sha256: opened.sha256, buildings: report.buildings },
      },
    ]);
    return report;
  });
}

/** Why a zone from a file cannot be stored, or null. */
function draftProblem(d: ZoneDraft, datum: Datum): string | null {
  const geometry = ZoneGeometry.safeParse(d.geometry);
  if (!geometry.success)
    return `geometry: ${geometry.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
  const outline = outlineProblem(d.geometry);
  if (outline) return outline;
  for (const [which, altitude] of [
    ['lower', d.lower],
    ['upper', d.upper],
  ] as const) {
    const a = Altitude.safeParse(altitude);
    if (!a.success) return `${which} limit: ${a.error.issues.map((i) => i.message).join('; ')}`;
  }
  const schedule = d.properties.schedule;
  if (schedule !== undefined) {
    const s = ZoneSchedule.safeParse(schedule);
    if (!s.success) return `schedule: ${s.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
  }
  const [minLon, minLat, maxLon, maxLat] = turfBbox(d.geometry);
  const lat = (minLat + maxLat) / 2;
  const lon = (minLon + maxLon) / 2;
  const lower = toW84(d.lower, lat, lon, datum);
  const upper = toW84(d.upper, lat, lon, datum);
  if (lower > upper) {
    return `lower limit (${d.lower.value} m ${d.lower.reference}) is above the upper limit (${d.upper.value} m ${d.upper.reference}): ${lower.toFixed(1)} m > ${upper.toFixed(1)} m W84 at the centre`;
  }
  return null;
}

/** A file may repeat an identifier (tiles copied together); the nth use becomes `ref#n`. */
function uniqueRef(seen: Map<string, number>, ref: string): string {
  let n = seen.get(ref) ?? 0;
  let unique = ref;
  while (seen.has(unique)) unique = `${ref}#${++n + 1}`;
  seen.set(ref, n);
  seen.set(unique, 0);
  return unique;
}

function iso(t: number | null): string | undefined {
  return t === null ? undefined : new Date(t).toISOString();
}

function stamp(d: ZoneDraft, ref: string, file: string, format: ImportFormat, sha256: string, actor: string): NewZone {
  return {
    id: uuidFrom(`${file}#${ref}#${sha256}`),
    name: d.name.slice(0, 200),
    kind: d.kind,
    lower: d.lower,
    upper: d.upper,
    validFrom: d.validFrom,
    validTo: d.validTo,
    geometry: d.geometry,
    properties: {
      ...d.properties,
      name: d.name.slice(0, 200),
      kind: d.kind,
      lower: d.lower,
      upper: d.upper,
      validFrom: iso(d.validFrom),
      validTo: iso(d.validTo),
      bbox: turfBbox(d.geometry),
      import: { file, sha256, format, ref, by: actor },
    },
    origin: format === 'citygml' ? 'plateau' : format,
    createdBy: importCreator(file),
  };
}

/** A name-based UUID (v5): the same file content gives its zones the same ids on any instance. */
function uuidFrom(name: string): string {
  const h = createHash('sha1').update(ID_NAMESPACE).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
