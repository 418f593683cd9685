/**
 * npm run bench:live — the live map stream under load: DRONES drones at 1 Hz sent by a gateway
 * process, 20 viewers in another process watching them all. Prints the server's CPU and the delay
 * from a position reaching the server (its receipt stamp) to its arrival at the viewers, and from
 * the gateway sending it. Options: --drones 1000,5000 --viewers 20 --seconds 20 --database URL
 * --armed (the drones report armed: airborne without plans, each raises an unplanned-flight alert;
 * by default they report disarmed, so what is measured is the stream, not an alert storm).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
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

const WARMUP_MS = 5_000;

const { values } = parseArgs({
  options: {
    drones: { type: 'string', default: '1000,5000' },
    viewers: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    database: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? '' },
    armed: { type: 'boolean', default: false },
  },
});
const fleets = values.drones.split(',').map(Number);
const viewers = Number(values.viewers);
const seconds = Number(values.seconds);
const progress = (msg: string) => console.error(`[bench:live] ${msg}`);

interface Run {
  drones: number;
  cpuPercent: number;
  loopP99: number;
  framesPerViewerPerS: number;
  rowsPerViewerPerS: number;
  kBPerViewerPerS: number;
  receipt: Histogram;
  sample: Histogram;
  stored: Histogram;
  sent: number;
  acked: number;
  maxOutstanding: number;
}

async function run(drones: number): Promise<Run> {
  const server = await startBenchServer({
    GEOFENCES_DIR: '',
    ...(values.database ? { DATABASE_URL: values.database } : {}),
  });
  const env = {
    SERVER_URL: server.url,
    DRONES: String(drones),
    VIEWERS: String(viewers),
    TOKEN: BENCH_ADMIN_TOKEN,
    ARMED: values.armed ? '1' : '0',
  };
  const watchers = forkChild('live/viewers.ts', env);
  const ready = (await watchers.next('ready')) as ChildMessage & { cells: number };
  progress(`${viewers} viewers subscribed (${ready.cells} cells each); ${drones} drones start`);
  const gateway = forkChild('live/feeder.ts', env);
  await gateway.next('ready');
  await new Promise((r) => setTimeout(r, WARMUP_MS));

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // The ingest's own share: from receipt to the stored sample's event, which the stream listens to.
  const stored = new Histogram();
  const onState = (s: { receivedAt: string }) => stored.add(Date.now() - Date.parse(s.receivedAt));
  server.droneEvents.on('state', onState);
  watchers.proc.send({ type: 'start' });
  const { cpuPercent, elapsedS } = await busyFor(seconds);
  loop.disable();
  server.droneEvents.off('state', onState);
  const seen = watchers.next('stats');
  watchers.proc.send({ type: 'stop' });
  const v = (await seen) as ChildMessage & {
    frames: number;
    rows: number;
    bytes: number;
    fromReceipt: Array<[number, number]>;
    fromSample: Array<[number, number]>;
  };
  const fed = gateway.next('stats');
  gateway.proc.send({ type: 'stop' });
  const g = (await fed) as ChildMessage & { sent: number; acked: number; maxOutstanding: number };
  await server.close();

  const receipt = new Histogram();
  receipt.merge(v.fromReceipt);
  const sample = new Histogram();
  sample.merge(v.fromSample);
  return {
    drones,
    cpuPercent,
    loopP99: loop.percentile(99) / 1e6,
    framesPerViewerPerS: v.frames / viewers / elapsedS,
    rowsPerViewerPerS: v.rows / viewers / elapsedS,
    kBPerViewerPerS: v.bytes / 1024 / viewers / elapsedS,
    receipt,
    sample,
    stored,
    sent: g.sent,
    acked: g.acked,
    maxOutstanding: g.maxOutstanding,
  };
}

const results: Run[] = [];
for (const n of fleets) {
  progress(`${n} drones at 1 Hz, ${viewers} viewers, ${seconds} s measured after ${WARMUP_MS / 1000} s warm-up`);
  results.push(await run(n));
}

const database = values.database ? 'PostgreSQL' : 'PGlite (embedded)';
console.log(
  `${machine()}; database ${database}; ${viewers} viewers in one process, the gateway in another, ${seconds} s measured; ` +
    (values.armed
      ? 'drones armed and airborne without plans (conformance raises an alert for each).'
      : 'drones report disarmed (conformance sees them on the ground; it is measured by bench:conformance).'),
);
console.log('');
console.log(
  table(
    [
      'drones at 1 Hz',
      'server CPU (% of a core)',
      'event loop p99 ms',
      'frames/s per viewer',
      'drones/s per viewer',
      'kB/s per viewer',
      'receipt → stored p50 / p99 ms',
      'receipt → viewer p50 / p99 ms',
      'gateway send → viewer p50 / p99 ms',
      'samples acked / sent (whole run)',
    ],
    results.map((r) => [
      r.drones,
      fmt(r.cpuPercent, 0),
      fmt(r.loopP99, 0),
      fmt(r.framesPerViewerPerS, 1),
      fmt(r.rowsPerViewerPerS, 0),
      fmt(r.kBPerViewerPerS, 0),
      `${r.stored.percentile(50)} / ${r.stored.percentile(99)}`,
      `${r.receipt.percentile(50)} / ${r.receipt.percentile(99)}`,
      `${r.sample.percentile(50)} / ${r.sample.percentile(99)}`,
      `${r.acked} / ${r.sent}`,
    ]),
  ),
);
const last = results.at(-1)!;
console.log('');
console.log(
  `Target: p99 ≤ 250 ms at 5,000 drones. ${last.drones} drones: p99 ${last.receipt.percentile(99)} ms from receipt — ${
    last.receipt.percentile(99) <= 250 ? 'met' : 'missed'
  }. A viewer gets at most one frame per 200 ms by design: a position waits up to that long for its frame.`,
);
process.exit(0);
