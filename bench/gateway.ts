/**
 * npm run bench:gateway — two numbers about the gateway.
 *
 * 1. Frames per second decoded and normalised from the real captures (test/fixtures/mavlink), on
 *    one core (JavaScript runs the whole path on one thread): the gateway's receive path as it
 *    runs — our framer, signing policy, vehicle registry, node-mavlink decoding of what the
 *    normaliser reads, samples with the EGM96 geoid — beside node-mavlink's own stream pipeline
 *    (MavLinkPacketSplitter → MavLinkPacketParser, every packet decoded) on the same bytes.
 * 2. The CPU share of a gateway process relaying 100 simulated drones at 10 Hz to a server: the
 *    simulator, the gateway and the server run as three processes (`npm run sim`,
 *    `npm run gateway`, `npm start`); the gateway's CPU time is read from /proc over a window.
 *
 * BENCH_SECONDS sets the measuring window of part 2 (30); BENCH_DATABASE_URL runs the server on
 * PostgreSQL instead of in-memory PGlite.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createMavLinkStream } from 'node-mavlink';
import { pino } from 'pino';
import type { Link, LinkEvents } from '../gateway/links/link.ts';
import { decode, REGISTRY } from '../gateway/mavlink/codec.ts';
import { MavlinkFramer } from '../gateway/mavlink/framer.ts';
import { MavlinkPort } from '../gateway/port.ts';
import { Vehicles } from '../gateway/vehicles.ts';
import { systemClock } from '../gateway/clock.ts';
import type { TelemetrySample } from '../server/protocol/index.ts';
import { fmt, machine, table } from './support.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test/fixtures/mavlink');
const CAPTURES = [
  'rust-mavlink-log-1426.tlog',
  'missionplanner-2013-v1-radio.tlog',
  'ardupilot-vtol-2018-v1.tlog',
  'raw-v2-3412-packets.bin',
  'raw-v1v2-mixed-gh5.bin',
];
const CHUNK = 4096;
const WINDOW_S = Number(process.env.BENCH_SECONDS ?? 30);
const DRONES = 100;
const RATE_HZ = 10;
const TOKEN = 'bench-admin-token-0123456789';

class ReplayLink extends EventEmitter<LinkEvents> implements Link {
  readonly name = 'replay';
  readonly datagrams = false;
  send(): void {}
  async open(): Promise<void> {}
  async close(): Promise<void> {}
}

/** The gateway's receive path without sockets; returns a function that feeds it one capture. */
function receivePath() {
  const link = new ReplayLink();
  const port = new MavlinkPort(link, { source: { sysid: 255, compid: 190 }, signing: null, relay: false });
  const vehicles = new Vehicles({
    gatewayId: 'bench',
    positionHz: 10,
    droneIds: new Map(),
    lostAfterMs: 3500,
    identifyMs: 0,
    clock: systemClock,
    log: pino({ level: 'silent' }),
  });
  vehicles.attach(port);
  let seq = 0;
  let samples = 0;
  let last: TelemetrySample | null = null;
  vehicles.on('reading', (v, reading) => {
    // Made as the gateway makes it, and kept so the work cannot be optimised away.
    last = { seq: seq++, droneId: v.droneId!, ...reading };
    samples++;
  });
  let frames = 0;
  port.on('frame', () => frames++);
  return {
    feed(bytes: Buffer) {
      for (let at = 0; at < bytes.length; at += CHUNK) link.emit('data', bytes.subarray(at, at + CHUNK), 'replay');
    },
    counts: () => ({ frames, samples, last }),
    stop: () => vehicles.stop(),
  };
}

/** Runs `once` until at least `seconds` have passed; returns frames per second. */
function rate(once: () => number, seconds = 2): number {
  once();
  let frames = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) frames += once();
  return frames / ((performance.now() - t0) / 1000);
}

async function nodeMavlinkPipeline(bytes: Buffer): Promise<number> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) chunks.push(bytes.subarray(at, at + CHUNK));
  let n = 0;
  for await (const packet of createMavLinkStream(Readable.from(chunks))) {
    const clazz = REGISTRY[packet.header.msgid];
    if (clazz) packet.protocol.data(packet.payload, clazz);
    n++;
  }
  return n;
}

async function asyncRate(once: () => Promise<number>, seconds = 2): Promise<number> {
  await once();
  let frames = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) frames += await once();
  return frames / ((performance.now() - t0) / 1000);
}

async function decodeThroughput(): Promise<void> {
  console.log('## 1. Frames decoded and normalised per second, real captures, one core\n');
  const rows: Array<Array<string | number>> = [];
  let total = { bytes: 0, ours: 0, framing: 0, full: 0, theirs: 0 };
  const all = CAPTURES.map((name) => ({ name, bytes: fs.readFileSync(path.join(FIXTURES, name)) }));
  for (const { name, bytes } of all) {
    const once = receivePath();
    once.feed(bytes);
    const { samples } = once.counts();
    once.stop();
    const path_ = receivePath();
    const ours = rate(() => {
      const before = path_.counts().frames;
      path_.feed(bytes);
      return path_.counts().frames - before;
    });
    path_.stop();
    const framing = rate(() => {
      let n = 0;
      const f = new MavlinkFramer();
      for (let at = 0; at < bytes.length; at += CHUNK) f.push(bytes.subarray(at, at + CHUNK), () => n++);
      return n;
    });
    const full = rate(() => {
      let n = 0;
      const f = new MavlinkFramer();
      for (let at = 0; at < bytes.length; at += CHUNK) {
        f.push(bytes.subarray(at, at + CHUNK), (fr) => {
          decode(fr);
          n++;
        });
      }
      return n;
    });
    const perRun = new MavlinkFramer();
    let ourFrames = 0;
    perRun.push(bytes, () => ourFrames++);
    const theirFrames = await nodeMavlinkPipeline(bytes);
    const theirs = await asyncRate(() => nodeMavlinkPipeline(bytes));
    rows.push([
      name,
      ourFrames,
      fmt(ours / 1000, 0),
      fmt(framing / 1000, 0),
      fmt(full / 1000, 0),
      theirFrames,
      fmt(theirs / 1000, 0),
      samples,
    ]);
    total = {
      bytes: total.bytes + bytes.length,
      ours: total.ours + ourFrames / ours,
      framing: total.framing + ourFrames / framing,
      full: total.full + ourFrames / full,
      theirs: total.theirs + theirFrames / theirs,
    };
  }
  const framesAll = rows.reduce((n, r) => n + Number(r[1]), 0);
  const theirAll = rows.reduce((n, r) => n + Number(r[5]), 0);
  rows.push([
    'all five, back to back',
    framesAll,
    fmt(framesAll / total.ours / 1000, 0),
    fmt(framesAll / total.framing / 1000, 0),
    fmt(framesAll / total.full / 1000, 0),
    theirAll,
    fmt(theirAll / total.theirs / 1000, 0),
    '',
  ]);
  console.log(
    table(
      [
        'capture',
        'frames',
        'gateway path kfr/s',
        'framing only kfr/s',
        'framing + decode all kfr/s',
        'node-mavlink frames',
        'node-mavlink pipeline kfr/s',
        'samples per pass',
      ],
      rows,
    ),
  );
  console.log(
    '\n"gateway path": framer, signing check, vehicle registry, decoding of the messages the normaliser reads,' +
      '\nand a TelemetrySample (W84 via EGM96) for every position report; other frames are framed, checked and' +
      '\npassed on undecoded, as the gateway relays them. "framing + decode all" decodes every known frame with' +
      "\nnode-mavlink. node-mavlink's pipeline decodes every packet it delivers (it drops unknown ids and" +
      '\nsometimes frames a tlog timestamp differently, hence its own frame count). Target: ≥ 200 kfr/s.\n',
  );
}

/** Clock ticks per second of /proc's CPU times (USER_HZ); 100 on every Linux build that matters. */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of /proc/pid/stat (the slice starts at field 3).
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function start(script: string, args: string[], env: Record<string, string> = {}): ChildProcess & { lines: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { lines: string[] };
  child.lines = [];
  let buffered = '';
  const collect = (c: Buffer) => {
    buffered += c.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    child.lines.push(...parts);
    if (child.lines.length > 2000) child.lines.splice(0, child.lines.length - 2000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return child;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function freeUdpPort(): Promise<number> {
  const dgram = await import('node:dgram');
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function relayCpu(): Promise<void> {
  console.log(`## 2. CPU share of a gateway relaying ${DRONES} simulated drones at ${RATE_HZ} Hz\n`);
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'soramichi-bench-gateway-'));
  const children: ChildProcess[] = [];
  try {
    const server = start('server/main.ts', [], {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: 'memory://',
      ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
      GEOFENCES_DIR: '',
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    });
    children.push(server);
    let url = '';
    await waitFor('the server', () => {
      for (const l of server.lines) {
        try {
          const e = JSON.parse(l) as { msg?: string; url?: string };
          if (e.msg === 'soramichi listening' && e.url) url = e.url;
        } catch {
          // not a log line
        }
      }
      return !!url;
    });
    const udp = await freeUdpPort();
    const gateway = start('gateway/main.ts', [
      '--udp',
      `127.0.0.1:${udp}`,
      '--server',
      url,
      '--token',
      TOKEN,
      '--id',
      'bench-gw',
      '--position-hz',
      String(RATE_HZ),
      '--spool',
      spool,
      '--log-level',
      'warn',
    ]);
    children.push(gateway);
    await new Promise((r) => setTimeout(r, 3000));
    const sim = start('gateway/sim/main.ts', [
      '--drones',
      String(DRONES),
      '--udp',
      `127.0.0.1:${udp}`,
      '--rate',
      String(RATE_HZ),
    ]);
    children.push(sim);

    const api = async <T>(p: string): Promise<T> =>
      (await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<T>;
    await waitFor(
      `all ${DRONES} drones on the server`,
      async () => (await api<unknown[]>('/api/v1/drones')).length >= DRONES,
    );
    await new Promise((r) => setTimeout(r, 5000));

    const pids = { gateway: gateway.pid!, server: server.pid!, sim: sim.pid! };
    const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const from = new Date().toISOString();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const wall = (performance.now() - t0) / 1000;
    const to = new Date().toISOString();
    const share = Object.fromEntries(
      Object.entries(pids).map(([k, pid]) => [k, ((cpuSeconds(pid) - before[k]!) / wall) * 100]),
    );
    // Samples stored for the window, as the server has them (a few still in flight are missed).
    await new Promise((r) => setTimeout(r, 2000));
    let stored = 0;
    for (let i = 1; i <= DRONES; i++) {
      const id = `JUSIM${String(i).padStart(7, '0')}`;
      const track = await api<{ points: unknown[] }>(`/api/v1/drones/${id}/track?from=${from}&to=${to}&limit=100000`);
      stored += track.points.length;
    }
    console.log(
      table(
        ['process', 'CPU, % of one core'],
        [
          ['gateway (npm run gateway)', fmt(share.gateway!)],
          [
            'server (npm start, ' + (process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite in memory') + ')',
            fmt(share.server!),
          ],
          [`simulator (${DRONES} drones)`, fmt(share.sim!)],
        ],
      ),
    );
    console.log(
      `\nwindow ${fmt(wall)} s; samples stored by the server for it: ${stored} ` +
        `(${fmt(stored / wall, 0)}/s; ${DRONES} × ${RATE_HZ} Hz = ${DRONES * RATE_HZ}/s offered). Target: gateway < 20 %.\n`,
    );
  } finally {
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }
    }
    fs.rmSync(spool, { recursive: true, force: true });
  }
}

console.log(`# bench:gateway — ${machine()}\n`);
await decodeThroughput();
await relayCpu();
