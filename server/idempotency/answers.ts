import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import { Unprocessable } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Vault } from '../privacy/vault.ts';
import type { Db, Queryable } from '../store/db.ts';
import { findAnswer, keepAnswer, purgeAnswers } from '../store/idempotency.ts';

export interface Answer {
  status: number;
  body: unknown;
}

/** A retry found its first answer: send it again, nothing else happens. */
export class Replayed {
  constructor(readonly answer: Answer) {}
}

/**
 * Answers kept per token subject and Idempotency-Key, so a client that retries after a lost
 * answer or a crash gets the first answer instead of a second plan. An acceptance keeps its
 * answer in the transaction that writes the plan: both are there after a crash, or neither.
 * Answers are sealed (they carry contact details) and kept for a day.
 */
export class IdempotentAnswers {
  constructor(private readonly deps: { db: Db; vault: Vault; clock: Clock; log: Logger; keepMs: number }) {}

  static digest(body: unknown): string {
    return createHash('sha256').update(JSON.stringify(body)).digest('base64url');
  }

  /** The kept answer for this key, or null; a different request under the same key is refused (422). */
  async find(who: Principal, key: string, digest: string, q: Queryable = this.deps.db): Promise<Replayed | null> {
    const kept = await findAnswer(q, who.subject, key);
    if (!kept) return null;
    if (kept.requestHash !== digest) {
      throw new Unprocessable(`Idempotency-Key "${key}" was used for a different request; use a new key`);
    }
    return new Replayed({ status: kept.status, body: this.deps.vault.open(kept.sealedBody) });
  }

  /**
   * Keeps an answer (in `q`, the transaction that made it, when it must commit with it); false when
   * another request with the same key was answered first.
   */
  keep(who: Principal, key: string, digest: string, answer: Answer, q: Queryable = this.deps.db): Promise<boolean> {
    const sealedBody = this.deps.vault.seal(answer.body);
    return keepAnswer(
      q,
      who.subject,
      key,
      { requestHash: digest, status: answer.status, sealedBody },
      this.deps.clock.now(),
    );
  }

  async purge(): Promise<void> {
    const n = await purgeAnswers(this.deps.db, this.deps.clock.now() - this.deps.keepMs);
    if (n > 0) this.deps.log.info({ purged: n }, 'idempotency answers past their day purged');
  }
}

/** Thrown inside the plan's transaction when a concurrent request with the same key committed first: the plan is rolled back. */
export class Superseded extends Error {}
