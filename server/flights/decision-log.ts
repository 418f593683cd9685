import { demand } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../log.ts';
import type { DecisionsReport } from '../protocol/index.ts';
import type { Db } from '../store/db.ts';
import { countDecisions, recordDecisions, type DecisionRecord } from '../store/decisions.ts';
import { decisionsReport } from './report.ts';

/**
 * Refusals for the decisions report, written right after they are given and off the answer's
 * path: those that arrive while a write is under way go together in the next one, so a burst of
 * refusals costs a few statements, not one commit each. (Acceptances are recorded in their own
 * transaction.) A crash loses at most the refusals still waiting, which nothing else holds.
 */
export class DecisionLog {
  private pending: DecisionRecord[] = [];
  private writing: Promise<void> | null = null;

  constructor(private readonly deps: { db: Db; log: Logger }) {}

  record(decision: DecisionRecord): void {
    this.pending.push(decision);
    this.writing ??= this.flush();
  }

  /** Decisions by operator and refusal reason over [from, to), this instance's refusals counted as soon as given. */
  async report(who: Principal, from: number, to: number): Promise<DecisionsReport> {
    demand(who, 'sky:read-all', 'reading the decisions report');
    await this.drain();
    return decisionsReport(await countDecisions(this.deps.db, from, to), from, to);
  }

  /** Resolves once every refusal recorded so far is stored (or its failure logged). */
  async drain(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        await recordDecisions(this.deps.db, batch);
      } catch (err) {
        // The refusals stand whether or not they are counted; the report is short by these, and the log says so.
        this.deps.log.error({ err, refusals: batch.length }, 'could not record refusals for the decisions report');
      }
    }
    this.writing = null;
  }
}
