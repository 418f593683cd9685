import { decodeJwt, importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Principal } from './principal.ts';
import { InvalidToken } from './tokens.ts';

/** The InterUSS scopes soramichi answers to. */
export const INTERUSS_SCOPES = {
  plan: 'interuss.flight_planning.plan',
  directTest: 'interuss.flight_planning.direct_automated_test',
  readVersions: 'interuss.versioning.read_system_versions',
} as const;

/** The ASTM F3548-21 scopes peers' tokens carry, from the same authority. */
export const UTM_SCOPES = {
  strategicCoordination: 'utm.strategic_coordination',
  conformanceMonitoring: 'utm.conformance_monitoring_sa',
  constraintProcessing: 'utm.constraint_processing',
  constraintManagement: 'utm.constraint_management',
} as const;

/** Subjects of the InterUSS authority live apart from this server's own (an operator named "admin" is not ours). */
const INTERUSS_SUBJECT_PREFIX = 'interuss:';

const Claims = z.object({
  sub: z.string().min(1).max(200),
  scope: z.string().max(2000),
  exp: z.number().optional(),
});

/**
 * Whether a token is meant for the InterUSS authority's key: it carries the OAuth `scope` claim
 * and not the `role` that this server's and its identity provider's tokens carry.
 */
/** The authority's client id of a principal it vouched for (a peer USS's `sub`); null for anyone else. */
export function authorityClient(p: Principal): string | null {
  return p.subject.startsWith(INTERUSS_SUBJECT_PREFIX) ? p.subject.slice(INTERUSS_SUBJECT_PREFIX.length) : null;
}

export function isScopedToken(token: string): boolean {
  try {
    const claims = decodeJwt(token);
    return typeof claims.scope === 'string' && claims.role === undefined;
  } catch {
    return false;
  }
}

/**
 * Access tokens of an InterUSS test authority (uss_qualifier's): RS256 JWTs verified with the
 * authority's public key, for this server's host name as `aud`, their rights in a space-separated
 * `scope`. The plan scope makes the caller an operator of its own flights; the other scopes give
 * no role of this server, only what policy.ts grants each scope.
 */
export class InterussTokens {
  private constructor(
    private readonly key: CryptoKey,
    private readonly audiences: readonly string[],
    private readonly clock: Clock,
  ) {}

  /** The authority's public key as PEM (SPKI); `source` names where it came from when it is not one. */
  static async fromPem(
    pem: string,
    audiences: readonly string[],
    clock: Clock,
    source = 'the InterUSS public key',
  ): Promise<InterussTokens> {
    try {
      return new InterussTokens(await importSPKI(pem, 'RS256'), audiences, clock);
    } catch (err) {
      throw new Error(`${source} is not an RSA public key in PEM (SPKI): ${(err as Error).message}`);
    }
  }

  async verify(token: string): Promise<Principal> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['RS256'],
        audience: [...this.audiences],
        requiredClaims: ['exp', 'sub', 'scope'],
        currentDate: new Date(this.clock.now()),
      }));
    } catch (err) {
      throw new InvalidToken(`invalid token: ${(err as Error).message}`);
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw new InvalidToken('invalid token: its sub or scope is missing or malformed');
    const scopes = claims.data.scope.split(' ').filter(Boolean);
    return {
      subject: `${INTERUSS_SUBJECT_PREFIX}${claims.data.sub}`,
      role: scopes.includes(INTERUSS_SCOPES.plan) ? 'operator' : 'public',
      drones: [],
      tokenId: null,
      expiresAt: typeof claims.data.exp === 'number' ? claims.data.exp * 1000 : null,
      scopes,
    };
  }
}
