import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { beginZoneChange, deleteImportedFile, importedFiles } from '../store/geofences.ts';
import { importZoneFile, type FileReport, type LoadDeps } from './import/load.ts';
import { ZONE_FILE } from './import/read.ts';
import { ImportError } from './import/types.ts';

/** Files named `*.example.*` show a request body (a temporary zone to POST); they are not standing zones. */
const EXAMPLE = /\.example\.[^/]+$/i;

export interface DirectoryReport {
  files: FileReport[];
  failed: Array<{ file: string; error: string }>;
  /** Files imported earlier that are no longer in the directory: their zones were removed. */
  removed: string[];
}

/**
 * How a zone file is known in the store: its path inside the geofences directory (so the server
 * and the CLI agree wherever they run from), or its absolute path when it lies outside.
 */
export function fileKey(file: string, root: string | null): string {
  const abs = path.resolve(file);
  if (root) {
    const rel = path.relative(path.resolve(root), abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return abs;
}

/**
 * Brings the stored zones in line with a geofences directory at start: new and changed files are
 * imported (one transaction each), unchanged ones left alone, and the zones of files that left
 * the directory removed. Nothing is skipped silently: every file not read, every zone skipped and
 * every file that fails is logged with its reason. A file that fails keeps its earlier import.
 */
export async function loadGeofenceDirectory(dir: string, deps: LoadDeps, log: Logger): Promise<DirectoryReport> {
  const report: DirectoryReport = { files: [], failed: [], removed: [] };
  let names: string[];
  try {
    names = (await fs.readdir(dir, { recursive: true })).map(String).sort();
  } catch (err) {
    log.warn({ dir, err: (err as Error).message }, 'geofences directory not readable; no zone files loaded');
    return report;
  }
  const present = new Set<string>();
  for (const name of names) {
    const file = path.join(dir, name);
    if (!(await fs.stat(file)).isFile()) continue;
    const key = fileKey(file, dir);
    if (EXAMPLE.test(name)) {
      log.info({ file: key }, 'skipped: an example of a request body, not a standing zone');
      continue;
    }
    if (!ZONE_FILE.test(name)) {
      log.info({ file: key }, 'skipped: not a zone file (.geojson, .json, .gml or .xml)');
      continue;
    }
    present.add(key);
    try {
      const r = await importZoneFile(file, key, deps, { skipUnchanged: true });
      report.files.push(r);
      for (const s of r.skipped) log.warn({ file: key, at: s.at, reason: s.reason }, 'zone skipped');
      const { skipped, ...summary } = r;
      log.info({ ...summary, skipped: skipped.length }, r.unchanged ? 'zone file unchanged' : 'zone file imported');
    } catch (err) {
      const error = (err as Error).message;
      report.failed.push({ file: key, error });
      if (err instanceof ImportError)
        log.error({ file: key, reason: error }, 'zone file not imported; its earlier zones stay');
      else log.error({ file: key, err }, 'zone file not imported; its earlier zones stay');
    }
  }
  const stale = (await importedFiles(deps.db)).filter((f) => !path.isAbsolute(f.file) && !present.has(f.file));
  for (const f of stale) {
    await deps.db.transaction(async (tx) => {
      await beginZoneChange(tx, `file:${f.file}`);
      await deleteImportedFile(tx, f.file, null);
    });
    report.removed.push(f.file);
    log.warn(
      { file: f.file, zones: f.zones },
      'zone file no longer in the geofences directory: its zones were removed',
    );
  }
  return report;
}
