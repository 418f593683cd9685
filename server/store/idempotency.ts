import type { Queryable } from './db.ts';

/** An answer kept for an Idempotency-Key: the request's digest and the answer, sealed. */
export interface KeptAnswer {
  requestHash: string;
  status: number;
  sealedBody: Uint8Array;
}

export async function findAnswer(q: Queryable, subject: string, key: string): Promise<KeptAnswer | null> {
  const [row] = await q.query<{ request_hash: string; status: number; body: Uint8Array }>(
    'SELECT request_hash, status, body FROM idempotency_keys WHERE subject = $1 AND key = $2',
    [subject, key],
  );
  return row ? { requestHash: row.request_hash, status: row.status, sealedBody: row.body } : null;
}

/**
 * Keeps an answer; false when a request with the same key was answered first (under a
 * concurrent transaction's insert, this waits for it to commit or roll back).
 */
export async function keepAnswer(
  q: Queryable,
  subject: string,
  key: string,
  a: KeptAnswer,
  at: number,
): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO idempotency_keys (subject, key, request_hash, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING key`,
    [subject, key, a.requestHash, a.status, a.sealedBody, new Date(at).toISOString()],
  );
  return rows.length > 0;
}

export async function purgeAnswers(q: Queryable, before: number): Promise<number> {
  const rows = await q.query('DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING key', [
    new Date(before).toISOString(),
  ]);
  return rows.length;
}
