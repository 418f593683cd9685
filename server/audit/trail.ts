import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../log.ts';
import type { AuditEntry } from '../protocol/index.ts';
import { appendAudit, listAudit, purgeAudit, type AuditDraft } from '../store/audit.ts';
import { Batch } from '../store/batch.ts';
import type { Db, Queryable } from '../store/db.ts';
import type { Clock } from '../clock.ts';
import { storable } from '../protocol/unstorable.ts';

/** The shortest retention the table allows: investigations need at least this much. */
export const MIN_AUDIT_RETENTION_DAYS = 30;

/** What PostgreSQL cannot store becomes U+FFFD: a refusal of hostile input must still be recorded. */
const storableDeep = (v: unknown): unknown =>
  typeof v === 'string'
    ? storable(v)
    : Array.isArray(v)
      ? v.map(storableDeep)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [storable(k), storableDeep(x)]))
        : v;

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
  /** Entries made together go in one statement; should that fail, each is tried alone, so one bad entry loses no other. */
  private readonly batch = new Batch(async (drafts: AuditDraft[]): Promise<Array<Error | null>> => {
    try {
      await appendAudit(this.deps.db, drafts);
      return drafts.map(() => null);
    } catch (err) {
      if (drafts.length === 1) return [err as Error];
      return Promise.all(
        drafts.map((d) =>
          appendAudit(this.deps.db, [d]).then(
            () => null,
            (e: unknown) => e as Error,
          ),
        ),
      );
    }
  });

  constructor(private readonly deps: { db: Db; clock: Clock; log: Logger; retentionMs: number }) {}

  async record(e: AuditRecordInput): Promise<void> {
    const draft = this.draft(e);
    const failed = await this.batch.add(draft);
    if (failed) {
      // The act itself has happened; the log keeps what the table could not.
      this.deps.log.error({ err: failed, audit: draft }, 'audit entry not stored');
      throw failed;
    }
  }

  /**
   * Appends entries inside the caller's transaction: what they record (a pre-emption, say) and
   * the entries commit together or not at all.
   */
  async recordWithin(tx: Queryable, entries: readonly AuditRecordInput[]): Promise<void> {
    await appendAudit(
      tx,
      entries.map((e) => this.draft(e)),
    );
  }

  private draft(e: AuditRecordInput): AuditDraft {
    return {
      at: this.deps.clock.now(),
      actor: storable(e.who.subject),
      role: e.who.role,
      action: storable(e.action),
      target: e.target === null ? null : storable(e.target),
      outcome: storable(e.outcome),
      remote: e.remote,
      detail: e.detail ? (storableDeep(e.detail) as Record<string, unknown>) : null,
    };
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
    const before = this.deps.clock.now() - this.deps.retentionMs;
    const n = await purgeAudit(this.deps.db, before);
    if (n > 0)
      this.deps.log.info({ purged: n, before: new Date(before).toISOString() }, 'audit entries past retention purged');
  }
}
