import type { DroneRegistration, PriorityGrant, ZoneAuthorization } from '../protocol/index.ts';
import type { DroneRecord, PriorityGrantRecord, ZoneAuthorizationRecord } from './records.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export const presentDrone = (d: DroneRecord): DroneRegistration => ({ ...d, registeredAt: iso(d.registeredAt) });

export const presentPriorityGrant = (g: PriorityGrantRecord): PriorityGrant => ({ ...g, grantedAt: iso(g.grantedAt) });

export const presentZoneAuthorization = (a: ZoneAuthorizationRecord): ZoneAuthorization => ({
  ...a,
  validFrom: iso(a.validFrom),
  validTo: iso(a.validTo),
  issuedAt: iso(a.issuedAt),
  revokedAt: a.revokedAt === null ? null : iso(a.revokedAt),
});
