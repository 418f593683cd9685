import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN } from './admin-token.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Every line the process printed. */
  output: string[];
  /** Stops it (SIGTERM by default) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm start`'s entry point as a real child process, on an ephemeral port, with the tests'
 * administrator token (unless `env` says otherwise); resolves once it logs that it listens.
 */
export function spawnServer(env: Record<string, string | undefined>): Promise<ServerProcess> {
  // A variable given as undefined is left out (ADMIN_TOKEN: undefined is a server without one).
  const merged = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    GEOFENCES_DIR: '',
    ADMIN_TOKEN,
    ...env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'soramichi listening' && entry.url) {
          resolve({
            url: entry.url,
            child,
            output,
            async stop(signal = 'SIGTERM') {
              if (child.exitCode === null && child.signalCode === null) child.kill(signal);
              return exited;
            },
          });
        }
      } catch {
        // not a log line
      }
    };
    let buffered = '';
    const collect = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      lines.forEach(onLine);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    // Before it listens, only an exit ends the wait (the test runner's limit guards a hang).
    exited.then((code) => reject(new Error(`server exited with ${code}:\n${output.join('\n')}`)), reject);
  });
}

/** A JSON request with a bearer token (the administrator's by default). */
export async function requestJson(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  token: string = ADMIN_TOKEN,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export const postJson = (url: string, body: unknown) => requestJson('POST', url, body);
