import type { Logger } from '../log.ts';
import type { IssuedToken, TokenInfo, TokenRequest } from '../protocol/index.ts';
import { TOKENS_CHANNEL } from '../store/coordination.ts';
import type { Db } from '../store/db.ts';
import { insertToken, listTokens, revokedTokenIds, revokeToken, tokenInfo } from '../store/tokens.ts';
import type { Principal } from './principal.ts';
import type { Tokens } from './tokens.ts';
import { type Clock } from '../clock.ts';

/**
 * Issues and revokes this server's tokens. Every token issued is recorded (never the token
 * itself); revoked ids are held in memory by every instance, which hears of each revocation
 * through NOTIFY, so a revoked token is refused everywhere at once without a query per request.
 */
export class TokenIssuer {
  private readonly revoked = new Set<string>();
  private readonly revocationListeners = new Set<(tokenId: string) => void>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly deps: { db: Db; tokens: Tokens; clock: Clock; log: Logger }) {}

  async start(): Promise<void> {
    this.unlisten = await this.deps.db.listen(TOKENS_CHANNEL, (id) => this.learnRevoked(id));
    for (const id of await revokedTokenIds(this.deps.db, this.deps.clock.now())) this.revoked.add(id);
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  isRevoked(tokenId: string): boolean {
    return this.revoked.has(tokenId);
  }

  /** Calls `listener` with each token id revoked from now on, by this instance or another. */
  onRevoked(listener: (tokenId: string) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  private learnRevoked(id: string): void {
    if (this.revoked.has(id)) return;
    this.revoked.add(id);
    for (const listener of this.revocationListeners) listener(id);
  }

  async issue(req: TokenRequest, by: Principal): Promise<IssuedToken> {
    const drones = req.role === 'gateway' ? (req.drones ?? []) : null;
    const signed = await this.deps.tokens.sign(
      { subject: req.subject, role: req.role, drones: drones ?? undefined },
      req.ttlSeconds,
    );
    const stored = await insertToken(this.deps.db, {
      id: signed.id,
      subject: req.subject,
      role: req.role,
      drones,
      issuedAt: signed.issuedAt,
      expiresAt: signed.expiresAt,
      issuedBy: by.subject,
    });
    return { ...tokenInfo(stored), token: signed.token };
  }

  async list(subject?: string, expired = false): Promise<TokenInfo[]> {
    return (await listTokens(this.deps.db, { subject, now: this.deps.clock.now(), expired })).map(tokenInfo);
  }

  async revoke(id: string): Promise<TokenInfo | null> {
    const t = await revokeToken(this.deps.db, id, this.deps.clock.now());
    if (t) this.learnRevoked(t.id);
    return t ? tokenInfo(t) : null;
  }
}
