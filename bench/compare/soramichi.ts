import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { startServer } from '../../server/server.ts';
import { spawnServer, type ServerProcess } from '../../test/support/process.ts';
import { ADMIN_TOKEN } from '../../test/support/admin-token.ts';
import type { Approach } from './approach.ts';
import type { BenchPlan } from './demand.ts';
import { BENCH_ADMIN_TOKEN, BENCH_OPERATOR, registerDrones } from '../support.ts';

/** soramichi in this process, on PGlite (url undefined) or on PostgreSQL. */
export async function soramichiApproach(url: string | undefined): Promise<Approach> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    // The alternatives know no zones: soramichi decides against flights only here too.
    GEOFENCES_DIR: '',
    // Its own administrator, so the embedded server does not issue and print one.
    ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    ...(url ? { DATABASE_URL: url } : {}),
  });
  const server = await startServer(config, createLogger('silent'));
  return {
    name: `soramichi (${url ? 'PostgreSQL' : 'PGlite'})`,
    decide: async (p: BenchPlan) => (await server.flights.create(p.request, BENCH_OPERATOR)).accepted,
    prepare: (plans) =>
      registerDrones(
        server,
        plans.map((p) => p.request.droneId),
      ),
    close: () => server.close(),
  };
}

/** Several soramichi server processes on one PostgreSQL, plans sent over HTTP in turn. */
export async function soramichiCluster(url: string, instances: number): Promise<Approach> {
  const servers: ServerProcess[] = [];
  // One after the other, so the first applies the migrations and the others find them applied.
  // No rate limit: the benchmark measures decisions, not the policy that would meter one client.
  for (let i = 0; i < instances; i++) {
    servers.push(await spawnServer({ DATABASE_URL: url, RATE_LIMIT_PER_MINUTE: '0' }));
  }
  let next = 0;
  return {
    name: `soramichi (${instances} instances, one PostgreSQL, HTTP)`,
    async decide(p: BenchPlan) {
      const server = servers[next++ % servers.length]!;
      const res = await fetch(`${server.url}/api/v1/flight-plans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify(p.request),
      });
      await res.arrayBuffer();
      if (res.status !== 201 && res.status !== 409) throw new Error(`unexpected ${res.status}`);
      return res.status === 201;
    },
    async close() {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
