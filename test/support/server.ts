import type { Clock } from '../../server/clock.ts';
import { ADMIN_TOKEN } from './admin-token.ts';
import { loadConfig } from '../../server/config.ts';
import { capturedLogger } from './logs.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export interface TestServer extends RunningServer {
  database: TestDatabase;
  /** What the server logged (the last few hundred lines), printed when a test fails. */
  logs: string[];
  /** fetch against the server, JSON in and out. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

let servers = 0;

export { ADMIN_TOKEN };

/** A real server on an ephemeral port, on its own database of the given kind. */
export async function startTestServer(
  kind: 'pglite' | 'postgres',
  env: Record<string, string> = {},
  existing?: TestDatabase,
  clock?: Clock,
): Promise<TestServer> {
  const database = existing ?? (await createTestDatabase(kind));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: database.dataDir,
    ADMIN_TOKEN,
    // Tests choose their zones; the city's own (geofences/) load only where a test asks for them.
    GEOFENCES_DIR: '',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const { log, lines } = capturedLogger(`server ${config.port === 0 ? (servers += 1) : config.port} (${kind})`);
  const server = await startServer(config, log, clock);
  return {
    ...server,
    database,
    logs: lines,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async stop() {
      await server.close();
      if (!existing) await database.drop();
    },
  };
}

/** Registers drones to an operator, as an administrator does (the operator may then file plans for them). */
export async function registerDrones(server: Pick<TestServer, 'api'>, operator: string, ...droneIds: string[]) {
  for (const id of droneIds) {
    const r = await server.api('PUT', `/api/v1/drones/${encodeURIComponent(id)}/registration`, { operator });
    if (r.status !== 200 && r.status !== 201)
      throw new Error(`registering ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** The drones a plan request names: its own, its candidates', the plan of an earliest-slot request. */
function dronesIn(body: unknown): string[] {
  const b = body as { droneId?: unknown; candidates?: unknown; plan?: unknown } | null;
  if (!b || typeof b !== 'object') return [];
  return [
    ...(typeof b.droneId === 'string' ? [b.droneId] : []),
    ...(Array.isArray(b.candidates) ? b.candidates.flatMap(dronesIn) : []),
    ...dronesIn(b.plan),
  ];
}

/**
 * Registers the drones a plan request names to the operator holding `token`, as an operator does
 * before filing for a new drone (a drone already its own stays so; another's is left alone, so
 * refusals still show).
 */
export async function registerOwnDrones(url: string, token: string, body: unknown): Promise<void> {
  for (const id of dronesIn(body)) {
    await fetch(`${url}/api/v1/drones/${encodeURIComponent(id)}/registration`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
  }
}

/** The secrets instances behind one load balancer share, so tokens and sealed data hold on each. */
export const SHARED_SECRETS = {
  JWT_SECRET: 'q8F3kLm2Zx7Rt5Wy9Bn4Hc6Vd1Js0GpA',
  DATA_KEY: Buffer.alloc(32, 11).toString('base64'),
};

/**
 * Two instances on one new PostgreSQL database, as a cluster runs them (on one clock when given:
 * a test moves time on for both); `stop` drops the database too.
 */
export async function startTwoInstances(
  clock?: Clock,
  env: Record<string, string> = {},
): Promise<{ a: TestServer; b: TestServer; stop(): Promise<void> }> {
  const database = await createTestDatabase('postgres');
  const a = await startTestServer('postgres', { ...SHARED_SECRETS, ...env }, database, clock);
  const b = await startTestServer('postgres', { ...SHARED_SECRETS, ...env }, database, clock);
  return {
    a,
    b,
    async stop() {
      await a.stop();
      await b.stop();
      await database.drop();
    },
  };
}
