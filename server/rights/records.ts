/** The rights an operator holds, as the services reason about them (times in epoch ms). */

export interface DroneRecord {
  droneId: string;
  operator: string;
  registrationMark: string | null;
  model: string | null;
  registeredBy: string;
  registeredAt: number;
}

export interface PriorityGrantRecord {
  operator: string;
  maxPriority: number;
  reason: string;
  grantedBy: string;
  grantedAt: number;
}

export interface ZoneAuthorizationRecord {
  id: string;
  zoneId: string;
  operator: string;
  droneId: string;
  validFrom: number;
  validTo: number;
  reason: string;
  issuedBy: string;
  issuedAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
}
