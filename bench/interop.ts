/**
 * npm run bench:interop — plan decisions per second through InterUSS flight_planning/v1 beside
 * the native API, on the same demand: N random volume plans over Kaga in one day, C at a time,
 * each through HTTP with a token of its kind (an operator's HS256 token for POST
 * /api/v1/flight-plans; an InterUSS authority's RS256 token with the plan scope for PUT
 * /flight_planning/v1/flight_plans/{id}). Every run starts a fresh server on a fresh database; the
 * same arbiter decides both, so they accept about as many (the order of concurrent decisions may
 * differ by a few).
 *
 * BENCH_PLANS (default 1000), BENCH_CONCURRENCY (8), BENCH_ROUNDS (3; the median rate is shown, p50 and
 * p99 over all rounds), BENCH_KINDS (pglite,postgres). PostgreSQL
 * comes from BENCH_DATABASE_URL or TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { system } from '../server/auth/principal.ts';
import { CITY } from './city.ts';
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

const PLANS = Number(process.env.BENCH_PLANS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KINDS = (process.env.BENCH_KINDS ?? 'pglite,postgres').split(',') as Array<'pglite' | 'postgres'>;
const DAY = 86_400_000;
const M_PER_DEG_LAT = 111_195;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((CITY.lat * Math.PI) / 180);

/** One flight of the demand, as both APIs state it. */
interface Flight {
  box: Array<{ lat: number; lng: number }>;
  lowerM: number;
  upperM: number;
  start: string;
  end: string;
}

/** A 100–500 m box somewhere over the city, 16–48 m deep between 30 and 150 m above the ground, 10–30 minutes. */
function demand(n: number, from: number): Flight[] {
  const rand = mulberry32(2024);
  const half = CITY.sizeM / 2;
  return Array.from({ length: n }, () => {
    const w = 100 + rand() * 400;
    const h = 100 + rand() * 400;
    const x = (rand() * 2 - 1) * (half - w);
    const y = (rand() * 2 - 1) * (half - h);
    const at = (dx: number, dy: number) => ({
      lat: CITY.lat + (y + dy) / M_PER_DEG_LAT,
      lng: CITY.lon + (x + dx) / M_PER_DEG_LON,
    });
    const lowerM = 30 + Math.floor(rand() * 6) * 16;
    const t = Math.floor((from + rand() * DAY) / 1000) * 1000;
    return {
      box: [at(0, 0), at(w, 0), at(w, h), at(0, h)],
      lowerM,
      upperM: lowerM + 16 + Math.floor(rand() * 3) * 16,
      start: new Date(t).toISOString(),
      end: new Date(t + (10 + Math.floor(rand() * 21)) * 60_000).toISOString(),
    };
  });
}

const nativeBody = (f: Flight, i: number) => ({
  droneId: `JUBENCH${i}`,
  volumes: [
    {
      volume: {
        outline_polygon: { vertices: f.box },
        altitude_lower: { value: f.lowerM, reference: 'AGL' },
        altitude_upper: { value: f.upperM, reference: 'AGL' },
      },
      time_start: { value: f.start, format: 'RFC3339' },
      time_end: { value: f.end, format: 'RFC3339' },
    },
  ],
});

const interussBody = (f: Flight, i: number) => ({
  flight_plan: {
    basic_information: {
      usage_state: 'Planned',
      uas_state: 'Nominal',
      area: [
        {
          volume: {
            outline_polygon: { vertices: f.box },
            altitude_lower: { value: f.lowerM, reference: 'SFC', units: 'M' },
            altitude_upper: { value: f.upperM, reference: 'SFC', units: 'M' },
          },
          time_start: { value: f.start, format: 'RFC3339' },
          time_end: { value: f.end, format: 'RFC3339' },
        },
      ],
    },
    astm_f3548_21: { priority: 0 },
    uspace_flight_authorisation: { uas_serial_number: `JUBENCH${i}` },
  },
  execution_style: 'IfAllowed',
  request_id: randomUUID(),
});

interface Row {
  kind: string;
  api: string;
  perS: number;
  accepted: number;
  latencies: number[];
}

/** The native API bare, with an Idempotency-Key (the interface's request_id is the same work), and the interface. */
const APIS = ['native', 'native + Idempotency-Key', 'flight_planning/v1'] as const;
type Api = (typeof APIS)[number];

async function run(kind: 'pglite' | 'postgres', api: Api, flights: Flight[]): Promise<Row> {
  const pgdb = kind === 'postgres' ? await freshDatabase('interop') : null;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-interop-'));
  const publicKeyFile = path.join(dir, 'interuss.pem');
  await fs.writeFile(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const server = await startBenchServer(
    {
      LOG_LEVEL: 'silent',
      GEOFENCES_DIR: '',
      RATE_LIMIT_PER_MINUTE: '0',
      INTERUSS_PUBLIC_KEY_FILE: publicKeyFile,
      INTERUSS_AUDIENCE: '127.0.0.1',
      ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    },
    'silent',
  );
  try {
    const admin = system('bench');
    const native = api !== 'flight_planning/v1';
    const token = native
      ? (await server.issuer.issue({ subject: BENCH_OPERATOR.subject, role: 'operator', ttlSeconds: 3600 }, admin))
          .token
      : await new SignJWT({ scope: 'interuss.flight_planning.plan' })
          .setProtectedHeader({ alg: 'RS256' })
          .setSubject('bench-qualifier')
          .setAudience('127.0.0.1')
          .setExpirationTime('1h')
          .sign(privateKey);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    if (native)
      await registerDrones(
        server,
        flights.map((f, i) => nativeBody(f, i).droneId),
      );
    const decide = async ([f, i]: [Flight, number]): Promise<boolean> => {
      const res = native
        ? await fetch(`${server.url}/api/v1/flight-plans`, {
            method: 'POST',
            headers: api === 'native' ? headers : { ...headers, 'idempotency-key': randomUUID() },
            body: JSON.stringify(nativeBody(f, i)),
          })
        : await fetch(`${server.url}/flight_planning/v1/flight_plans/${randomUUID()}`, {
            method: 'PUT',
            headers,
            body: JSON.stringify(interussBody(f, i)),
          });
      const body = (await res.json()) as { planning_result?: string };
      if (native) {
        if (res.status !== 201 && res.status !== 409) throw new Error(`native answered ${res.status}`);
        return res.status === 201;
      }
      if (res.status !== 200 || (body.planning_result !== 'Completed' && body.planning_result !== 'Rejected')) {
        throw new Error(`flight_planning/v1 answered ${res.status} ${JSON.stringify(body)}`);
      }
      return body.planning_result === 'Completed';
    };
    const done = await runConcurrently(
      flights.map((f, i) => [f, i] as [Flight, number]),
      CONCURRENCY,
      decide,
    );
    return {
      kind,
      api,
      perS: flights.length / done.seconds,
      accepted: done.results.filter(Boolean).length,
      latencies: done.latencies,
    };
  } finally {
    await server.close();
    await pgdb?.drop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

console.log(`soramichi bench:interop — ${machine()}`);
console.log(
  `${PLANS} volume plans (100–500 m boxes, 16–48 m deep, 10–30 min) over 12 km × 12 km in one day, ${CONCURRENCY} in flight, through HTTP\n`,
);
const flights = demand(PLANS, Date.now() + 3_600_000);
const runs: Row[] = [];
// Rounds interleave the APIs, so a neighbour's load on a shared machine falls on all of them alike.
for (let round = 1; round <= ROUNDS; round++) {
  for (const kind of KINDS) {
    for (const api of APIS) {
      runs.push(await run(kind, api, flights));
      console.error(`done: ${api} on ${kind}, round ${round}/${ROUNDS}`);
    }
  }
}
const rows = KINDS.flatMap((kind) =>
  APIS.map((api) => {
    const mine = runs.filter((r) => r.kind === kind && r.api === api);
    const rates = mine.map((r) => r.perS).sort((x, y) => x - y);
    const s = summarize(mine.flatMap((r) => r.latencies));
    return [
      kind,
      api,
      fmt(rates[Math.floor(rates.length / 2)]!, 0),
      rates.length > 1 ? `${fmt(rates[0]!, 0)}–${fmt(rates[rates.length - 1]!, 0)}` : '–',
      mine.map((r) => r.accepted).join(', '),
      fmt(s.p50),
      fmt(s.p99),
    ];
  }),
);
console.log(
  table(['database', 'API', 'decisions/s (median)', 'range', `accepted of ${PLANS}`, 'p50 ms', 'p99 ms'], rows),
);
