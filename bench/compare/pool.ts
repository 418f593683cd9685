import pg from 'pg';

/**
 * A pool for an alternative's decisions with all its connections already open, so that
 * `concurrency` decisions really run at once from the first one: connection start-up would
 * otherwise stagger them and hide the races a check-then-insert has.
 */
export async function openPool(url: string, concurrency: number): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency, options: '-c jit=off' });
  // The database is dropped with FORCE after the run: an idle connection it ends must not end the benchmark.
  pool.on('error', (err) => console.error(`idle connection: ${err.message}`));
  await onEveryConnection(pool, concurrency, 'SELECT 1');
  return pool;
}

/** Runs `sql` once on each of the pool's connections at the same time (a backend loads an extension's library on first use). */
export async function onEveryConnection(pool: pg.Pool, concurrency: number, sql: string): Promise<void> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
  try {
    await Promise.all(clients.map((c) => c.query(sql)));
  } finally {
    for (const c of clients) c.release();
  }
}
