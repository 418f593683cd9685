import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../log.ts';
import type { AuditEntry } from '../protocol/index.ts';
import { appendAudit, listAudit, purgeAudit, type AuditDraft } from '../store/audit.ts';
import { Batch } from '../store/batch.ts';
import type { Db } from '../store/db.ts';

/** The shortest retention the table allows: investigations need at least this much. */
export const MIN_AUDIT_RETENTION_DAYS = 30;

export interface AuditRecordInput {
  who: Principal;
  action: string;
  target: string | null;
  outcome: string;
  remote: string | null;
  detail?: Record<string, unknown> | null;
}

/**
 * The audit trail: who did what, when, from where, with what outcome. Entries made together
 * are appended in one statement; a caller that must not go on before its entry is stored (an
 * answer to a client) awaits `record`.
 */
export class AuditTrail {
  private readonly batch = new Batch(async (drafts: AuditDraft[]) => {
    await appendAudit(this.deps.db, drafts);
    return drafts.map(() => undefined);
  });

  constructor(private readonly deps: { db: Db; clock: () => number; log: Logger; retentionMs: number }) {}

  async record(e: AuditRecordInput): Promise<void> {
    const draft: AuditDraft = {
      at: this.deps.clock(),
      actor: e.who.subject,
      role: e.who.role,
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      remote: e.remote,
      detail: e.detail ?? null,
    };
    try {
      await this.batch.add(draft);
    } catch (err) {
      // The act itself has happened; the log keeps what the table could not.
      this.deps.log.error({ err, audit: draft }, 'audit entry not stored');
      throw err;
    }
  }

  list(f: {
    from?: number | undefined;
    to?: number | undefined;
    actor?: string | undefined;
    limit: number;
  }): Promise<AuditEntry[]> {
    return listAudit(this.deps.db, f);
  }

  async purge(): Promise<void> {
    const before = this.deps.clock() - this.deps.retentionMs;
    const n = await purgeAudit(this.deps.db, before);
    if (n > 0)
      this.deps.log.info({ purged: n, before: new Date(before).toISOString() }, 'audit entries past retention purged');
  }
}
