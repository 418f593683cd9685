import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Taken while migrating, so instances starting together apply each migration once. */
const MIGRATION_LOCK = 0x736f72616d696368n; // "soramich"

/** A migration changed after it was applied: the schema no longer says what the database holds. */
export class EditedMigration extends Error {}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Applies the migrations not yet applied, in name order, all in one transaction, and refuses to
 * start (EditedMigration) when one already applied has changed since: a migration is history,
 * changed only by a new one. Each applied migration's SHA-256 is kept beside its name; one
 * applied before checksums were kept is taken as it stands now.
 */
export async function migrate(db: Db, dir = DIR): Promise<string[]> {
  const files = (await fs.readdir(dir)).filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f)).sort();
  const texts = new Map(
    await Promise.all(files.map(async (f) => [f, await fs.readFile(path.join(dir, f), 'utf8')] as const)),
  );
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    // Only when missing: a role that may not create tables (the server's own, beside an owner
    // that migrates) can still see that nothing is left to apply.
    const [table] = await tx.query<{ exists: boolean; checksums: boolean }>(
      `SELECT to_regclass('schema_migrations') IS NOT NULL AS exists,
         EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_name = 'schema_migrations' AND column_name = 'sha256') AS checksums`,
    );
    if (!table!.exists) {
      await tx.query(
        'CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), sha256 text)',
      );
    } else if (!table!.checksums) {
      await tx.query('ALTER TABLE schema_migrations ADD COLUMN sha256 text');
    }
    const rows = await tx.query<{ name: string; sha256: string | null }>('SELECT name, sha256 FROM schema_migrations');
    const done = new Map(rows.map((r) => [r.name, r.sha256]));
    const applied: string[] = [];
    for (const file of files) {
      const text = texts.get(file)!;
      const sum = sha256(text);
      if (done.has(file)) {
        const kept = done.get(file) ?? null;
        if (kept === null) await tx.query('UPDATE schema_migrations SET sha256 = $2 WHERE name = $1', [file, sum]);
        else if (kept !== sum) {
          throw new EditedMigration(
            `migration ${file} was edited after it was applied (sha256 ${kept.slice(0, 12)}… then, ${sum.slice(0, 12)}… now): restore it and put the change in a new migration`,
          );
        }
        continue;
      }
      for (const statement of splitStatements(text)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)', [file, sum]);
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
