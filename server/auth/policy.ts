import { Forbidden, Unauthorized } from '../errors.ts';
import { PERMISSIONS, roleMay, type Permission } from '../protocol/index.ts';
import { INTERUSS_SCOPES, UTM_SCOPES } from './interuss-tokens.ts';
import type { Principal } from './principal.ts';

export type { Permission };

/** Whether the principal's role holds the permission (the table is published in server/protocol). */
export function can(p: Pick<Principal, 'role'>, permission: Permission): boolean {
  return roleMay(p.role, permission);
}

/** Throws 401 for the public (a token would help), 403 for a role that lacks the permission. */
export function demand(p: Principal, permission: Permission, what: string): void {
  if (can(p, permission)) return;
  if (p.role === 'public') throw new Unauthorized(`${what} needs a bearer token`);
  const roles = PERMISSIONS[permission].join(' or ');
  throw new Forbidden(`${what} needs the ${roles} role; this token is ${p.role} "${p.subject}"`);
}

/**
 * What each InterUSS and ASTM F3548-21 scope allows, checked by the interface where it acts (the
 * administrator may do all of it). The YAML gives closing a flight to the test director, but InterUSS's qualifier
 * closes with the plan scope: closing takes either.
 */
const SCOPE_GRANTS = {
  'interuss:plan': [INTERUSS_SCOPES.plan],
  'interuss:close': [INTERUSS_SCOPES.plan, INTERUSS_SCOPES.directTest],
  'interuss:direct-test': [INTERUSS_SCOPES.directTest],
  'interuss:read-versions': [INTERUSS_SCOPES.readVersions],
  /** ASTM F3548-21 USS↔USS: a peer reads our intents' details and tells us of its own. */
  'utm:strategic-coordination': [UTM_SCOPES.strategicCoordination],
  /** …reads the telemetry of our off-nominal intents. */
  'utm:conformance-monitoring': [UTM_SCOPES.conformanceMonitoring],
  /** …reads the details of our constraints (the city's zones). */
  'utm:constraint-processing': [UTM_SCOPES.constraintProcessing],
  /** …tells us of its own constraints. */
  'utm:constraint-management': [UTM_SCOPES.constraintManagement],
} as const satisfies Record<string, readonly string[]>;

export type ScopedPermission = keyof typeof SCOPE_GRANTS;

export function hasScope(p: Principal, permission: ScopedPermission): boolean {
  return p.role === 'admin' || SCOPE_GRANTS[permission].some((s) => p.scopes?.includes(s));
}

/** Throws 401 without a token, 403 for a token without one of the scopes that allow this. */
export function demandScope(p: Principal, permission: ScopedPermission, what: string): void {
  if (hasScope(p, permission)) return;
  if (p.role === 'public' && !p.scopes) throw new Unauthorized(`${what} needs a bearer token`);
  throw new Forbidden(`${what} needs the scope ${SCOPE_GRANTS[permission].join(' or ')}`);
}

/** Whether the principal sees this plan whole (its operator, drone, request and contact). */
export function maySeePlan(p: Principal, owner: string): boolean {
  return can(p, 'sky:read-all') || (can(p, 'plans:file') && p.subject === owner);
}

/** Whether the principal may replan, activate, end or cancel this plan. */
export function mayManagePlan(p: Principal, owner: string): boolean {
  return can(p, 'plans:any') || (can(p, 'plans:file') && p.subject === owner);
}

/**
 * Which drones a gateway token may report and command, as a test built once per connection: it
 * runs on every telemetry sample, and a token may bind thousands of drones.
 */
export function carrier(p: Principal): (droneId: string) => boolean {
  if (p.role === 'admin' || (can(p, 'telemetry:send') && p.drones === '*')) return () => true;
  if (!can(p, 'telemetry:send') || p.drones === '*') return () => false;
  const bound = new Set(p.drones);
  return (droneId) => bound.has(droneId);
}
