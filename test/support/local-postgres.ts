import pg from 'pg';

/** Where this kind of machine runs PostgreSQL (trust auth, database `test`), as CI names it too. */
export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The PostgreSQL the suites run against besides PGlite: TEST_DATABASE_URL when set, otherwise
 * the machine's own when it answers, so that a plain `npm test` runs every test where PostgreSQL
 * is at hand; undefined (PGlite alone) where none is.
 */
export async function testPostgresUrl(): Promise<string | undefined> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const client = new pg.Client({ connectionString: LOCAL_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return LOCAL_POSTGRES_URL;
  } catch (err) {
    console.warn(`no PostgreSQL at ${LOCAL_POSTGRES_URL} (${(err as Error).message}): the suites run on PGlite alone`);
    return undefined;
  } finally {
    // A client that never connected has nothing to close; its failure was reported above.
    await client.end().catch(() => undefined);
  }
}
