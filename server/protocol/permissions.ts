import type { Role } from './trust.ts';

/**
 * What each role may do: the one table every endpoint and socket event consults, published so
 * that the pages show only what their user may do. Operators act on their own plans and drones
 * only; the checks of ownership live beside the resource (server/auth/policy.ts), the grants here.
 */
export const PERMISSIONS = {
  /** File plans and run one's own. */
  'plans:file': ['admin', 'operator'],
  /** Read and change anybody's plan. */
  'plans:any': ['admin'],
  /** Read every plan, alert, drone and track, with identities. */
  'sky:read-all': ['admin', 'monitor'],
  'alerts:ack': ['admin', 'monitor'],
  /** Command one's own drones (registered to the operator); `drones:command-any` for all. */
  'drones:command': ['admin', 'operator'],
  'drones:command-any': ['admin'],
  /** Register a drone to oneself; `drones:register-any` to any operator, moving it between operators. */
  'drones:register': ['admin', 'operator'],
  'drones:register-any': ['admin'],
  /** Grant priorities above the normal level, and authorisations to enter restricted zones. */
  'rights:grant': ['admin'],
  /** File above the normal priority and into restricted zones without a grant: the authority itself. */
  'rights:exempt': ['admin'],
  'telemetry:send': ['admin', 'gateway'],
  'zones:manage': ['admin'],
  'tokens:manage': ['admin'],
  /** Set and lift operators' caps on the sky they hold at once. */
  'caps:manage': ['admin'],
  'audit:read': ['admin'],
  'metrics:read': ['admin', 'monitor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleMay(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
