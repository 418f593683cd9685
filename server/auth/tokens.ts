import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { BoundDrones, Role } from '../protocol/trust.ts';
import type { Principal } from './principal.ts';
import { type Clock } from '../clock.ts';

const ISSUER = 'soramichi';
const AUDIENCE = 'soramichi';

const Claims = z.object({
  sub: z.string().min(1).max(200),
  role: Role,
  drones: BoundDrones.optional(),
  jti: z.string().max(100).optional(),
  scope: z.string().max(2000).optional(),
});

export class InvalidToken extends Error {}

export interface TokenOptions {
  /** HS256 secret (at least 32 bytes); tokens this server issues are signed with it. */
  secret: Uint8Array;
  /** An identity provider's key set, when people's tokens come from one. */
  jwksUrl?: string | undefined;
  clock: Clock;
}

export interface SignedToken {
  token: string;
  id: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Bearer JWTs: issued with the server's secret; verified against it, or against an identity
 * provider's JWKS for tokens it signed (with the same audience and the role as a claim).
 */
export class Tokens {
  private readonly remote: ReturnType<typeof createRemoteJWKSet> | null;

  constructor(private readonly options: TokenOptions) {
    this.remote = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : null;
  }

  async sign(
    p: { subject: string; role: Principal['role']; drones?: Principal['drones'] | undefined },
    ttlSeconds: number,
  ): Promise<SignedToken> {
    const issuedAt = Math.floor(this.options.clock.now() / 1000);
    const id = randomUUID();
    const claims: JWTPayload = {
      role: p.role,
      ...(p.drones !== undefined ? { drones: p.drones === '*' ? '*' : [...p.drones] } : {}),
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(p.subject)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(this.options.secret);
    return { token, id, issuedAt: issuedAt * 1000, expiresAt: (issuedAt + ttlSeconds) * 1000 };
  }

  async verify(token: string): Promise<Principal> {
    const currentDate = new Date(this.options.clock.now());
    let payload: JWTPayload;
    try {
      // Our own tokens are HS256; anything else can only come from the identity provider.
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'HS256') {
        ({ payload } = await jwtVerify(token, this.options.secret, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          currentDate,
        }));
      } else if (this.remote) {
        ({ payload } = await jwtVerify(token, this.remote, { audience: AUDIENCE, currentDate }));
      } else {
        throw new Error(`alg ${String(alg)} is not accepted without JWKS_URL`);
      }
    } catch (err) {
      throw new InvalidToken(`invalid token: ${(err as Error).message}`);
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw new InvalidToken('invalid token: its subject or role is missing or unknown');
    if (claims.data.role === 'public') throw new InvalidToken('invalid token: the public needs no token');
    return {
      subject: claims.data.sub,
      role: claims.data.role,
      drones: claims.data.drones ?? [],
      tokenId: claims.data.jti ?? null,
      ...(claims.data.scope !== undefined ? { scopes: claims.data.scope.split(' ').filter(Boolean) } : {}),
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
    };
  }
}
