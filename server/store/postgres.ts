import pg from 'pg';
import type { Db, Queryable, Row } from './db.ts';

/** Deadlock and serialization failures: the transaction did nothing and may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

export async function openPostgres(
  url: string,
  poolSize: number,
  onError: (err: Error, context: string) => void = () => {},
): Promise<Db> {
  // JIT compiles the arbiter's probe (hundreds of index lookups, costed high) for 100 ms to run
  // it in 5: an OLTP workload never earns JIT back.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c jit=off' });
  pool.on('error', (err) => onError(err, 'idle PostgreSQL client'));
  await pool.query('SELECT 1');

  // One connection carries every channel this instance listens on, however many subscribers.
  const channels = new Map<string, Set<(payload: string) => void>>();
  let listener: Promise<pg.PoolClient> | null = null;
  const connectListener = async () => {
    const client = await pool.connect();
    client.on('notification', (msg) => {
      for (const handler of channels.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    client.on('error', (err) => onError(err, `LISTEN ${[...channels.keys()].join(', ')}`));
    return client;
  };

  const run = async <T extends Row>(q: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) =>
    (await q.query<T>(sql, params as unknown[])).rows;

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const tx: Queryable = { query: (sql, params) => run(client, sql, params) };
          const result = await fn(tx);
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          const code = (err as { code?: string }).code;
          if (attempt < ATTEMPTS && code && RETRYABLE.has(code)) continue;
          throw err;
        } finally {
          client.release();
        }
      }
    },
    async listen(channel, onPayload) {
      const client = await (listener ??= connectListener());
      let handlers = channels.get(channel);
      if (!handlers) {
        channels.set(channel, (handlers = new Set()));
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      handlers.add(onPayload);
      return async () => {
        handlers.delete(onPayload);
        if (handlers.size || channels.get(channel) !== handlers) return;
        channels.delete(channel);
        await client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
      };
    },
    async close() {
      if (listener) (await listener).release();
      await pool.end();
    },
  };
}
