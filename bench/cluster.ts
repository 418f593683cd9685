/**
 * npm run bench:cluster — two server instances on one PostgreSQL: how soon the second instance's
 * reservation mirror holds a plan the first accepted (LISTEN/NOTIFY, then the plan's keys read),
 * and how soon a position reported to the first reaches a map viewer of the second (the socket.io
 * PostgreSQL adapter). Both instances run in this process, so the figures include each other's
 * work on one event loop: a bound, not the best case. PostgreSQL from BENCH_DATABASE_URL or
 * TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
 */
import { io } from 'socket.io-client';
import { LIVE_CELL_RESOLUTION, type LiveFrame, type TelemetrySample } from '../server/protocol/index.ts';
import type { RunningServer } from '../server/server.ts';
import { viewportCells } from '../ui/src/map/viewport-cells.ts';
import { CITY, randomRoute } from './city.ts';
import { mulberry32 } from '../gateway/sim/random.ts';
import { freshDatabase } from './database.ts';
import {
  BENCH_ADMIN_TOKEN,
  BENCH_OPERATOR,
  fmt,
  machine,
  registerDrones,
  startBenchServer,
  summarize,
  table,
} from './support.ts';

const PLANS = 500;
const PLANS_PER_S = 50;
const DRONES = 500;
const SECONDS = 15;

async function instance(url: string): Promise<RunningServer> {
  return startBenchServer({
    DATABASE_URL: url,
    GEOFENCES_DIR: '',
    RATE_LIMIT_PER_MINUTE: '0',
    // Instances behind one load balancer share their secrets.
    JWT_SECRET: 'bench-cluster-shared-secret-0123456789abcdef',
    DATA_KEY: Buffer.alloc(32, 5).toString('base64'),
  });
}

/** From A's answer to B's mirror holding the plan, per plan, at a steady pace. */
/** Delays of the accepted plans B heard of within 10 s, and how many A accepted: a plan never heard is reported, not hidden. */
async function mirrorFollows(a: RunningServer, b: RunningServer): Promise<{ delays: number[]; accepted: number }> {
  const heard = new Map<string, number>();
  const onPlan = (p: { id: string; state: string }) => {
    if (p.state === 'Accepted' && !heard.has(p.id)) heard.set(p.id, performance.now());
  };
  b.airspaceEvents.on('plan', onPlan);
  const rand = mulberry32(11);
  const start = Date.now() + 3_600_000;
  const routes = Array.from({ length: PLANS }, () => randomRoute(rand, start, 86_400_000));
  await registerDrones(
    a,
    routes.map((r) => r.droneId),
  );
  const answered = new Map<string, number>();
  const t0 = performance.now();
  for (const [i, route] of routes.entries()) {
    const wait = t0 + (i * 1000) / PLANS_PER_S - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const d = await a.flights.create(route, BENCH_OPERATOR);
    if (d.accepted) answered.set(d.plan.id, performance.now());
  }
  const deadline = Date.now() + 10_000;
  while ([...answered.keys()].some((id) => !heard.has(id)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  b.airspaceEvents.off('plan', onPlan);
  const delays = [...answered].flatMap(([id, at]) => (heard.has(id) ? [Math.max(0, heard.get(id)! - at)] : []));
  return { delays, accepted: answered.size };
}

/** From A receiving a position to a viewer of B getting it in a frame. */
async function liveFollows(a: RunningServer, b: RunningServer): Promise<number[]> {
  const viewer = io(`${b.url}/live`, { transports: ['websocket'], auth: { token: BENCH_ADMIN_TOKEN } });
  const gateway = io(`${a.url}/gateway`, {
    transports: ['websocket'],
    auth: { token: BENCH_ADMIN_TOKEN, gatewayId: 'bench-cluster' },
    forceNew: true,
  });
  await Promise.all(
    [viewer, gateway].map(
      (s) => new Promise<void>((resolve, reject) => (s.once('connect', resolve), s.once('connect_error', reject))),
    ),
  );
  const cells = viewportCells([136.2, 36.2, 136.5, 36.45], LIVE_CELL_RESOLUTION, 2000);
  await viewer.timeout(10_000).emitWithAck('subscribe', { cells, full: false });
  const delays: number[] = [];
  viewer.on('frame', (f: LiveFrame) => {
    const now = Date.now();
    for (const row of f.drones) delays.push(now - row[11]);
  });
  let seq = 0;
  for (let s = 0; s < SECONDS; s++) {
    const samples: TelemetrySample[] = Array.from({ length: DRONES }, (_, i) => ({
      seq: seq++,
      time: new Date().toISOString(),
      droneId: `JUBENCHCL${String(i).padStart(5, '0')}`,
      lat: CITY.lat + (i % 50) * 0.002,
      lon: CITY.lon + Math.floor(i / 50) * 0.002 + s * 1e-5,
      altW84: 120,
      altAmsl: 83,
      altRelative: 80,
      groundSpeedMps: 10,
      verticalSpeedMps: 0,
      headingDeg: 90,
      batteryPercent: 80,
      batteryVoltage: 15,
      mode: 'AUTO',
      armed: false,
      gpsFix: 3,
      remoteId: null,
    }));
    await gateway.timeout(10_000).emitWithAck('telemetry', { samples });
    await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, 1000));
  viewer.close();
  gateway.close();
  return delays;
}

const db = await freshDatabase('cluster');
const a = await instance(db.url);
const b = await instance(db.url);
try {
  const follows = await mirrorFollows(a, b);
  const mirror = summarize(follows.delays);
  const live = await liveFollows(a, b);
  const l = summarize(live);
  console.log(`Two instances in one process on one PostgreSQL, ${machine()}.\n`);
  console.log(
    table(
      ['what follows', 'measured', 'p50 ms', 'p99 ms', 'max ms'],
      [
        [
          `B's mirror holds a plan A accepted (${PLANS} plans, ${PLANS_PER_S}/s)`,
          'A answers → B holds its keys',
          fmt(mirror.p50),
          fmt(mirror.p99),
          fmt(mirror.max),
        ],
        [
          `a viewer of B sees a drone reported to A (${DRONES} drones at 1 Hz, ${SECONDS} s)`,
          'A receives → B’s viewer',
          fmt(l.p50),
          fmt(l.p99),
          fmt(l.max),
        ],
      ],
    ),
  );
  console.log(
    `\nPlans B's mirror heard of: ${follows.delays.length} of ${follows.accepted} accepted on A. Positions that reached B's viewer: ${live.length} of ${DRONES * SECONDS}. Target: mirrors follow within 100 ms.`,
  );
} finally {
  await a.close();
  await b.close();
  await db.drop();
}
