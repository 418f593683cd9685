import { z } from 'zod';
import { HorizontalAccuracy, Id, Latitude, Longitude, Timestamp, VerticalAccuracy } from './common.ts';
import { F3548Altitude, F3548Time, F3548Volume4D } from './f3548.ts';
import { wire } from './registry.ts';

/*
 * ASTM F3548-21 USS↔USS shapes (astm-utm/Protocol utm.yaml, 1.0.0), as peers send them and as
 * soramichi answers: field names are the standard's, snake_case. What soramichi sends uses W84
 * altitudes and 'Z' times only; what it takes is read with the shared F3548 shapes (f3548.ts).
 */

/** Lists of volumes an intent or a constraint may carry: as many as a plan of this server may. */
export const MAX_F3548_VOLUMES = 100;

/** A version-4 UUID, as the standard's UUIDv4Format pattern says. */
export const F3548EntityId = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/,
    'must be a version-4 UUID',
  );

/** The `{entityid}` of an operational intent or a constraint in a path. */
export const F3548EntityParam = z.object({
  entityid: F3548EntityId.describe('The entity’s id, a version-4 UUID (for this USS’s intents, the plan’s id)'),
});

export const F3548EntityOvn = z.string().min(16).max(128);

/** Who manages an entity, as the DSS names the client that made it (its token's `sub`). */
const Manager = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

/** Base URL of a USS's USS↔USS API, without a trailing slash. */
export const F3548UssBaseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000)
  .refine((u) => !u.endsWith('/'), 'must not end with /');

export const F3548OperationalIntentState = z.enum(['Accepted', 'Activated', 'Nonconforming', 'Contingent']);
export const F3548UssAvailability = z.enum(['Unknown', 'Normal', 'Down']);
const Version = z.number().int().min(0).max(2_147_483_647);

export const F3548OperationalIntentReference = z
  .object({
    id: F3548EntityId,
    manager: Manager,
    uss_availability: F3548UssAvailability,
    version: Version,
    state: F3548OperationalIntentState,
    ovn: F3548EntityOvn.optional(),
    time_start: F3548Time,
    time_end: F3548Time,
    uss_base_url: F3548UssBaseUrl,
    subscription_id: F3548EntityId,
  })
  .register(wire, {
    id: 'F3548OperationalIntentReference',
    description: 'ASTM F3548-21 OperationalIntentReference: where to ask about an intent, and its version.',
  });

const Volumes = z.array(F3548Volume4D).max(MAX_F3548_VOLUMES).default([]);

export const F3548OperationalIntentDetails = z
  .object({
    volumes: Volumes,
    off_nominal_volumes: Volumes,
    priority: z.number().int().min(-2_147_483_648).max(2_147_483_647).default(0),
  })
  .register(wire, { id: 'F3548OperationalIntentDetails' });

export const F3548OperationalIntent = z
  .object({ reference: F3548OperationalIntentReference, details: F3548OperationalIntentDetails })
  .register(wire, { id: 'F3548OperationalIntent' });

export const F3548GetOperationalIntentDetailsResponse = z
  .object({ operational_intent: F3548OperationalIntent })
  .register(wire, { id: 'F3548GetOperationalIntentDetailsResponse' });

export const F3548SubscriptionState = z.object({
  subscription_id: F3548EntityId,
  notification_index: z.number().int().min(0).max(2_147_483_647),
});

export const F3548PutOperationalIntentDetailsParameters = z
  .object({
    operational_intent_id: F3548EntityId,
    operational_intent: F3548OperationalIntent.optional().nullable(),
    subscriptions: z.array(F3548SubscriptionState).min(1).max(100),
  })
  .register(wire, {
    id: 'F3548PutOperationalIntentDetailsParameters',
    description: 'A peer tells of a change of its operational intent; without operational_intent, it is gone.',
  });

export const F3548VehicleTelemetry = z.object({
  time_measured: F3548Time,
  position: z
    .object({
      longitude: Longitude,
      latitude: Latitude,
      accuracy_h: HorizontalAccuracy.optional(),
      accuracy_v: VerticalAccuracy.optional(),
      extrapolated: z.boolean().optional(),
      altitude: F3548Altitude.optional(),
    })
    .optional(),
  velocity: z
    .object({
      speed: z.number(),
      units_speed: z.literal('MetersPerSecond'),
      track: z.number().optional(),
    })
    .optional(),
});

export const F3548GetOperationalIntentTelemetryResponse = z
  .object({
    operational_intent_id: F3548EntityId,
    telemetry: F3548VehicleTelemetry.optional(),
    next_telemetry_opportunity: F3548Time.optional(),
  })
  .register(wire, { id: 'F3548GetOperationalIntentTelemetryResponse' });

export const F3548ConstraintReference = z
  .object({
    id: F3548EntityId,
    manager: Manager,
    uss_availability: F3548UssAvailability,
    version: Version,
    ovn: F3548EntityOvn.optional(),
    time_start: F3548Time,
    time_end: F3548Time,
    uss_base_url: F3548UssBaseUrl,
  })
  .register(wire, { id: 'F3548ConstraintReference' });

export const F3548ConstraintDetails = z
  .object({
    volumes: z.array(F3548Volume4D).min(1).max(MAX_F3548_VOLUMES),
    type: z.string().max(200).optional(),
    geozone: z.record(z.string(), z.unknown()).optional(),
  })
  .register(wire, { id: 'F3548ConstraintDetails' });

export const F3548Constraint = z
  .object({ reference: F3548ConstraintReference, details: F3548ConstraintDetails })
  .register(wire, { id: 'F3548Constraint' });

export const F3548GetConstraintDetailsResponse = z
  .object({ constraint: F3548Constraint })
  .register(wire, { id: 'F3548GetConstraintDetailsResponse' });

export const F3548PutConstraintDetailsParameters = z
  .object({
    constraint_id: F3548EntityId,
    constraint: F3548Constraint.optional().nullable(),
    subscriptions: z.array(F3548SubscriptionState).min(1).max(100),
  })
  .register(wire, {
    id: 'F3548PutConstraintDetailsParameters',
    description: 'A peer tells of a change of its constraint; without constraint, it is gone.',
  });

/** How far a plan of this USS has reached the DSS (soramichi's own API, not the standard's). */
export const PlanPublication = z
  .object({
    planId: Id,
    dss: z.string().nullable().describe('the DSS plans are shared through; null: none is configured'),
    status: z
      .enum(['unpublished', 'pending', 'published', 'removed', 'failed'])
      .describe(
        'unpublished: never tried (or no DSS); pending: on its way, or retrying after lastError; published: the DSS holds planVersion; removed: the reference was deleted when the plan ended; failed: the tries gave up (lastError says why), the next sweep tries again',
      ),
    planVersion: z.number().int().describe('the plan version the DSS holds (0: none yet)'),
    dssVersion: z.number().int().nullable(),
    ovn: z.string().nullable().describe('the DSS’s OVN of the operational intent reference'),
    attempts: z.number().int().describe('failed tries since the last success'),
    lastError: z.string().nullable(),
    updatedAt: Timestamp.nullable(),
  })
  .register(wire, { id: 'PlanPublication' });

export type PlanPublication = z.infer<typeof PlanPublication>;
export type F3548OperationalIntentState = z.infer<typeof F3548OperationalIntentState>;
export type F3548OperationalIntentReference = z.infer<typeof F3548OperationalIntentReference>;
export type F3548OperationalIntentDetails = z.infer<typeof F3548OperationalIntentDetails>;
export type F3548OperationalIntent = z.infer<typeof F3548OperationalIntent>;
export type F3548GetOperationalIntentDetailsResponse = z.infer<typeof F3548GetOperationalIntentDetailsResponse>;
export type F3548SubscriptionState = z.infer<typeof F3548SubscriptionState>;
export type F3548PutOperationalIntentDetailsParameters = z.infer<typeof F3548PutOperationalIntentDetailsParameters>;
export type F3548VehicleTelemetry = z.infer<typeof F3548VehicleTelemetry>;
export type F3548GetOperationalIntentTelemetryResponse = z.infer<typeof F3548GetOperationalIntentTelemetryResponse>;
export type F3548ConstraintReference = z.infer<typeof F3548ConstraintReference>;
export type F3548ConstraintDetails = z.infer<typeof F3548ConstraintDetails>;
export type F3548Constraint = z.infer<typeof F3548Constraint>;
export type F3548GetConstraintDetailsResponse = z.infer<typeof F3548GetConstraintDetailsResponse>;
export type F3548PutConstraintDetailsParameters = z.infer<typeof F3548PutConstraintDetailsParameters>;
