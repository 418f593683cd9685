import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Server } from 'socket.io';
import type { Logger } from '../log.ts';

/**
 * Joins this instance's socket.io to every other instance on the same PostgreSQL (the socket.io
 * PostgreSQL adapter): a broadcast or a command to a gateway reaches sockets wherever they are
 * connected, and each instance can tell the others what its gateways reported. The adapter has
 * its own small pool, so the listening and the attachments never wait behind plan decisions.
 */
export function joinCluster(io: Server, databaseUrl: string, log: Logger): () => Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  pool.on('error', (err) => log.error({ err }, 'cluster adapter: idle PostgreSQL client'));
  io.adapter(
    createAdapter(pool, {
      errorHandler: (err) => log.error({ err }, 'cluster adapter'),
      heartbeatInterval: 2_000,
      heartbeatTimeout: 6_000,
    }),
  );
  return () => pool.end();
}
