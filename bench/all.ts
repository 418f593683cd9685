/**
 * npm run bench — the benchmarks that compare soramichi with what a city would otherwise use and
 * show it past one machine, in one run, one after the other (side by side on two cores they
 * would only disturb each other), written to BENCHMARKS.md with the machine's description. Each
 * section says the script and settings that reproduce it alone; bench:plans, bench:geofences and
 * bench:conformance measure the rest at their full sizes (README, "Measured").
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './support.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Section {
  title: string;
  script: string;
  args?: string[];
  env?: Record<string, string>;
  what: string;
}

const SECTIONS: Section[] = [
  {
    title: 'Plan decisions against the alternatives',
    script: 'compare.ts',
    env: { BENCH_PLANS: '3000' },
    what: 'soramichi (PGlite, PostgreSQL, 3 instances on one PostgreSQL) against the PostGIS way and the InterUSS DSS way, same demand, same PostgreSQL, same buffers; an independent oracle checks every outcome.',
  },
  {
    title: 'Several instances on one PostgreSQL',
    script: 'cluster.ts',
    what: 'How soon one instance’s reservation mirror and live map follow another’s.',
  },
  {
    title: 'Live map stream',
    script: 'live.ts',
    args: ['--drones', '100,1000,5000'],
    what: 'Delay from a position reaching the server, and from the gateway sending it, to 20 connected viewers.',
  },
  {
    title: 'MAVLink gateway',
    script: 'gateway.ts',
    env: { BENCH_SECONDS: '15' },
    what: 'Frames decoded and normalised per second against node-mavlink’s own pipeline; CPU of relaying 100 drones at 10 Hz.',
  },
];

function run(s: Section): Promise<{ out: string; seconds: number; code: number | null }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('bench', s.script), ...(s.args ?? [])], {
      cwd: ROOT,
      env: { ...process.env, ...s.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => resolve({ out, seconds: (performance.now() - started) / 1000, code }));
  });
}

const parts = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString()}: ${machine()}.`,
  'Every figure comes from the script named under its heading; run it alone, with the settings given, to reproduce it.',
  'Latency figures are medians and 99th percentiles; rates are medians over slices of the run with the slowest and fastest slice in brackets where a script reports them.',
  '',
];
const started = performance.now();
for (const s of SECTIONS) {
  console.error(`\n=== ${s.title} (bench/${s.script})`);
  const { out, seconds, code } = await run(s);
  const how = [
    ...Object.entries(s.env ?? {}).map(([k, v]) => `${k}=${v}`),
    `npx tsx bench/${s.script}`,
    ...(s.args ?? []),
  ].join(' ');
  parts.push(`## ${s.title}`, '', `${s.what} (\`${how}\`, ${seconds.toFixed(0)} s)`, '');
  parts.push(code === 0 ? out.trim() : `**Failed (exit ${code}).**\n\n${out.trim()}`, '');
}
parts.push(`Total: ${((performance.now() - started) / 60_000).toFixed(1)} minutes.`, '');
await fs.writeFile(path.join(ROOT, 'BENCHMARKS.md'), parts.join('\n'));
console.error('\nwrote BENCHMARKS.md');
