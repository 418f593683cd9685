import { z } from 'zod';
import { F3548Volume4D } from './f3548.ts';
import {
  F3548EntityId,
  F3548EntityOvn,
  F3548OperationalIntentReference,
  F3548OperationalIntentState,
  F3548SubscriptionState,
  F3548UssBaseUrl,
} from './f3548-uss.ts';

/*
 * ASTM F3548-21 USS→DSS shapes soramichi sends to a DSS and reads back (utm.yaml 1.0.0): the
 * operational intent references it publishes and queries. Not part of soramichi's own API, so
 * not in the OpenAPI registry; answers are read leniently (fields it does not use are ignored).
 */

export const DssPutOperationalIntentReference = z.object({
  extents: z.array(F3548Volume4D).min(1),
  key: z.array(F3548EntityOvn),
  state: F3548OperationalIntentState,
  uss_base_url: F3548UssBaseUrl,
  subscription_id: F3548EntityId.optional(),
  new_subscription: z.object({ uss_base_url: F3548UssBaseUrl, notify_for_constraints: z.boolean() }).optional(),
});

export const DssSubscriberToNotify = z.object({
  subscriptions: z.array(F3548SubscriptionState).min(1),
  uss_base_url: F3548UssBaseUrl,
});

export const DssChangeOperationalIntentReferenceResponse = z.object({
  subscribers: z.array(DssSubscriberToNotify).default([]),
  operational_intent_reference: F3548OperationalIntentReference,
});

export const DssQueryOperationalIntentReferences = z.object({ area_of_interest: F3548Volume4D });

export const DssQueryOperationalIntentReferencesResponse = z.object({
  operational_intent_references: z.array(F3548OperationalIntentReference).default([]),
});

/** The DSS's 409: the key lacked the OVNs of these intents (and constraints). */
export const DssAirspaceConflictResponse = z.object({
  message: z.string().optional(),
  missing_operational_intents: z.array(F3548OperationalIntentReference).default([]),
  missing_constraints: z.array(z.unknown()).default([]),
});

export const DssErrorResponse = z.object({ message: z.string().optional() });

export type DssPutOperationalIntentReference = z.infer<typeof DssPutOperationalIntentReference>;
export type DssSubscriberToNotify = z.infer<typeof DssSubscriberToNotify>;
export type DssChangeOperationalIntentReferenceResponse = z.infer<typeof DssChangeOperationalIntentReferenceResponse>;
export type DssQueryOperationalIntentReferences = z.infer<typeof DssQueryOperationalIntentReferences>;
export type DssQueryOperationalIntentReferencesResponse = z.infer<typeof DssQueryOperationalIntentReferencesResponse>;
export type DssAirspaceConflictResponse = z.infer<typeof DssAirspaceConflictResponse>;
