import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { AirspaceEvents } from '../events.ts';
import { AirspaceMirror } from '../flights/mirror.ts';
import { createLogger } from '../log.ts';
import { AltitudeReference } from '../protocol/index.ts';
import { openDb, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { makeDatum } from './datum.ts';
import { loadDem } from './dem.ts';
import { fileKey } from './directory.ts';
import { importZoneFile, type FileReport } from './import/load.ts';
import { ZONE_FILE } from './import/read.ts';
import { Geofences } from './service.ts';
import { systemClock } from '../clock.ts';
import { inlineCompilers } from '../workers/compilers.ts';
import { loggedBackground } from '../background.ts';

const USAGE = `usage:
  npm run geofences -- import <file|dir>...          import zone files (GeoJSON, ED-269, ED-318, PLATEAU CityGML)
  npm run geofences -- check <lat> <lon> <alt> [time] [--reference W84|AMSL|AGL] [--json]
                                                     what restricts that point then, and why

The database and terrain are the server's (DATABASE_URL or DATA_DIR, TERRAIN_DEM, GEOFENCES_DIR,
BUILDING_MARGIN_M). With the embedded database, stop the server first: one process at a time.`;

/** `npm run geofences`: import zone files, or ask what holds a point of airspace. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const flags = rest.filter((a) => a.startsWith('--'));
  const args = rest.filter((a, i) => !a.startsWith('--') && !rest[i - 1]?.startsWith('--reference'));
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (command === 'import' && args.length > 0) return runImport(config, args);
  if (command === 'check' && (args.length === 3 || args.length === 4)) {
    const refAt = rest.indexOf('--reference');
    return runCheck(config, args, refAt >= 0 ? rest[refAt + 1] : 'W84', flags.includes('--json'));
  }
  console.error(USAGE);
  return 2;
}

async function open(config: Config): Promise<{ db: Db; datum: ReturnType<typeof makeDatum> }> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(db);
  const dem = config.terrainDem ? await loadDem(config.terrainDem) : null;
  return { db, datum: makeDatum(config.groundElevationM, [], dem) };
}

async function zoneFiles(target: string): Promise<string[]> {
  const stat = await fs.stat(target);
  if (!stat.isDirectory()) return [target];
  const names = (await fs.readdir(target, { recursive: true })).map(String).sort();
  const files: string[] = [];
  for (const name of names) {
    const file = path.join(target, name);
    if (!(await fs.stat(file)).isFile()) continue;
    if (/\.example\./i.test(name)) console.error(`skipped ${file}: an example request body, not a standing zone`);
    else if (ZONE_FILE.test(name)) files.push(file);
    else console.error(`skipped ${file}: not a zone file`);
  }
  return files;
}

async function runImport(config: Config, targets: string[]): Promise<number> {
  const files: string[] = [];
  for (const t of targets) files.push(...(await zoneFiles(t)));
  const sizes = await Promise.all(files.map(async (f) => (await fs.stat(f)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const { db, datum } = await open(config);
  const bar = new SingleBar(
    { format: 'importing |{bar}| {percentage}% {mb}/{totalMb} MB {buildings} buildings {file}', hideCursor: true },
    Presets.shades_classic,
  );
  const mb = (b: number) => (b / 1e6).toFixed(1);
  bar.start(total, 0, { mb: '0.0', totalMb: mb(total), buildings: 0, file: '' });
  const reports: FileReport[] = [];
  const failed: Array<{ file: string; error: string }> = [];
  const started = performance.now();
  let done = 0;
  let buildings = 0;
  try {
    for (const [i, file] of files.entries()) {
      const key = fileKey(file, config.geofencesDir);
      bar.update(done, { mb: mb(done), file: key });
      try {
        const report = await importZoneFile(
          file,
          key,
          {
            db,
            datum,
            params: config.airspace,
            buildingMarginM: config.buildingMarginM,
            clock: systemClock,
            actor: `cli:${os.userInfo().username}`,
          },
          { onBytes: (bytes) => bar.update(done + bytes, { mb: mb(done + bytes), buildings }) },
        );
        reports.push(report);
        buildings += report.buildings;
      } catch (err) {
        failed.push({ file: key, error: (err as Error).message });
      }
      done += sizes[i]!;
      bar.update(done, { mb: mb(done), buildings });
    }
  } finally {
    bar.stop();
    await db.close();
  }
  printSummary(reports, failed, (performance.now() - started) / 1000);
  return failed.length ? 1 : 0;
}

function printSummary(reports: FileReport[], failed: Array<{ file: string; error: string }>, seconds: number): void {
  const sum = (k: 'zones' | 'buildings' | 'cells' | 'replaced') => reports.reduce((n, r) => n + r[k], 0);
  const skipped = reports.flatMap((r) => r.skipped.map((s) => ({ ...s, file: r.file })));
  const lines = reports.map(
    (r) =>
      `  ${r.file} (${r.format}): ${r.zones} zones, ${r.buildings} buildings, ${r.cells} cells, ${r.skipped.length} skipped${r.replaced ? `, replaced ${r.replaced}` : ''}`,
  );
  console.log(
    [
      `imported ${reports.length} of ${reports.length + failed.length} files in ${seconds.toFixed(1)} s:`,
      ...lines,
      `total: ${sum('zones')} zones, ${sum('buildings')} buildings, ${sum('cells')} cells, ${skipped.length} skipped${sum('buildings') ? ` (${(sum('buildings') / seconds).toFixed(0)} buildings/s)` : ''}`,
    ].join('\n'),
  );
  const byReason = new Map<string, string[]>();
  for (const s of skipped) {
    const list = byReason.get(s.reason) ?? [];
    list.push(`${s.file}: ${s.at}`);
    byReason.set(s.reason, list);
  }
  for (const [reason, where] of byReason) {
    console.log(
      `skipped ${where.length} × ${reason}\n    ${where.slice(0, 5).join('\n    ')}${where.length > 5 ? '\n    …' : ''}`,
    );
  }
  for (const f of failed) console.log(`FAILED ${f.file}: ${f.error} (nothing of it was written)`);
}

async function runCheck(config: Config, args: string[], reference: string | undefined, json: boolean): Promise<number> {
  const [lat, lon, alt] = args.slice(0, 3).map(Number) as [number, number, number];
  const ref = AltitudeReference.safeParse(reference);
  const time = args[3] ? Date.parse(args[3]) : Date.now();
  if (![lat, lon, alt, time].every(Number.isFinite) || !ref.success) {
    console.error(`bad point: lat, lon and alt must be numbers, time RFC 3339, reference W84, AMSL or AGL\n\n${USAGE}`);
    return 2;
  }
  const { db, datum } = await open(config);
  const log = createLogger('warn');
  const events = new AirspaceEvents();
  const horizonMs = config.planningHorizonMs;
  const compilers = inlineCompilers({ datum, params: config.airspace });
  const mirror = new AirspaceMirror({
    db,
    compilers,
    log,
    background: loggedBackground(log),
    events,
    clock: systemClock,
    horizonMs,
  });
  try {
    await mirror.start();
    const geofences = new Geofences({
      db,
      mirror,
      clock: systemClock,
      events,
      datum,
      params: config.airspace,
      stripeResolution: config.stripeResolution,
      lockBucketMs: config.lockBucketMs,
      compilers,
    });
    const answer = await geofences.check(lat, lon, { value: alt, reference: ref.data }, time);
    if (json) console.log(JSON.stringify(answer, null, 2));
    else {
      console.log(
        `${lat}, ${lon} at ${alt} m ${ref.data} (${answer.altW84} m W84), ${answer.time}, cell ${answer.cell}: ${answer.free ? 'free' : 'held'}`,
      );
      for (const z of answer.zones) console.log(`  ${z.why}`);
      for (const f of answer.flights) console.log(`  ${f.why}`);
    }
    return 0;
  } finally {
    await mirror.stop();
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
