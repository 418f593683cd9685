import { Forbidden, Unauthorized } from '../errors.ts';
import { PERMISSIONS, roleMay, type Permission } from '../protocol/index.ts';
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
