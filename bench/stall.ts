/**
 * npm run bench:stall — how long the largest requests the limits allow hold the server's event
 * loop: while the largest zone, the largest volumes plan and the largest route are submitted
 * together, a probe asks for /healthz every 20 ms, and perf_hooks measures the loop's delay.
 * Target: no stall over 100 ms (issue 19). The server runs in this process so that its loop is
 * the one measured; the request bodies are built before the measurement starts.
 *
 * BENCH_KINDS=postgres,pglite (default both); PostgreSQL from BENCH_DATABASE_URL or
 * TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test, a fresh database per run.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LIMITS } from '../server/limits.ts';
import { freshDatabase } from './database.ts';
import { BENCH_ADMIN_TOKEN, fmt, machine, startBenchServer, summarize, table } from './support.ts';

const KINDS = (process.env.BENCH_KINDS ?? 'postgres,pglite').split(',') as Array<'pglite' | 'postgres'>;
const PROBE_EVERY_MS = 20;
const CENTER = { lat: 36.3, lon: 136.35 };
const M_PER_DEG = 111_195;

const iso = (ms: number) => new Date(ms).toISOString();
const ring = (c: { lat: number; lon: number }, n: number, radiusM: number) => {
  const dLat = radiusM / M_PER_DEG;
  const dLon = dLat / Math.cos((c.lat * Math.PI) / 180);
  const points = Array.from({ length: n - 1 }, (_, i) => [
    c.lon + dLon * Math.cos((2 * Math.PI * i) / (n - 1)),
    c.lat + dLat * Math.sin((2 * Math.PI * i) / (n - 1)),
  ]);
  return [...points, points[0]!];
};

/** The largest of each kind the limits allow: positions, area, waypoints, length, speed. */
function largest(now: number) {
  const zoneRadiusM = Math.sqrt((0.9 * LIMITS.maxDeclaredZoneAreaM2) / Math.PI);
  const zone = {
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [ring(CENTER, LIMITS.maxZoneVertices, zoneRadiusM)] },
    properties: {
      name: 'largest zone',
      kind: 'advisory',
      lower: { value: 0, reference: 'AGL' },
      upper: { value: 150, reference: 'AGL' },
    },
  };
  const volumes = LIMITS.maxPlanVertices / LIMITS.maxVolumeVertices;
  const volumeRadiusM = Math.sqrt((0.95 * LIMITS.maxVolumesAreaM2) / volumes / Math.PI);
  const start = now + 3 * 3_600_000;
  const volumePlan = {
    droneId: 'JUSTALLVOLUMES',
    volumes: Array.from({ length: volumes }, (_, k) => ({
      volume: {
        outline_polygon: {
          vertices: ring(
            { lat: CENTER.lat + 0.2, lon: CENTER.lon - 0.4 + k * 0.08 },
            LIMITS.maxVolumeVertices + 1,
            volumeRadiusM,
          )
            .slice(0, -1)
            .map(([lng, lat]) => ({ lat: lat!, lng: lng! })),
        },
        altitude_lower: { value: 0, reference: 'AGL' },
        altitude_upper: { value: 120, reference: 'AGL' },
      },
      time_start: { value: iso(start) },
      time_end: { value: iso(start + LIMITS.maxFlightDurationMs - 3_600_000) },
    })),
  };
  // A zigzag whose legs add up to just under the longest route.
  const n = LIMITS.maxRouteWaypoints;
  const legM = (0.98 * LIMITS.maxRouteLengthM) / (n - 1);
  const waypoints = Array.from({ length: n }, (_, i) => ({
    lat: CENTER.lat - 0.25 + (i % 2) * (legM / M_PER_DEG) * 0.99,
    lon: CENTER.lon - 0.2 + (i * 40) / M_PER_DEG,
  }));
  const route = {
    droneId: 'JUSTALLROUTE01',
    route: {
      waypoints,
      altitude: { value: 60, reference: 'AGL' },
      speedMps: LIMITS.maxSpeedMps,
      departure: iso(now + 2 * 3_600_000),
    },
  };
  return { zone, volumePlan, route };
}

interface Measured {
  kind: string;
  what: string;
  requests: string;
  loopMaxMs: number;
  loopP99Ms: number;
  probeP50: number;
  probeP99: number;
  probeMax: number;
}

async function run(kind: 'pglite' | 'postgres'): Promise<Measured[]> {
  const pgdb = kind === 'postgres' ? await freshDatabase('stall') : null;
  const server = await startBenchServer({
    GEOFENCES_DIR: '',
    RATE_LIMIT_PER_MINUTE: '0',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
  });
  const post = async (path: string, body: string) => {
    const t = performance.now();
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
      body,
    });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - t, text };
  };

  /** Measures the loop and the probe while `work` runs. */
  const measure = async (what: string, work: () => Promise<string>): Promise<Measured> => {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    const latencies: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        await fetch(`${server.url}/healthz`);
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
      }
    })();
    histogram.enable();
    const requests = await work();
    histogram.disable();
    probing = false;
    await probe;
    const probeStats = summarize(latencies);
    return {
      kind,
      what,
      requests,
      loopMaxMs: histogram.max / 1e6,
      loopP99Ms: histogram.percentile(99) / 1e6,
      probeP50: probeStats.p50,
      probeP99: probeStats.p99,
      probeMax: probeStats.max,
    };
  };

  try {
    const now = Date.now();
    const { zone, volumePlan, route } = largest(now);
    const bodies = {
      zone: JSON.stringify(zone),
      volumes: JSON.stringify(volumePlan),
      route: JSON.stringify(route),
    };
    // Warm up, far from the rest: the worker threads start on their first job.
    const small = JSON.stringify({
      droneId: 'JUSTALLWARMUP1',
      route: {
        ...route.route,
        waypoints: [CENTER, { lat: CENTER.lat, lon: CENTER.lon + 0.01 }],
        departure: iso(now + 30 * 3_600_000),
      },
    });
    await post('/api/v1/flight-plans', small);

    const idle = await measure('nothing else (baseline)', async () => {
      await new Promise((r) => setTimeout(r, 3000));
      return '–';
    });
    const alone = async (what: keyof typeof bodies, path: string) =>
      measure(`the largest ${what} alone`, async () => {
        const r = await post(path, bodies[what]);
        return `${r.status} in ${fmt(r.ms / 1000, 1)} s${r.status >= 300 ? ` (${r.text.slice(0, 120)})` : ''}`;
      });
    const single = [
      await alone('route', '/api/v1/flight-plans'),
      await alone('volumes', '/api/v1/flight-plans'),
      await alone('zone', '/api/v1/geofences'),
    ];
    const again = largest(Date.now() + 13 * 3_600_000);
    bodies.zone = JSON.stringify({
      ...again.zone,
      properties: { ...again.zone.properties, name: 'largest zone again' },
    });
    bodies.volumes = JSON.stringify(again.volumePlan);
    bodies.route = JSON.stringify(again.route);
    const all = await measure('the largest zone, volumes plan and route together', async () => {
      const results = await Promise.all([
        post('/api/v1/geofences', bodies.zone),
        post('/api/v1/flight-plans', bodies.volumes),
        post('/api/v1/flight-plans', bodies.route),
      ]);
      return results
        .map(
          (r, i) =>
            `${['zone', 'volumes', 'route'][i]} ${r.status} in ${fmt(r.ms / 1000, 1)} s${r.status >= 300 ? ` (${r.text.slice(0, 120)})` : ''}`,
        )
        .join('; ');
    });
    return [idle, ...single, all];
  } finally {
    await server.close();
    await pgdb?.drop();
  }
}

const rows: Measured[] = [];
for (const kind of KINDS) rows.push(...(await run(kind)));
console.log(`\nbench:stall on ${machine()}\n`);
console.log(
  table(
    ['database', 'while', 'answers', 'loop delay max ms', 'loop p99 ms', 'probe p50 / p99 / max ms'],
    rows.map((r) => [
      r.kind,
      r.what,
      r.requests,
      fmt(r.loopMaxMs, 0),
      fmt(r.loopP99Ms, 0),
      `${fmt(r.probeP50, 0)} / ${fmt(r.probeP99, 0)} / ${fmt(r.probeMax, 0)}`,
    ]),
  ),
);
