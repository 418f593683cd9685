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
      const client = await pool.connect();
      const handler = (msg: pg.Notification) => {
        if (msg.channel === channel) onPayload(msg.payload ?? '');
      };
      client.on('notification', handler);
      client.on('error', (err) => onError(err, `LISTEN ${channel}`));
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        client.off('notification', handler);
        await client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
        client.release();
      };
    },
    close: () => pool.end(),
  };
}
