/**
 * npm run bench:conformance — how fast monitoring checks samples, and how soon an alert reaches
 * the map.
 *
 * 1. The pure checks on one core: 1,000 plans across Kaga flown by their drones, 200 zones,
 *    every drone in the proximity grid (bench/conformance/core.ts). Target ≥ 50,000 samples/s.
 * 2. A real server (the monitor, the store, `/gateway` and `/live`) with 1,000 activated plans:
 *    960 drones fly inside theirs at 1 Hz while 40 probes leave their sky road once a second
 *    (Nonconforming: a plan transition and an alert) and 10 enter a zone once a second
 *    (geofence_breach: an alert). A client process (bench/conformance/client.ts) plays the
 *    gateways and a map viewer and times each alert against the sample that caused it.
 *    Target: p99 ≤ 100 ms from the sample's arrival at the server to the alert on the map.
 *
 * Options: --seconds 30 --database postgres://… (default: embedded PGlite).
 */
import { system } from '../server/auth/principal.ts';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/log.ts';
import type { FlightPlanRequest, ZoneFeature } from '../server/protocol/index.ts';
import { startServer } from '../server/server.ts';
import type { ClientPlan, Measurement } from './conformance/client.ts';
import { runCore } from './conformance/core.ts';
import { busyFor, fmt, machine, percentile, table } from './support.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    database: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? '' },
  },
});
const seconds = Number(values.seconds);
const WARMUP_MS = 5000;
const PLANS = 1000;
const PLAN_PROBES = 40;
const ZONE_PROBES = 10;
const progress = (msg: string) => console.error(`[bench:conformance] ${msg}`);

const KAGA = { lat: 36.3, lon: 136.33 };
const M_LAT = 1 / 111_195;
const M_LON = M_LAT / Math.cos((KAGA.lat * Math.PI) / 180);
const offset = (north: number, east: number) => ({ lat: KAGA.lat + north * M_LAT, lon: KAGA.lon + east * M_LON });
const ALT_W84 = 110;

// 1. The pure checks.
progress('pure checks: building 1,000 plans and 200 zones');
const core = runCore({ plans: PLANS, zones: 200, samples: 1_000_000, slices: 20 });
const rates = [...core.rates].sort((a, b) => a - b);
const coreMedian = percentile(rates, 50);

// 2. End to end.
const token = randomBytes(18).toString('base64url');
const server = await startServer(
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    GEOFENCES_DIR: '',
    ADMIN_TOKEN: token,
    // The client's gateways answer no commands: a safe action would only wait for its timeout.
    ALERT_POLICY: 'geofence_breach:notify',
    ...(values.database ? { DATABASE_URL: values.database } : {}),
  }),
  createLogger('warn'),
);
const admin = system('bench');
const started = Date.now();
progress(`filing and activating ${PLANS} plans`);
const centres: Array<{ droneId: string; lat: number; lon: number }> = [];
const side = Math.ceil(Math.sqrt(PLANS));
for (let i = 0; i < PLANS; i++) {
  const centre = offset(Math.floor(i / side) * 400 - 6000, (i % side) * 400 - 6000);
  const droneId = `JUBENCH${String(i).padStart(5, '0')}`;
  const request: FlightPlanRequest = {
    droneId,
    priority: 0,
    authorizations: [],
    volumes: [
      {
        volume: {
          outline_circle: { center: { lat: centre.lat, lng: centre.lon }, radius: { value: 60, units: 'M' } },
          altitude_lower: { value: 90, reference: 'W84' },
          altitude_upper: { value: 130, reference: 'W84' },
        },
        time_start: { value: new Date(started).toISOString(), format: 'RFC3339' },
        time_end: { value: new Date(started + 3_600_000).toISOString(), format: 'RFC3339' },
      },
    ],
  };
  const decision = await server.flights.create(request, admin);
  if (!decision.accepted) throw new Error(`plan ${i} refused: ${decision.rejection.message}`);
  await server.flights.operate(decision.plan.id, 'activate', admin);
  centres.push({ droneId, ...centre });
}
progress(`declaring ${ZONE_PROBES} zones`);
const zoneProbes: ClientPlan['probes'] = [];
for (let z = 0; z < ZONE_PROBES; z++) {
  const c = offset(8000, z * 1000);
  const h = 100;
  const feature: ZoneFeature = {
    type: 'Feature',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [c.lon - h * M_LON, c.lat - h * M_LAT],
          [c.lon + h * M_LON, c.lat - h * M_LAT],
          [c.lon + h * M_LON, c.lat + h * M_LAT],
          [c.lon - h * M_LON, c.lat + h * M_LAT],
          [c.lon - h * M_LON, c.lat - h * M_LAT],
        ],
      ],
    },
    properties: {
      name: `bench zone ${z}`,
      kind: 'prohibited',
      lower: { value: 0, reference: 'AGL' },
      upper: { value: 150, reference: 'AGL' },
    },
  } as ZoneFeature;
  await server.geofences.create(feature, admin);
  zoneProbes.push({
    droneId: `JUZONE${String(z).padStart(5, '0')}`,
    kind: 'geofence_breach',
    normal: { lat: c.lat + 400 * M_LAT, lon: c.lon },
    crossed: c,
  });
}
progress(`setup took ${((Date.now() - started) / 1000).toFixed(0)} s`);

// For each probe sample: when it reached the ingest (its receipt stamp) and when the ingest had
// stored it and announced it to the monitor; for each alert, when it was stored and announced.
const now = () => performance.timeOrigin + performance.now();
const arrivals = new Map<string, { received: number; stored: number }>();
const announced = new Map<string, number>();
const probeIds = new Set([...centres.slice(0, PLAN_PROBES).map((c) => c.droneId), ...zoneProbes.map((p) => p.droneId)]);
server.droneEvents.prependListener('state', (s) => {
  if (probeIds.has(s.droneId))
    arrivals.set(`${s.droneId} ${s.time}`, { received: Date.parse(s.receivedAt), stored: now() });
});
server.alertEvents.prependListener('alert', (a) => {
  if (a.closedAt === null && !announced.has(a.id)) announced.set(a.id, now());
});

const plan: ClientPlan = {
  url: server.url,
  token,
  background: centres.slice(PLAN_PROBES),
  probes: [
    ...centres.slice(0, PLAN_PROBES).map((c) => ({
      droneId: c.droneId,
      kind: 'nonconforming' as const,
      normal: { lat: c.lat, lon: c.lon },
      // Half way to the next plan's circle: off this sky road, clear of the neighbour's.
      crossed: { lat: c.lat, lon: c.lon + 200 * M_LON },
    })),
    ...zoneProbes,
  ],
  altW84: ALT_W84,
};
const client = fork(path.join(HERE, 'conformance', 'client.ts'), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const next = (type: string) =>
  new Promise<Record<string, unknown>>((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      client.off('message', onMessage);
      resolve(m as Record<string, unknown>);
    };
    client.on('message', onMessage);
    client.once('exit', (code) => reject(new Error(`the client exited (${code}) before sending ${type}`)));
  });
const ready = next('ready');
client.send({ type: 'start', plan });
await ready;
progress(`${centres.length - PLAN_PROBES} drones at 1 Hz, ${PLAN_PROBES + ZONE_PROBES} probes at 5 Hz; warming up`);
await new Promise((r) => setTimeout(r, WARMUP_MS));
const warmEnd = Date.now();
progress(`measuring for ${seconds} s`);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const { cpuPercent } = await busyFor(seconds);
loop.disable();
const results = next('results');
client.send({ type: 'stop' });
const r = (await results) as { measurements: Measurement[]; lateTicks: number; sent: number };
await server.monitor.idle();
await server.close();

const measured = r.measurements.filter((m) => m.sentAt >= warmEnd);
const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
const rows = (['nonconforming', 'geofence_breach'] as const).map((kind) => {
  const ms = measured.flatMap((m) => {
    const at = arrivals.get(`${m.droneId} ${m.sampleTime}`);
    const emitted = announced.get(m.alertId);
    return m.kind === kind && at && emitted ? [{ ...m, ...at, emitted }] : [];
  });
  return {
    kind,
    count: ms.length,
    fromArrival: sorted(ms.map((m) => m.alertAt - m.received)),
    fromSend: sorted(ms.map((m) => m.alertAt - m.sentAt)),
    ingest: sorted(ms.map((m) => m.stored - m.received)),
    monitor: sorted(ms.map((m) => m.emitted - m.stored)),
    socket: sorted(ms.map((m) => m.alertAt - m.emitted)),
  };
});
const crossings = (PLAN_PROBES + ZONE_PROBES) * seconds;

const database = values.database ? 'PostgreSQL' : 'PGlite (embedded)';
console.log(`${machine()}.`);
console.log('');
console.log(
  `**Pure checks, one core**: ${fmt(coreMedian, 0)} samples/s median (slowest slice ${fmt(rates[0]!, 0)}, fastest ${fmt(rates.at(-1)!, 0)}) over ${core.samples.toLocaleString('en')} samples; ${core.plans} plans (${core.keys.toLocaleString('en')} keys), ${core.zones} zones, ${core.plans} drones in the proximity grid. Each sample: located, matched to its plan, checked against zones, neighbours and battery, put in the grid. Found ${core.outside.toLocaleString('en')} off their sky road and ${Object.entries(
    core.conditions,
  )
    .map(([k, n]) => `${n.toLocaleString('en')} ${k}`)
    .join(', ')}. Target ≥ 50,000/s: ${coreMedian >= 50_000 ? 'met' : 'missed'}.`,
);
console.log('');
console.log(
  `**Sample to alert on the map**, database ${database}: ${PLANS} activated plans, ${centres.length - PLAN_PROBES} drones at 1 Hz inside theirs, ${PLAN_PROBES} probes leaving their sky road and ${ZONE_PROBES} entering a zone once a second each (about ${crossings} crossings in ${seconds} s), measured after ${WARMUP_MS / 1000} s of warm-up. Arrival is the ingest's receipt stamp (whole milliseconds); the viewer is a socket.io client on \`/live\` in another process.`,
);
console.log('');
console.log(
  table(
    [
      'alert',
      'alerts timed',
      'arrival → map p50 / p99 / max ms',
      'of which: ingest stores the sample',
      'monitor checks, stores the alert',
      'socket to the viewer',
      'gateway send → map p50 / p99 ms',
    ],
    rows.map((x) => [
      x.kind,
      x.count,
      `${fmt(percentile(x.fromArrival, 50))} / ${fmt(percentile(x.fromArrival, 99))} / ${fmt(x.fromArrival.at(-1) ?? NaN)}`,
      `${fmt(percentile(x.ingest, 50))} / ${fmt(percentile(x.ingest, 99))}`,
      `${fmt(percentile(x.monitor, 50))} / ${fmt(percentile(x.monitor, 99))}`,
      `${fmt(percentile(x.socket, 50))} / ${fmt(percentile(x.socket, 99))}`,
      `${fmt(percentile(x.fromSend, 50))} / ${fmt(percentile(x.fromSend, 99))}`,
    ]),
  ),
);
const all = rows.flatMap((x) => x.fromArrival).sort((a, b) => a - b);
const p99 = percentile(all, 99);
console.log('');
console.log(
  `Server CPU ${fmt(cpuPercent, 0)} % of a core, event-loop delay p99 ${fmt(loop.percentile(99) / 1e6, 0)} ms; ${r.sent.toLocaleString('en')} samples sent in the whole run; probe ticks later than 200 ms: ${r.lateTicks}. Nonconforming includes the plan's state change in the store before the alert is written. Target p99 ≤ 100 ms from arrival: ${p99 <= 100 ? 'met' : 'missed'} (${fmt(p99)} ms over both kinds).`,
);
process.exit(0);
