import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';

const run = promisify(execFile);

/** Debian's Chromium, used when installed: it brings the system's fonts (Japanese among them). */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumBinary {
  executablePath: string;
  /** Extra environment the binary needs (shared libraries it carries itself). */
  env: Record<string, string>;
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

/**
 * The browser to drive: `CHROMIUM_PATH` when set, else Debian's Chromium when installed, else
 * the Linux Chromium that the npm package `@sparticuz/chromium` carries (so that `npm install`
 * alone is enough to run the browser tests on a fresh machine).
 */
export async function findChromium(): Promise<ChromiumBinary> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!fs.existsSync(chosen)) throw new Error(`CHROMIUM_PATH=${chosen}: no such file`);
    return { executablePath: chosen, env: {}, source: 'CHROMIUM_PATH' };
  }
  if (fs.existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, env: {}, source: 'system' };
  const { default: packaged } = await import('@sparticuz/chromium');
  const executablePath = await packaged.executablePath();
  return { executablePath, env: await librariesFor(executablePath), source: '@sparticuz/chromium' };
}

/**
 * The packaged binary links against NSS and Expat, which a minimal Debian may lack; the package
 * carries them (built for Amazon Linux, ABI-compatible) and we unpack them beside it only when the
 * dynamic linker cannot find the system's.
 */
async function librariesFor(executable: string): Promise<Record<string, string>> {
  const { stdout } = await run('ldd', [executable]);
  if (!/not found/.test(stdout)) return {};
  const dir = path.join(os.tmpdir(), 'soramichi-chromium-libs');
  if (!fs.existsSync(path.join(dir, 'lib', 'libnss3.so'))) {
    fs.mkdirSync(dir, { recursive: true });
    const entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'));
    const archive = path.join(path.dirname(entry), '..', 'bin', 'al2023.tar.br');
    const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => tar.once('exit', resolve));
    await pipeline(fs.createReadStream(archive), zlib.createBrotliDecompress(), tar.stdin);
    const code = await exited;
    if (code !== 0) throw new Error(`could not unpack ${archive} (tar exited with ${code})`);
  }
  const libs = path.join(dir, 'lib');
  const still = (await run('ldd', [executable], { env: { ...process.env, LD_LIBRARY_PATH: libs } })).stdout;
  const missing = still.split('\n').filter((l) => l.includes('not found'));
  if (missing.length > 0) {
    throw new Error(`${executable} lacks shared libraries: ${missing.map((l) => l.trim()).join('; ')}`);
  }
  return { LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
}

/**
 * A headless Chromium on a fresh profile, in Kaga's time zone. WebGL comes from SwiftShader:
 * nothing here may switch the software rasteriser or the GPU process off.
 */
export async function launchChromium(viewport: {
  width: number;
  height: number;
}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const binary = await findChromium();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'soramichi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: binary.executablePath,
    env: { ...process.env, ...binary.env },
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // The packaged build has no GPU driver to fall back on: WebGL must come from SwiftShader.
      ...(binary.source === '@sparticuz/chromium'
        ? ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist']
        : []),
    ],
    viewport,
    timezoneId: 'Asia/Tokyo',
    locale: 'ja-JP',
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
