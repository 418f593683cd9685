/**
 * npm run bench — every benchmark in one run, one after the other (they would only disturb each
 * other side by side on two cores), written to BENCHMARKS.md with the machine's description.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './support.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SECTIONS: Array<{ title: string; script: string; what: string }> = [
  {
    title: 'Plan decisions against the alternatives',
    script: 'compare.ts',
    what: 'soramichi (PGlite, PostgreSQL, 3 instances on one PostgreSQL) against the PostGIS way and the InterUSS DSS way, same demand, same PostgreSQL, same buffers; an independent oracle checks every outcome.',
  },
  {
    title: 'Plan decisions as the city fills up',
    script: 'plans.ts',
    what: 'Decisions per second and latency with 0, 1,000 and 10,000 plans already accepted.',
  },
  {
    title: 'MAVLink gateway',
    script: 'gateway.ts',
    what: 'Frames decoded and normalised per second; CPU of relaying 100 drones at 10 Hz.',
  },
  { title: 'Geofences', script: 'geofences.ts', what: 'Import rate of real PLATEAU buildings; point-check latency.' },
  {
    title: 'Live map stream',
    script: 'live.ts',
    what: 'Delay from a position reaching the server to 20 connected viewers.',
  },
  {
    title: 'Conformance monitoring',
    script: 'conformance.ts',
    what: 'Samples checked per second; sample-to-alert delay on the map socket.',
  },
];

function run(script: string): Promise<{ out: string; seconds: number; code: number | null }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('bench', script)], {
      cwd: ROOT,
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
  'Every figure comes from the script named under its heading; run it alone to reproduce it.',
  'Latency figures are medians and 99th percentiles; rates are medians over slices of the run with the slowest and fastest slice in brackets where a script reports them.',
  '',
];
const started = performance.now();
for (const s of SECTIONS) {
  console.error(`\n=== ${s.title} (bench/${s.script})`);
  const { out, seconds, code } = await run(s.script);
  parts.push(`## ${s.title}`, '', `${s.what} (\`bench/${s.script}\`, ${seconds.toFixed(0)} s)`, '');
  parts.push(code === 0 ? out.trim() : `**Failed (exit ${code}).**\n\n${out.trim()}`, '');
}
parts.push(`Total: ${((performance.now() - started) / 60_000).toFixed(1)} minutes.`, '');
await fs.writeFile(path.join(ROOT, 'BENCHMARKS.md'), parts.join('\n'));
console.error('\nwrote BENCHMARKS.md');
