import { scratchDatabase } from '../test/support/scratch-database.ts';

/** The PostgreSQL the benchmarks create their databases in. */
const BENCH_POSTGRES =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database of its own for one run, dropped (with its connections) afterwards. */
export function freshDatabase(purpose: string): Promise<{ url: string; drop(): Promise<void> }> {
  return scratchDatabase(BENCH_POSTGRES, `soramichi_${purpose}`);
}
