import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PtyPair {
  /** The end the simulator opens. */
  sim: string;
  /** The end a gateway opens with --serial. */
  gateway: string;
  close(): Promise<void>;
}

const HELPER = fileURLToPath(new URL('./pty-pair.py', import.meta.url));

/**
 * A pair of connected pseudo-terminals: a serial line without hardware, which behaves like one
 * (no datagrams, no close event when the other end goes away). The pair comes from a small
 * Python helper over the standard `pty` module (see pty-pair.py for why not Node).
 */
export async function openPtyPair(dir?: string): Promise<PtyPair> {
  const base = dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-pty-')));
  const sim = path.join(base, 'sim');
  const gateway = path.join(base, 'gateway');
  // stdin stays a pipe: the helper exits when it closes, so it never outlives this process.
  const child: ChildProcess = spawn('python3', [HELPER, sim, gateway], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.once('error', (err) => reject(new Error(`python3 could not start the pty pair: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`the pty pair helper exited with ${code}: ${stderr}`)));
  });
  await ready;
  return {
    sim,
    gateway,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!dir) await fs.rm(base, { recursive: true, force: true });
    },
  };
}
