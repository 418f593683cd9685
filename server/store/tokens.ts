import type { Role, TokenInfo } from '../protocol/index.ts';
import { TOKENS_CHANNEL } from './coordination.ts';
import type { Queryable } from './db.ts';

export interface TokenRecord {
  id: string;
  subject: string;
  role: Exclude<Role, 'public'>;
  drones: readonly string[] | '*' | null;
  issuedAt: number;
  expiresAt: number;
  issuedBy: string;
  revokedAt: number | null;
}

interface Row {
  id: string;
  subject: string;
  role: TokenRecord['role'];
  drones: TokenRecord['drones'];
  issued_at: Date;
  expires_at: Date;
  issued_by: string;
  revoked_at: Date | null;
  [k: string]: unknown;
}

const COLUMNS = 'id::text, subject, role, drones, issued_at, expires_at, issued_by, revoked_at';

const record = (r: Row): TokenRecord => ({
  id: r.id,
  subject: r.subject,
  role: r.role,
  drones: r.drones,
  issuedAt: r.issued_at.getTime(),
  expiresAt: r.expires_at.getTime(),
  issuedBy: r.issued_by,
  revokedAt: r.revoked_at?.getTime() ?? null,
});

export const tokenInfo = (t: TokenRecord): TokenInfo => ({
  id: t.id,
  subject: t.subject,
  role: t.role,
  drones: t.drones === null || t.drones === '*' ? t.drones : [...t.drones],
  issuedAt: new Date(t.issuedAt).toISOString(),
  expiresAt: new Date(t.expiresAt).toISOString(),
  issuedBy: t.issuedBy,
  revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
});

export async function insertToken(q: Queryable, t: Omit<TokenRecord, 'revokedAt'>): Promise<TokenRecord> {
  const [row] = await q.query<Row>(
    `INSERT INTO tokens (id, subject, role, drones, issued_at, expires_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${COLUMNS}`,
    [
      t.id,
      t.subject,
      t.role,
      t.drones === null ? null : JSON.stringify(t.drones),
      new Date(t.issuedAt).toISOString(),
      new Date(t.expiresAt).toISOString(),
      t.issuedBy,
    ],
  );
  return record(row!);
}

export async function listTokens(
  q: Queryable,
  f: { subject?: string | undefined; now: number; expired: boolean },
): Promise<TokenRecord[]> {
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM tokens WHERE ($1::text IS NULL OR subject = $1) AND ($2 OR expires_at > $3)
     ORDER BY issued_at DESC LIMIT 10000`,
    [f.subject ?? null, f.expired, new Date(f.now).toISOString()],
  );
  return rows.map(record);
}

/** Marks a token revoked and announces it; null when there is no such token. Revoking twice keeps the first time. */
export async function revokeToken(q: Queryable, id: string, at: number): Promise<TokenRecord | null> {
  const [row] = await q.query<Row>(
    `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1::uuid
     RETURNING ${COLUMNS}, pg_notify('${TOKENS_CHANNEL}', id::text)`,
    [id, new Date(at).toISOString()],
  );
  return row ? record(row) : null;
}

/** Ids of revoked tokens that would otherwise still be valid. */
export async function revokedTokenIds(q: Queryable, now: number): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    'SELECT id::text FROM tokens WHERE revoked_at IS NOT NULL AND expires_at > $1',
    [new Date(now).toISOString()],
  );
  return rows.map((r) => r.id);
}
