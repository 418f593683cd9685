/**
 * `npm run bench:geofences`: how fast the city's 3D map imports and how fast a point is checked.
 *
 * - Import rate: the two real PLATEAU tiles in test/fixtures/plateau, their buildings repeated
 *   side by side (each copy moved, as a city's tiles lie) into tile-sized files until there are
 *   50,000, in the tiles' own proportion (25 Sapporo, 13 Yokosuka with LOD2 and textures),
 *   imported the way `npm run geofences -- import` does it: read, checked, written in one
 *   transaction per file. Target ≥ 5,000 buildings/s.
 * - Start: the mirror loading those buildings and Kaga's zones from the database.
 * - Point check: what holds a point (zones in force, flights) from the in-memory index, over
 *   random points among the buildings and over Kaga. Target p99 ≤ 50 µs.
 *
 * Embedded PGlite by default; BENCH_DATABASE_URL=postgres://… to measure on PostgreSQL.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../server/clock.ts';
import { loadConfig } from '../server/config.ts';
import { AirspaceEvents } from '../server/events.ts';
import { AirspaceMirror } from '../server/flights/mirror.ts';
import { holdsAt } from '../server/geofences/check.ts';
import { makeDatum } from '../server/geofences/datum.ts';
import { importZoneFile } from '../server/geofences/import/load.ts';
import { openZoneFile } from '../server/geofences/import/read.ts';
import { createLogger } from '../server/log.ts';
import { openDb, type Db } from '../server/store/db.ts';
import { freshDatabase } from './database.ts';
import { migrate } from '../server/store/migrate.ts';
import { inlineCompilers } from '../server/workers/compilers.ts';
import { loggedBackground } from '../server/background.ts';

const TARGET_BUILDINGS = 50_000;
/** Repetitions of a tile's buildings per generated file (about a real tile's size). */
const PER_FILE = 100;
const CHECKS = 200_000;
const TILES = ['test/fixtures/plateau/64413325_bldg_6697_op.gml', 'test/fixtures/plateau/52397519_bldg_6697_op.gml'];

const config = loadConfig({});
const datum = makeDatum(0);

/** Copies of a tile are laid side by side (not stacked) like a city's tiles: a grid of this many columns. */
const COLUMNS = 40;
const STEP = { lat: 0.004, lon: 0.006 };

/**
 * A tile's buildings moved by (dLat, dLon): the text between posLists is kept, the coordinates
 * (lat lon h triples) shifted, so each copy stands on its own ground.
 */
function shifter(body: string): (dLat: number, dLon: number) => string {
  const parts = body.split(/(?<=<gml:posList>)([^<]*)(?=<\/gml:posList>)/);
  const lists = parts.map((p, i) => (i % 2 === 1 ? p.trim().split(/\s+/).map(Number) : null));
  return (dLat, dLon) =>
    parts
      .map((p, i) => {
        const v = lists[i];
        if (!v) return p;
        const out: string[] = [];
        for (let k = 0; k < v.length; k += 3)
          out.push(`${(v[k]! + dLat).toFixed(9)} ${(v[k + 1]! + dLon).toFixed(9)} ${v[k + 2]}`);
        return out.join(' ');
      })
      .join('');
}

async function makeFiles(dir: string): Promise<{ files: string[]; buildings: number; bytes: number; rounds: number }> {
  const tiles = await Promise.all(TILES.map((t) => fs.readFile(t, 'utf8')));
  const perRound = tiles.reduce((n, t) => n + (t.match(/<bldg:Building /g)?.length ?? 0), 0);
  const rounds = Math.ceil(TARGET_BUILDINGS / perRound);
  const files: string[] = [];
  let bytes = 0;
  for (const [k, text] of tiles.entries()) {
    const start = text.indexOf('<core:cityObjectMember>');
    const end = text.lastIndexOf('</core:cityObjectMember>') + '</core:cityObjectMember>'.length;
    const shift = shifter(text.slice(start, end));
    for (let done = 0, n = 0; done < rounds; n++) {
      const reps = Math.min(PER_FILE, rounds - done);
      const copies: string[] = [];
      for (let r = done; r < done + reps; r++) {
        copies.push(shift(Math.floor(r / COLUMNS) * STEP.lat, (r % COLUMNS) * STEP.lon));
      }
      const file = path.join(dir, `${path.basename(TILES[k]!, '.gml')}-${n}.gml`);
      await fs.writeFile(file, text.slice(0, start) + copies.join('') + text.slice(end));
      bytes += (await fs.stat(file)).size;
      files.push(file);
      done += reps;
    }
  }
  return { files, buildings: rounds * perRound, bytes, rounds };
}

async function freshDb(): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (!process.env.BENCH_DATABASE_URL) {
    const db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    return { db, drop: async () => {} };
  }
  const fresh = await freshDatabase('geofences');
  const db = await openDb({ databaseUrl: fresh.url, dataDir: 'memory://' });
  await migrate(db);
  return { db, drop: fresh.drop };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const rnd = (() => {
  let s = 12345;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
})();

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-bench-'));
  const { db, drop } = await freshDb();
  try {
    const made = await makeFiles(dir);
    console.log(
      `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, database ${db.kind}, load average ${os.loadavg()[0]!.toFixed(1)}\n` +
        `input: ${made.files.length} CityGML files, ${made.buildings} buildings, ${(made.bytes / 1e6).toFixed(0)} MB (the two real tiles repeated side by side)`,
    );

    // Reading alone (parse, skip, heights), to show where the time goes.
    let t = performance.now();
    let parsed = 0;
    for (const file of made.files) {
      const z = await openZoneFile(file, {
        buildingMarginM: config.buildingMarginM,
        geoidUndulation: datum.geoidUndulation,
      });
      for await (const item of z.items) if ('zone' in item) parsed++;
    }
    const readS = (performance.now() - t) / 1000;

    t = performance.now();
    let imported = 0;
    let cells = 0;
    const deps = {
      db,
      datum,
      params: config.airspace,
      buildingMarginM: config.buildingMarginM,
      clock: systemClock,
      actor: 'bench',
    };
    for (const file of made.files) {
      const r = await importZoneFile(file, path.basename(file), deps);
      imported += r.buildings;
      cells += r.cells;
    }
    const importS = (performance.now() - t) / 1000;
    await importZoneFileDir(deps);

    const log = createLogger('warn');
    t = performance.now();
    const mirror = new AirspaceMirror({
      db,
      compilers: inlineCompilers({ datum, params: config.airspace }),
      log,
      background: loggedBackground(log),
      events: new AirspaceEvents(),
      clock: systemClock,
      horizonMs: config.planningHorizonMs,
    });
    await mirror.start();
    const startS = (performance.now() - t) / 1000;

    // Points: half among the buildings' tiles, half over Kaga (its zones, the city ceiling).
    const rows = Math.ceil(made.rounds / COLUMNS);
    const grid = (minLat: number, minLon: number, alt: [number, number]) => ({
      minLat,
      maxLat: minLat + rows * STEP.lat,
      minLon,
      maxLon: minLon + COLUMNS * STEP.lon,
      alt,
    });
    const boxes = [
      grid(42.93866, 141.43736, [120, 170]),
      grid(35.2583, 139.73724, [40, 80]),
      { minLat: 36.17, maxLat: 36.4, minLon: 136.23, maxLon: 136.5, alt: [30, 250] },
    ];
    const now = Date.now();
    const points = Array.from({ length: CHECKS }, (_, i) => {
      const b = boxes[i % 2 === 0 ? 2 : (i >> 1) % 2]!;
      return {
        lat: b.minLat + rnd() * (b.maxLat - b.minLat),
        lon: b.minLon + rnd() * (b.maxLon - b.minLon),
        altW84: b.alt[0]! + rnd() * (b.alt[1]! - b.alt[0]!),
        t: now + rnd() * 86_400_000,
      };
    });
    for (let i = 0; i < 20_000; i++) holdsAt(mirror.index, points[i]!, config.airspace);
    // Five rounds: one p99 per round shows how much is the check and how much the machine.
    const latencies = new Float64Array(CHECKS);
    const roundP99: number[] = [];
    const round = CHECKS / 5;
    let held = 0;
    for (let i = 0; i < CHECKS; i++) {
      const s = process.hrtime.bigint();
      const r = holdsAt(mirror.index, points[i]!, config.airspace);
      latencies[i] = Number(process.hrtime.bigint() - s) / 1000;
      if (r.zones.length) held++;
      if ((i + 1) % round === 0) roundP99.push(percentile(latencies.slice(i + 1 - round, i + 1).sort(), 99));
    }
    latencies.sort();
    await mirror.stop();

    const rate = imported / importS;
    const p99 = percentile(latencies, 99);
    const row = (what: string, value: string, target: string, ok?: boolean) =>
      `| ${what.padEnd(44)} | ${value.padStart(16)} | ${target.padEnd(14)} | ${ok === undefined ? '' : ok ? 'met' : 'MISSED'} |`;
    console.log(
      [
        '',
        `| ${'measure'.padEnd(44)} | ${'value'.padStart(16)} | ${'target'.padEnd(14)} |        |`,
        `| ${'-'.repeat(44)} | ${'-'.repeat(16)} | ${'-'.repeat(14)} | ------ |`,
        row('import (read + check + write), buildings/s', rate.toFixed(0), '≥ 5,000', rate >= 5000),
        row('  of which reading the files alone, buildings/s', (parsed / readS).toFixed(0), ''),
        row('  import throughput, MB/s', (made.bytes / 1e6 / importS).toFixed(1), ''),
        row('  buildings imported / zone cells', `${imported} / ${cells}`, ''),
        row('start: mirror loads every zone, s', startS.toFixed(2), ''),
        row(`  zones in the index`, String(mirror.index.zoneCount), ''),
        row('point check p50, µs', percentile(latencies, 50).toFixed(2), ''),
        row('point check p99, µs', p99.toFixed(2), '≤ 50', p99 <= 50),
        row('  p99 of each fifth of the checks, µs', roundP99.map((x) => x.toFixed(1)).join(' '), ''),
        row('point check p99.9, µs', percentile(latencies, 99.9).toFixed(1), ''),
        row('point check max, µs', latencies[latencies.length - 1]!.toFixed(1), ''),
        row('  points held by a zone', `${held} of ${CHECKS}`, ''),
      ].join('\n'),
    );
  } finally {
    await db.close();
    await drop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Kaga's own zones too, so the checks meet the city ceiling, the airport and the onsen districts. */
async function importZoneFileDir(deps: Parameters<typeof importZoneFile>[2]): Promise<void> {
  for (const name of await fs.readdir('geofences/kaga')) {
    if (name.endsWith('.geojson') && !name.includes('.example.')) {
      await importZoneFile(path.join('geofences/kaga', name), `kaga/${name}`, deps);
    }
  }
}

await main();
