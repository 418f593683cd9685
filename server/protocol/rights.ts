import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { wire } from './registry.ts';
import { Subject } from './trust.ts';

/**
 * Rights an operator holds because someone entitled to grant them did: the drones it flies, a
 * priority above the normal level, permission to enter a restricted zone. Each is checked where
 * plans and commands are decided, never taken from what a request claims.
 */

export const DroneId = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'a drone id has at most 64 characters')
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

/** Japan's registration mark (登録記号): "JU" and ten letters or digits, as the national register issues it. */
export const RegistrationMark = z
  .string()
  .regex(/^JU[0-9A-Z]{10}$/, 'a registration mark (登録記号) is JU and ten capital letters or digits');

/** `PUT /api/v1/drones/{id}/registration`: an operator registers a drone it flies; an administrator, anyone's. */
export const DroneRegistrationRequest = z
  .object({
    registrationMark: RegistrationMark.optional(),
    model: z.string().min(1).max(100).optional(),
    operator: Subject.optional().describe(
      'administrators only: the operator the drone is registered to (moves it from another operator)',
    ),
  })
  .register(wire, { id: 'DroneRegistrationRequest' });

export const DroneRegistration = z
  .object({
    droneId: DroneId,
    operator: z.string(),
    registrationMark: RegistrationMark.nullable(),
    model: z.string().nullable(),
    registeredBy: z.string(),
    registeredAt: Timestamp,
  })
  .register(wire, {
    id: 'DroneRegistration',
    description: 'A drone and the operator that flies it: only that operator files plans for it and commands it.',
  });

export const DroneRegistrationQuery = z.object({
  operator: Subject.optional().describe('one operator’s drones'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** `PUT /api/v1/priority-grants/{operator}` (administrator). */
export const PriorityGrantRequest = z
  .object({
    maxPriority: z.number().int().min(0).max(1000).describe('the highest priority the operator may file with'),
    reason: z.string().min(1).max(500).describe('why: e.g. the city’s emergency medical deliveries'),
  })
  .register(wire, { id: 'PriorityGrantRequest' });

export const PriorityGrant = PriorityGrantRequest.extend({
  operator: z.string(),
  grantedBy: z.string(),
  grantedAt: Timestamp,
}).register(wire, {
  id: 'PriorityGrant',
  description: 'Permission to file above the normal priority, up to maxPriority.',
});

/** `POST /api/v1/zone-authorizations` (administrator, as the zones' authority). */
export const ZoneAuthorizationRequest = z
  .object({
    zoneId: Id.describe('a restricted zone'),
    operator: Subject,
    droneId: DroneId,
    validFrom: Timestamp,
    validTo: Timestamp,
    reason: z.string().min(1).max(500),
  })
  .superRefine((a, ctx) => {
    if (Date.parse(a.validTo) <= Date.parse(a.validFrom)) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be after validFrom' });
    }
  })
  .register(wire, { id: 'ZoneAuthorizationRequest' });

export const ZoneAuthorization = z
  .object({
    id: Id,
    zoneId: Id,
    operator: z.string(),
    droneId: z.string(),
    validFrom: Timestamp,
    validTo: Timestamp,
    reason: z.string(),
    issuedBy: z.string(),
    issuedAt: Timestamp,
    revokedAt: Timestamp.nullable(),
    revokedBy: z.string().nullable(),
  })
  .register(wire, {
    id: 'ZoneAuthorization',
    description:
      'Permission for one drone of one operator to enter one restricted zone during a window; plans entirely inside the window may enter the zone.',
  });

export const ZoneAuthorizationQuery = z.object({
  zoneId: Id.optional().describe('one zone'),
  operator: Subject.optional().describe('one operator'),
  droneId: DroneId.optional().describe('one drone'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export type DroneRegistrationRequest = z.infer<typeof DroneRegistrationRequest>;
export type DroneRegistration = z.infer<typeof DroneRegistration>;
export type PriorityGrantRequest = z.infer<typeof PriorityGrantRequest>;
export type PriorityGrant = z.infer<typeof PriorityGrant>;
export type ZoneAuthorizationRequest = z.infer<typeof ZoneAuthorizationRequest>;
export type ZoneAuthorization = z.infer<typeof ZoneAuthorization>;
