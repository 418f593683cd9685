import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Taken while migrating, so instances starting together apply each migration once. */
const MIGRATION_LOCK = 0x736f72616d696368n; // "soramich"

/** Applies the migrations not yet applied, in name order, all in one transaction. */
export async function migrate(db: Db): Promise<string[]> {
  const files = (await fs.readdir(DIR)).filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f)).sort();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    // Only when missing: a role that may not create tables (the server's own, beside an owner
    // that migrates) can still see that nothing is left to apply.
    const [table] = await tx.query<{ exists: boolean }>(
      "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
    );
    if (!table!.exists) {
      await tx.query(
        'CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
    }
    const done = new Set((await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await fs.readFile(path.join(DIR, file), 'utf8');
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      applied.push(file);
    }
    return applied;
  });
}

/** Statements end with a semicolon at the end of a line; `$$` bodies are kept whole. */
function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line) && !inBody) continue;
    current += line + '\n';
    if ((line.match(/\$\$/g)?.length ?? 0) % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
