/**
 * npm run cluster -- --instances 3 [--port 8080] [--database postgres://…]
 *
 * Several soramichi server processes on one PostgreSQL, behind one port, to try what
 * multi-instance means: a plan accepted through one is refused on another, a drone reported to one
 * is seen live from another. The proxy hands each new TCP connection to the next instance in
 * turn (websocket connections included), so socket.io clients must use the websocket transport,
 * as the UI and the gateway do. For production, put a real load balancer in front instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    database: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const instances = Number(values.instances);
const port = Number(values.port);
if (!Number.isInteger(instances) || instances < 1) throw new Error('--instances must be a positive integer');

const children: ChildProcess[] = [];
const backends: number[] = [];

async function startInstance(i: number): Promise<number> {
  const backendPort = port + 1 + i;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(backendPort), HOST: '127.0.0.1', DATABASE_URL: values.database },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance ${i} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (chunk.toString().includes('soramichi listening')) resolve();
    });
  });
  return backendPort;
}

// One after the other: the first applies the migrations, the others find them applied.
for (let i = 0; i < instances; i++) backends.push(await startInstance(i));

let next = 0;
const proxy = net.createServer((client) => {
  const target = backends[next++ % backends.length]!;
  const upstream = net.connect(target, '127.0.0.1');
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
proxy.listen(port, () => {
  console.log(
    `soramichi cluster: ${instances} instances (ports ${backends.join(', ')}) behind http://localhost:${port}`,
  );
});

const stop = () => {
  proxy.close();
  for (const c of children) c.kill('SIGTERM');
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
