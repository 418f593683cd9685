import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Principal } from '../server/auth/principal.ts';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/log.ts';
import { startServer, type RunningServer } from '../server/server.ts';
import os from 'node:os';

/** Percentile of a sample (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarize(latenciesMs: number[]): { p50: number; p99: number; max: number } {
  const s = [...latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Runs `work` over `items` with at most `concurrency` in flight; returns each item's latency in ms. */
export async function runConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<{ results: R[]; latencies: number[]; seconds: number; finishedAt: number[] }> {
  const results: R[] = new Array(items.length);
  const latencies: number[] = new Array(items.length);
  const finishedAt: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        const t = performance.now();
        results[i] = await work(items[i]!);
        const end = performance.now();
        latencies[i] = end - t;
        finishedAt.push((end - started) / 1000);
      }
    }),
  );
  return { results, latencies, seconds: (performance.now() - started) / 1000, finishedAt };
}

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/**
 * Throughput measured over consecutive slices of a run (by completion order): its median and its
 * spread (slowest and fastest slice), so one figure says how steady the rate was.
 */
export function rateSpread(finishedAt: readonly number[], slices = 10): { median: number; min: number; max: number } {
  const per = Math.max(1, Math.floor(finishedAt.length / slices));
  const rates: number[] = [];
  for (let i = per; i <= finishedAt.length; i += per) {
    const from = i === per ? 0 : finishedAt[i - per - 1]!;
    const span = finishedAt[i - 1]! - from;
    if (span > 0) rates.push(per / span);
  }
  const sorted = rates.sort((a, b) => a - b);
  return { median: percentile(sorted, 50), min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

export const spread = (r: { median: number; min: number; max: number }, digits = 0) =>
  `${fmt(r.median, digits)} (${fmt(r.min, digits)}–${fmt(r.max, digits)})`;

/** The operator the benchmarks file their plans as, when they call the service in-process. */
export const BENCH_OPERATOR: Principal = {
  subject: 'bench',
  role: 'operator',
  drones: [],
  tokenId: null,
  expiresAt: null,
};

/**
 * An operator files only for drones registered to it: a benchmark registers the drones its plans
 * name before its clock starts, so that registering is not part of what it measures.
 */
export async function registerDrones(
  server: Pick<RunningServer, 'rights'>,
  droneIds: Iterable<string>,
  operator: Principal = BENCH_OPERATOR,
): Promise<void> {
  for (const id of new Set(droneIds)) await server.rights.drones.ensureOwn(id, operator);
}

/** The administrator token of the servers the benchmarks start. */
export const BENCH_ADMIN_TOKEN = randomBytes(18).toString('base64url');

/** A message between a benchmark and a process it forks: its type and what it carries. */
export type ChildMessage = { type: string; [k: string]: unknown };

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/** The processes the benchmarks fork: they go when the benchmark does, however it ends. */
const forked = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of forked) if (c.exitCode === null) c.kill();
});

/**
 * Forks `script` (a path under bench/) under tsx, with `env` added to ours and its output on ours;
 * `next(type)` waits for its next message of that type and fails if it exits first.
 */
export function forkChild(
  script: string,
  env: Record<string, string>,
): { proc: ChildProcess; next(type: string): Promise<ChildMessage> } {
  const proc = fork(path.join(BENCH_DIR, script), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  forked.add(proc);
  const waiting = new Map<string, (m: ChildMessage) => void>();
  proc.on('message', (m: ChildMessage) => waiting.get(m.type)?.(m));
  return {
    proc,
    next: (type) =>
      new Promise((resolve, reject) => {
        waiting.set(type, resolve);
        proc.once('exit', (code) => reject(new Error(`${script} exited (${code}) before sending ${type}`)));
      }),
  };
}

/**
 * Lets `seconds` pass and says how busy this process was meanwhile: its CPU (user and system) as
 * a percentage of one core, and the seconds that really passed (a timer may fire late).
 */
export async function busyFor(seconds: number): Promise<{ cpuPercent: number; elapsedS: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = (performance.now() - t0) / 1000;
  return { cpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsedS) * 100, elapsedS };
}

/**
 * A server for a benchmark to load: on a free local port, on embedded PGlite in memory unless
 * `settings` names a DATABASE_URL, with the benchmarks' administrator token (so it issues and
 * prints none of its own), and `settings` over those; it logs at `logLevel`.
 */
export function startBenchServer(
  settings: Record<string, string>,
  logLevel: 'warn' | 'silent' = 'warn',
): Promise<RunningServer> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    ...settings,
  });
  return startServer(config, createLogger(logLevel));
}
