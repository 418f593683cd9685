import { openDb, type Db, type Queryable } from './db.ts';
import { migrate } from './migrate.ts';

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Gives the server's login role what the service does with the tables, and nothing that could
 * undo the audit trail's guards: run by the tables' owner after migrating. Rows, sequences and
 * functions, yes; ownership, no — only an owner (or a superuser) may ALTER TABLE … DISABLE
 * TRIGGER, DROP TRIGGER or drop the table — and no UPDATE or TRUNCATE on audit_log. Granted at
 * every start, so the tables of new migrations are covered.
 */
export async function grantServerRole(owner: Db, role: string): Promise<void> {
  const r = quoted(role);
  await owner.transaction(async (tx) => {
    for (const statement of [
      `GRANT USAGE ON SCHEMA public TO ${r}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`,
      `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
      `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${r}`,
      // Appended and read; deleted only past retention, which its trigger enforces.
      `REVOKE UPDATE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM ${r}`,
      `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM ${r}`,
    ]) {
      await tx.query(statement);
    }
  });
}

/** The role this connection logs in as. */
export async function currentRole(q: Queryable): Promise<string> {
  const [row] = await q.query<{ role: string }>('SELECT current_user AS role');
  return row!.role;
}

/**
 * Whether this connection could switch the audit trail's guards off: it is a superuser, or a
 * member of the role that owns audit_log.
 */
export async function mayDisableAudit(q: Queryable): Promise<boolean> {
  const [row] = await q.query<{ may: boolean }>(
    `SELECT r.rolsuper OR pg_has_role(current_user, c.relowner, 'MEMBER') AS may
     FROM pg_class c, pg_roles r WHERE c.oid = 'audit_log'::regclass AND r.rolname = current_user`,
  );
  return row!.may;
}

/**
 * Migrates the server's database — through the owner's connection at `ownerUrl` when there is
 * one, which then grants the server's role its rights — and says whether the server's own
 * connection is kept from the audit trail's guards (null: PGlite, one user, nothing to keep).
 */
export async function prepareDatabase(
  db: Db,
  ownerUrl: string | undefined,
  onError: (err: Error, context: string) => void,
): Promise<{ applied: string[]; auditGuarded: boolean | null }> {
  if (db.kind === 'pglite') return { applied: await migrate(db), auditGuarded: null };
  if (!ownerUrl) return { applied: await migrate(db), auditGuarded: !(await mayDisableAudit(db)) };
  const owner = await openDb({ databaseUrl: ownerUrl, dataDir: '', poolSize: 1, onError });
  try {
    const applied = await migrate(owner);
    await grantServerRole(owner, await currentRole(db));
    return { applied, auditGuarded: !(await mayDisableAudit(db)) };
  } finally {
    await owner.close();
  }
}
