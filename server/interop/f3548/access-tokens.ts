import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { UssTokenSource } from '../../config.ts';

/**
 * Access tokens this USS presents to the DSS and to its peers, as F3548 asks: RS256 JWTs of the
 * authority, one scope, `aud` the host called. Kept until a minute before they expire.
 */
export interface AccessTokens {
  token(audience: string, scope: string): Promise<string>;
}

const LIFETIME_S = 3600;
const RENEW_BEFORE_MS = 60_000;
/** A token endpoint's answer is small; one that does not answer in this long is down. */
const TOKEN_TIMEOUT_MS = 10_000;

/** Remembers each (audience, scope)'s token until a minute before it expires. */
class Cache {
  private readonly tokens = new Map<string, { token: string; expires: number }>();

  constructor(private readonly clock: Clock) {}

  async get(key: string, fetch: () => Promise<{ token: string; expires: number }>): Promise<string> {
    const kept = this.tokens.get(key);
    if (kept && kept.expires - RENEW_BEFORE_MS > this.clock.now()) return kept.token;
    const fresh = await fetch();
    this.tokens.set(key, fresh);
    return fresh.token;
  }
}

/**
 * Tokens this USS signs itself with its private key, for an authority (a test ecosystem's, or a
 * deployment's own) whose verifiers hold the matching public key: `sub` and `iss` are the USS's id.
 */
export class SignedAccessTokens implements AccessTokens {
  private readonly cache: Cache;

  private constructor(
    private readonly key: CryptoKey,
    private readonly clientId: string,
    private readonly clock: Clock,
  ) {
    this.cache = new Cache(clock);
  }

  static async fromFile(file: string, clientId: string, clock: Clock): Promise<SignedAccessTokens> {
    const pem = await fs.readFile(file, 'utf8').catch((err: Error) => {
      throw new Error(`USS_TOKEN_KEY_FILE ${file} cannot be read: ${err.message}`);
    });
    try {
      return new SignedAccessTokens(await importPKCS8(pem, 'RS256'), clientId, clock);
    } catch (err) {
      throw new Error(
        `USS_TOKEN_KEY_FILE ${file} is not an RSA private key in PEM (PKCS#8): ${(err as Error).message}`,
      );
    }
  }

  token(audience: string, scope: string): Promise<string> {
    return this.cache.get(`${audience} ${scope}`, async () => {
      const now = Math.floor(this.clock.now() / 1000);
      const token = await new SignJWT({ scope })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuer(this.clientId)
        .setSubject(this.clientId)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + LIFETIME_S)
        .setJti(randomUUID())
        .sign(this.key);
      return { token, expires: (now + LIFETIME_S) * 1000 };
    });
  }
}

const TokenAnswer = z.object({
  access_token: z.string().min(1).max(10_000),
  expires_in: z.number().positive().optional(),
});

/**
 * Tokens from an OAuth 2.0 token endpoint (RFC 6749 client credentials): the USS's id and secret
 * as HTTP Basic, the scope, and the audience both as `audience` and as InterUSS's
 * `intended_audience` (its test authority reads that one).
 */
export class ClientCredentialsTokens implements AccessTokens {
  private readonly cache: Cache;

  constructor(
    private readonly tokenUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string | null,
    private readonly clock: Clock,
  ) {
    this.cache = new Cache(clock);
  }

  token(audience: string, scope: string): Promise<string> {
    return this.cache.get(`${audience} ${scope}`, async () => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        audience,
        intended_audience: audience,
      });
      const basic = Buffer.from(`${this.clientId}:${this.clientSecret ?? ''}`).toString('base64');
      const res = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: form,
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`the token endpoint answered ${res.status}: ${text.slice(0, 200)}`);
      const answer = TokenAnswer.safeParse(JSON.parse(text));
      if (!answer.success) throw new Error('the token endpoint answered without an access_token');
      const lifetimeS = answer.data.expires_in ?? LIFETIME_S;
      return { token: answer.data.access_token, expires: this.clock.now() + lifetimeS * 1000 };
    });
  }
}

/** The token source the configuration names. */
export async function accessTokens(source: UssTokenSource, clientId: string, clock: Clock): Promise<AccessTokens> {
  return source.kind === 'signing-key'
    ? SignedAccessTokens.fromFile(source.keyFile, clientId, clock)
    : new ClientCredentialsTokens(source.tokenUrl, clientId, source.clientSecret, clock);
}
