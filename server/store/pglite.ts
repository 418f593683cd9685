import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import type { Db, Queryable } from './db.ts';

/**
 * Embedded PostgreSQL (WASM) in the server's process: one connection, so transactions run one at
 * a time — the same SQL and the same guarantees, without a database to install.
 */
export async function openPglite(dataDir: string): Promise<Db> {
  if (!dataDir.startsWith('memory://')) await fs.mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { extensions: { btree_gist } });
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    query: async (sql, params) => (await q.query(sql, params as unknown[])).rows as never,
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onPayload) {
      return db.listen(channel, onPayload);
    },
    close: () => db.close(),
  };
}
