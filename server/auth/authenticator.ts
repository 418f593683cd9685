import { createHash, timingSafeEqual } from 'node:crypto';
import { isScopedToken, type InterussTokens } from './interuss-tokens.ts';
import { PUBLIC, type Principal } from './principal.ts';
import { InvalidToken, type Tokens } from './tokens.ts';

export { InvalidToken };

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The token of an `Authorization: Bearer …` header; null without a header. */
function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new InvalidToken('the Authorization header must be "Bearer <token>"');
  return match[1]!;
}

/**
 * Turns a bearer token into a principal: the configured ADMIN_TOKEN (an opaque string, compared
 * in constant time on digests so that lengths leak nothing either) is the administrator; a token
 * with an OAuth `scope` is the InterUSS authority's, when one is configured; anything else must be
 * a valid, unrevoked JWT of ours; no token at all is the public.
 */
export class Authenticator {
  private readonly admin: Buffer | null;

  constructor(
    private readonly tokens: Tokens,
    private readonly isRevoked: (tokenId: string) => boolean,
    adminToken: string | undefined,
    private readonly interuss: InterussTokens | null = null,
  ) {
    this.admin = adminToken ? digest(adminToken) : null;
  }

  async fromHeader(header: string | undefined | null): Promise<Principal> {
    const token = bearerToken(header);
    return token === null ? PUBLIC : this.fromToken(token);
  }

  async fromToken(token: string): Promise<Principal> {
    if (this.admin && timingSafeEqual(digest(token), this.admin)) {
      return { subject: 'admin', role: 'admin', drones: '*', tokenId: null, expiresAt: null };
    }
    if (this.interuss && isScopedToken(token)) return this.interuss.verify(token);
    const p = await this.tokens.verify(token);
    if (p.tokenId && this.isRevoked(p.tokenId)) throw new InvalidToken('invalid token: it has been revoked');
    return p;
  }
}
