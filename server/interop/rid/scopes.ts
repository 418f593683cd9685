import type { Principal } from '../../auth/principal.ts';
import { Forbidden, Unauthorized } from '../../errors.ts';
import { RID_SCOPES, type RidScope } from './constants.ts';

/**
 * The Remote ID scopes a role holds without naming them: an administrator may do everything; a
 * monitor reads every drone with its identity already, which is all a display provider may.
 */
const IMPLIED: Partial<Record<Principal['role'], readonly RidScope[]>> = {
  admin: Object.values(RID_SCOPES),
  monitor: [RID_SCOPES.displayProvider],
};

/** The scopes a verified token grants: its `scope` claim (space-separated, RFC 6749) and its role's. */
export function grantedScopes(claims: Pick<Principal, 'role' | 'scopes'>): ReadonlySet<string> {
  return new Set([...(claims.scopes ?? []), ...(IMPLIED[claims.role] ?? [])]);
}

/** 401 without a token (the standards' interfaces have no public), 403 for a token without the scope. */
export function demandScope(who: Principal, scope: RidScope, what: string): void {
  if (who.role === 'public') throw new Unauthorized(`${what} needs a bearer token with scope ${scope}`);
  if (!grantedScopes(who).has(scope)) {
    throw new Forbidden(`${what} needs scope ${scope}; the token of "${who.subject}" does not grant it`);
  }
}
