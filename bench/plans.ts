/**
 * npm run bench:plans — plan decisions per second and latency, on PGlite and on PostgreSQL, with
 * 0, 1,000 and 10,000 plans already accepted in a 12 km × 12 km city (5 km routes over 24 h).
 *
 * Decisions go through the server's FlightPlans service in-process (the arbiter, the store and the
 * mirror; not HTTP), 8 at a time. PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/test; each run gets a fresh database.
 */
import type { Decision } from '../server/flights/service.ts';
import type { FlightPlanRequest } from '../server/protocol/index.ts';
import { randomRoute } from './city.ts';
import { mulberry32 } from '../gateway/sim/random.ts';
import { freshDatabase } from './database.ts';
import {
  BENCH_OPERATOR,
  fmt,
  machine,
  registerDrones,
  runConcurrently,
  startBenchServer,
  summarize,
  table,
} from './support.ts';

const LEVELS = (process.env.BENCH_LEVELS ?? '0,1000,10000').split(',').map(Number);
const KINDS = (process.env.BENCH_KINDS ?? 'pglite,postgres').split(',') as Array<'pglite' | 'postgres'>;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const NEW_PLANS = 500;
const DUPLICATES = 1000;
const DAY = 86_400_000;

interface Row {
  kind: string;
  level: number;
  prefillPerS: number;
  mixedPerS: number;
  accepted: number;
  acceptedP50: number;
  acceptedP99: number;
  rejectedPerS: number;
  rejectedP50: number;
  rejectedP99: number;
  keysPerPlan: number;
}

async function run(kind: 'pglite' | 'postgres', level: number): Promise<Row> {
  const pgdb = kind === 'postgres' ? await freshDatabase('plans') : null;
  const server = await startBenchServer(
    {
      LOG_LEVEL: 'silent',
      ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    },
    'silent',
  );
  const actor = BENCH_OPERATOR;
  const decide = (p: FlightPlanRequest) => server.flights.create(p, actor);
  const start = Date.now() + 3_600_000;
  try {
    const rand = mulberry32(7 + level);
    const prefill = Array.from({ length: level }, () => randomRoute(rand, start, DAY));
    // New demand in the same day: each is accepted or rejected on its merits.
    const fresh = Array.from({ length: NEW_PLANS }, () => randomRoute(rand, start, DAY));
    const duplicateDrones = Array.from({ length: DUPLICATES }, (_, i) => `JUDUP${i}`);
    await registerDrones(server, [...prefill, ...fresh].map((p) => p.droneId).concat(duplicateDrones));

    const filled = await runConcurrently(prefill, CONCURRENCY, decide);
    const accepted = filled.results.filter((d): d is Extract<Decision, { accepted: true }> => d.accepted);
    const mixed = await runConcurrently(fresh, CONCURRENCY, decide);
    const acceptedLat = mixed.latencies.filter((_, i) => mixed.results[i]!.accepted);
    const keys = mixed.results.flatMap((d) => (d.accepted ? [d.plan.skyRoad.keyCount] : []));

    // Exact duplicates of accepted plans (new drones): every one conflicts.
    const pool = [
      ...accepted.map((d) => d.plan.request),
      ...mixed.results.flatMap((d) => (d.accepted ? [d.plan.request] : [])),
    ];
    const dupes = duplicateDrones.map((droneId, i) => ({ ...pool[i % pool.length]!, droneId }));
    const rejected = await runConcurrently(dupes, CONCURRENCY, decide);
    if (rejected.results.some((d) => d.accepted)) throw new Error('a duplicate of an accepted plan was accepted');

    const a = summarize(acceptedLat);
    const r = summarize(rejected.latencies);
    return {
      kind,
      level,
      prefillPerS: level / filled.seconds || 0,
      mixedPerS: NEW_PLANS / mixed.seconds,
      accepted: acceptedLat.length,
      acceptedP50: a.p50,
      acceptedP99: a.p99,
      rejectedPerS: DUPLICATES / rejected.seconds,
      rejectedP50: r.p50,
      rejectedP99: r.p99,
      keysPerPlan: keys.reduce((s, k) => s + k, 0) / (keys.length || 1),
    };
  } finally {
    await server.close();
    await pgdb?.drop();
  }
}

console.log(`soramichi bench:plans — ${machine()}`);
console.log(
  `${NEW_PLANS} new plans and ${DUPLICATES} duplicates per row, ${CONCURRENCY} in flight, 5 km routes, 12 km × 12 km, one day\n`,
);
const rows: Row[] = [];
for (const kind of KINDS) {
  for (const level of LEVELS) {
    const row = await run(kind, level);
    rows.push(row);
    console.error(`done: ${kind} with ${level} plans`);
  }
}
console.log(
  table(
    [
      'database',
      'already accepted',
      'prefill plans/s',
      'new plans: decisions/s',
      'accepted',
      'accepted p50 ms',
      'accepted p99 ms',
      'rejected/s',
      'rejected p50 ms',
      'rejected p99 ms',
      'keys/plan',
    ],
    rows.map((r) => [
      r.kind,
      r.level,
      r.level ? fmt(r.prefillPerS, 0) : '–',
      fmt(r.mixedPerS, 0),
      `${r.accepted}/${NEW_PLANS}`,
      fmt(r.acceptedP50),
      fmt(r.acceptedP99),
      fmt(r.rejectedPerS, 0),
      fmt(r.rejectedP50),
      fmt(r.rejectedP99),
      fmt(r.keysPerPlan, 0),
    ]),
  ),
);
