import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** The end the simulator opens. */
  sim: string;
  /** The end a gateway opens with --serial. */
  gateway: string;
  close(): Promise<void>;
}

/**
 * A pair of connected pseudo-terminals from socat: a serial line without hardware, which
 * behaves like one (no datagrams, no close event when the other end goes away).
 */
export async function openPtyPair(dir?: string): Promise<PtyPair> {
  const base = dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-pty-')));
  const sim = path.join(base, 'sim');
  const gateway = path.join(base, 'gateway');
  const child: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${sim}`, `pty,raw,echo=0,link=${gateway}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`socat could not start (apt-get install -y socat): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`socat exited with ${code}: ${stderr}`)));
  });
  const ready = (async () => {
    for (;;) {
      const both = await Promise.all(
        [sim, gateway].map((p) =>
          fs.stat(p).then(
            () => true,
            () => false,
          ),
        ),
      );
      if (both.every(Boolean)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => {});
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
