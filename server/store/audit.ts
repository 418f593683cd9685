import type { AuditEntry } from '../protocol/index.ts';
import type { Queryable } from './db.ts';

/** One write as the audit trail records it; the store gives it its id. */
export type AuditDraft = Omit<AuditEntry, 'id' | 'at'> & { at: number };

/** Appends entries in one statement. */
export async function appendAudit(q: Queryable, entries: readonly AuditDraft[]): Promise<void> {
  if (!entries.length) return;
  await q.query(
    `INSERT INTO audit_log (at, actor, role, action, target, outcome, remote, detail)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[])`,
    [
      entries.map((e) => new Date(e.at).toISOString()),
      entries.map((e) => e.actor),
      entries.map((e) => e.role),
      entries.map((e) => e.action),
      entries.map((e) => e.target),
      entries.map((e) => e.outcome),
      entries.map((e) => e.remote),
      entries.map((e) => (e.detail ? JSON.stringify(e.detail) : null)),
    ],
  );
}

export async function listAudit(
  q: Queryable,
  f: { from?: number | undefined; to?: number | undefined; actor?: string | undefined; limit: number },
): Promise<AuditEntry[]> {
  const rows = await q.query<{
    id: string;
    at: Date;
    actor: string;
    role: string;
    action: string;
    target: string | null;
    outcome: string;
    remote: string | null;
    detail: Record<string, unknown> | null;
  }>(
    `SELECT id::text, at, actor, role, action, target, outcome, remote, detail FROM audit_log
     WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2) AND ($3::text IS NULL OR actor = $3)
     ORDER BY at, id LIMIT $4`,
    [
      f.from === undefined ? null : new Date(f.from).toISOString(),
      f.to === undefined ? null : new Date(f.to).toISOString(),
      f.actor ?? null,
      f.limit,
    ],
  );
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/** Deletes entries older than `before`; the table itself refuses anything younger than 30 days. */
export async function purgeAudit(q: Queryable, before: number): Promise<number> {
  const rows = await q.query('DELETE FROM audit_log WHERE at < $1 RETURNING id', [new Date(before).toISOString()]);
  return rows.length;
}
