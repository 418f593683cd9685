import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { scratchDatabase } from './scratch-database.ts';

/**
 * The databases a store test runs against: PGlite always, and the real PostgreSQL named by
 * TEST_DATABASE_URL when it is set (CI sets it). Each test gets a database of its own.
 */
export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** Undefined for PGlite. */
  url: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

export const DATABASE_KINDS: Array<'pglite' | 'postgres'> = POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite'];

export async function createTestDatabase(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
  if (kind === 'pglite') return { name: 'pglite', url: undefined, dataDir: 'memory://', drop: async () => {} };
  if (!POSTGRES_URL) throw new Error('TEST_DATABASE_URL is not set');
  const db = await scratchDatabase(POSTGRES_URL, 'soramichi_test');
  return { name: 'postgres', url: db.url, dataDir: 'memory://', drop: db.drop };
}

/**
 * A database that outlives a server, for tests that stop one and start another on it: PostgreSQL's
 * own, or PGlite in a temporary directory (its in-memory database would go with the server).
 * `drop` removes the directory too.
 */
export async function createDurableTestDatabase(kind: 'pglite' | 'postgres', prefix: string): Promise<TestDatabase> {
  const created = await createTestDatabase(kind);
  if (kind !== 'pglite') return created;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return {
    ...created,
    dataDir,
    async drop() {
      await created.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
