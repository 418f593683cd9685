/**
 * npm run bench:rid — soramichi as an ASTM F3411 network Remote ID service provider under load:
 * DRONES airborne drones at 1 Hz sent by a gateway process (bench/live/feeder.ts), display
 * providers in another process each polling `/rid/v2/uss/flights` for a view once a second (a
 * minute of recent positions when they move to a new view, every tenth poll). Prints how long a sample takes from reaching the server to
 * being servable, how old the positions served are, and how long `/flights` takes to answer
 * (F3411: 1 s at the 95th percentile, 3 s at the 99th). Options: --drones 1000,5000 --pollers 10
 * --seconds 20 --database URL.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Histogram } from './live/histogram.ts';
import {
  BENCH_ADMIN_TOKEN,
  busyFor,
  type ChildMessage,
  fmt,
  forkChild,
  machine,
  startBenchServer,
  table,
} from './support.ts';

/** Long enough for the drones' unplanned-flight alerts (one each, at their first sample) to pass. */
const WARMUP_MS = 8_000;

const { values } = parseArgs({
  options: {
    drones: { type: 'string', default: '1000,5000' },
    pollers: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '20' },
    database: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? '' },
  },
});
const fleets = values.drones.split(',').map(Number);
const pollers = Number(values.pollers);
const seconds = Number(values.seconds);
const progress = (msg: string) => console.error(`[bench:rid] ${msg}`);

interface Run {
  drones: number;
  /** The machine's one-minute load average at the end: other work on a shared machine shows here. */
  load: number;
  available: Histogram;
  age: Histogram;
  response: Histogram;
  pollsPerS: number;
  flightsPerPoll: number;
  failures: number;
  cpuPercent: number;
}

async function run(drones: number): Promise<Run> {
  const server = await startBenchServer({
    GEOFENCES_DIR: '',
    RATE_LIMIT_PER_MINUTE: '0',
    ...(values.database ? { DATABASE_URL: values.database } : {}),
  });
  const env = {
    SERVER_URL: server.url,
    DRONES: String(drones),
    TOKEN: BENCH_ADMIN_TOKEN,
    ARMED: '1',
    POLLERS: String(pollers),
  };
  const gateway = forkChild('live/feeder.ts', env);
  await gateway.next('ready');
  const displays = forkChild('rid/poller.ts', env);
  await displays.next('ready');
  await new Promise((r) => setTimeout(r, WARMUP_MS));

  // The service provider holds a sample once the ingest announces it stored: its listener runs
  // before this one, so the time to here is the time until /flights can serve it.
  const available = new Histogram();
  const onState = (s: { receivedAt: string }) => available.add(Date.now() - Date.parse(s.receivedAt));
  server.droneEvents.on('state', onState);
  displays.proc.send({ type: 'start' });
  const { cpuPercent, elapsedS } = await busyFor(seconds);
  server.droneEvents.off('state', onState);
  const seen = displays.next('stats');
  displays.proc.send({ type: 'stop' });
  const d = (await seen) as ChildMessage & {
    polls: number;
    flights: number;
    failures: number;
    response: Array<[number, number]>;
    age: Array<[number, number]>;
  };
  const fed = gateway.next('stats');
  gateway.proc.send({ type: 'stop' });
  await fed;
  await server.close();

  const age = new Histogram();
  age.merge(d.age);
  const response = new Histogram();
  response.merge(d.response);
  return {
    drones,
    load: os.loadavg()[0]!,
    available,
    age,
    response,
    pollsPerS: d.polls / elapsedS,
    flightsPerPoll: d.polls ? d.flights / d.polls : 0,
    failures: d.failures,
    cpuPercent,
  };
}

const results: Run[] = [];
for (const n of fleets) {
  progress(`${n} drones at 1 Hz, ${pollers} display providers, ${seconds} s measured after ${WARMUP_MS / 1000} s`);
  results.push(await run(n));
}

const pct = (h: Histogram) => `${h.percentile(50)} / ${h.percentile(95)} / ${h.percentile(99)}`;
console.log(
  `${machine()}; database ${values.database ? 'PostgreSQL' : 'PGlite (embedded)'}; the gateway and ${pollers} display ` +
    `providers in two other processes; drones armed and airborne; one poll in ten (a new view) asks for 60 s of recent positions; ${seconds} s measured.`,
);
console.log('');
console.log(
  table(
    [
      'drones at 1 Hz',
      'server CPU (% of a core)',
      'arrival → servable p50 / p95 / p99 ms',
      'position age when served p50 / p95 / p99 ms',
      '/flights answer p50 / p95 / p99 ms',
      'polls/s',
      'flights per answer',
      'failed polls',
      'machine load (1 min)',
    ],
    results.map((r) => [
      r.drones,
      fmt(r.cpuPercent, 0),
      pct(r.available),
      pct(r.age),
      pct(r.response),
      fmt(r.pollsPerS, 1),
      fmt(r.flightsPerPoll, 0),
      r.failures,
      fmt(r.load, 1),
    ]),
  ),
);
console.log('');
for (const r of results) {
  const servable = r.available.percentile(95);
  const answer95 = r.response.percentile(95);
  const answer99 = r.response.percentile(99);
  console.log(
    `${r.drones} drones: a sample is servable ${servable} ms after it arrives at p95 (target ≤ 1 s: ${servable <= 1000 ? 'met' : 'missed'}); ` +
      `/flights answers in ${answer95} ms at p95 and ${answer99} ms at p99 (F3411: 1 s and 3 s: ${answer95 <= 1000 && answer99 <= 3000 ? 'met' : 'missed'}). ` +
      `Positions served are ${r.age.percentile(95)} ms old at p95, of which up to 1 s is the drones' own 1 Hz reporting.`,
  );
}
process.exit(0);
