import { createHash, timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Who may connect as a gateway: the administrator's token or one of GATEWAY_TOKENS. Compared in
 * constant time (on digests, so lengths leak nothing either). Roles come with token auth later.
 */
export function gatewayTokenCheck(adminToken: string | undefined, gatewayTokens: readonly string[]) {
  const accepted = [adminToken, ...gatewayTokens].filter((t): t is string => !!t).map(digest);
  return (token: unknown): boolean => {
    if (typeof token !== 'string' || !token) return false;
    const d = digest(token);
    let ok = false;
    for (const a of accepted) ok = timingSafeEqual(a, d) || ok;
    return ok;
  };
}
