import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist/ui');
/** Written after a build, holding the time the build started: sources changed after it are not in it. */
const STAMP = path.join(OUT, '.built-at');
const SOURCES = ['ui', 'vite.config.ts', 'package-lock.json'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function builtAt(): number {
  try {
    return Number(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    return 0;
  }
}

/** Whether dist/ui holds a build of the current sources. */
export function uiIsFresh(): boolean {
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  return fs.existsSync(path.join(OUT, 'index.html')) && builtAt() >= sources;
}

/** Builds the web UI into dist/ui when its sources are newer than the last build (or always, forced). */
export async function ensureUiBuilt(force = false): Promise<'built' | 'fresh'> {
  if (!force && uiIsFresh()) return 'fresh';
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  fs.writeFileSync(STAMP, String(started));
  return 'built';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const outcome = await ensureUiBuilt(force);
  console.log(outcome === 'built' ? `web UI built into ${path.relative(ROOT, OUT)}` : 'web UI is up to date');
}
