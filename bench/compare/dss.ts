import type { Approach } from './approach.ts';
import type { BenchPlan } from './demand.ts';
import { openPool } from './pool.ts';

/** A DSS client gives up after this many serialization failures; the operator sees an error. */
const MAX_ATTEMPTS = 20;

/**
 * The InterUSS DSS way: one row per plan with the array of cells it touches (here the very cells
 * of soramichi's sky road, which is generous: the DSS uses coarse S2 cells), one bounding altitude
 * range and time window, a GIN index; the candidates that share a cell and overlap the window come
 * back, and the application checks their bounding windows. SERIALIZABLE transactions with
 * retries keep it safe, as the DSS's CockroachDB does.
 */
export async function dssApproach(url: string, concurrency: number): Promise<Approach> {
  const pool = await openPool(url, concurrency);
  await pool.query(`CREATE TABLE dss_plans (
    id int PRIMARY KEY, cells bigint[] NOT NULL, alt_lo float8 NOT NULL, alt_hi float8 NOT NULL, t0 bigint NOT NULL, t1 bigint NOT NULL)`);
  await pool.query('CREATE INDEX ON dss_plans USING gin (cells)');
  let retries = 0;
  let gaveUp = 0;
  return {
    name: 'DSS cell arrays, bounding windows',
    async decide(p: BenchPlan) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
          const { rows } = await client.query<{ alt_lo: number; alt_hi: number }>(
            'SELECT alt_lo, alt_hi FROM dss_plans WHERE cells && $1::int8[] AND t0 < $3 AND $2 < t1',
            [p.cells, p.t0, p.t1],
          );
          const conflict = rows.some((r) => r.alt_lo < p.altHi && p.altLo < r.alt_hi);
          if (!conflict) {
            await client.query('INSERT INTO dss_plans VALUES ($1, $2::int8[], $3, $4, $5, $6)', [
              p.index,
              p.cells,
              p.altLo,
              p.altHi,
              p.t0,
              p.t1,
            ]);
          }
          await client.query('COMMIT');
          return !conflict;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          if ((err as { code?: string }).code !== '40001') throw err;
          retries++;
          if (attempt < MAX_ATTEMPTS) continue;
          gaveUp++;
          return false;
        } finally {
          client.release();
        }
      }
    },
    retries: () => `${retries} (${gaveUp} gave up)`,
    close: () => pool.end(),
  };
}
