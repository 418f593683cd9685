import { z } from 'zod';
import { Timestamp } from './common.ts';
import { F3548Time, F3548Volume4D } from './f3548.ts';
import { wire } from './registry.ts';

/**
 * InterUSS's flight_planning/v1 automated-testing interface (versions 0.5.0 to 0.7.0): what a
 * test director or a neighbouring tool sends to plan, change, fly and close flights here. Fields
 * soramichi does not use are accepted and ignored, as the interface asks; the fields 0.6 and 0.7
 * added (description, uas) are read when present.
 */

export const INTERUSS_FLIGHT_PLANNING_VERSION = 'v0.7.0';

/** A version-4 UUID, exactly as the interface's FlightPlanID pattern says. */
export const InterussFlightPlanId = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/,
    'must be a version-4 UUID',
  );

/** The `{flight_plan_id}` of a flight in a path. */
export const InterussFlightPlanParam = z.object({
  flight_plan_id: InterussFlightPlanId.describe('The caller’s id for the flight, a version-4 UUID'),
});

const Text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'must not contain control characters');

export const InterussUsageState = z.enum(['Planned', 'InUse', 'Closed']);
export const InterussUasState = z.enum(['Nominal', 'OffNominal', 'Contingent', 'NotSpecified']);

const BasicFlightPlanInformation = z.object({
  usage_state: InterussUsageState,
  uas_state: InterussUasState.optional().describe('required by 0.5.0, optional since'),
  area: z.array(F3548Volume4D).max(100).default([]),
  description: Text(200).optional(),
});

const Serial = Text(64);

export const InterussFlightPlan = z
  .object({
    basic_information: BasicFlightPlanInformation,
    uas: z
      .object({
        serial_number: Serial.optional(),
        registration_numbers: z
          .array(z.object({ identifier: Serial, authority: Text(64).optional() }))
          .max(20)
          .optional(),
      })
      .optional(),
    astm_f3548_21: z
      .object({ priority: z.number().int().min(-2_147_483_648).max(2_147_483_647).optional() })
      .optional(),
    uspace_flight_authorisation: z.object({ uas_serial_number: Serial.optional() }).optional(),
    rpas_operating_rules_2_6: z.object({ uas_serial_numbers: z.array(Serial).max(20).optional() }).optional(),
  })
  .register(wire, {
    id: 'InterussFlightPlan',
    description: 'The user’s flight as InterUSS flight_planning/v1 describes it.',
  });

export const InterussExecutionStyle = z.enum(['Hypothetical', 'IfAllowed', 'InReality']);

export const InterussUpsertFlightPlanRequest = z
  .object({
    flight_plan: InterussFlightPlan,
    execution_style: InterussExecutionStyle,
    request_id: Text(200).min(1),
  })
  .register(wire, { id: 'InterussUpsertFlightPlanRequest' });

export const InterussPlanningResult = z.enum(['Completed', 'Rejected', 'Failed', 'NotSupported']);
export const InterussFlightPlanStatus = z.enum(['NotPlanned', 'Planned', 'OkToFly', 'OffNominal', 'Closed']);
export const InterussAdvisoryInclusion = z.enum([
  'Unknown',
  'AtLeastOneAdvisoryOrCondition',
  'NoAdvisoriesOrConditions',
]);

export const InterussPlanningResponse = z
  .object({
    planning_result: InterussPlanningResult,
    notes: z.string().optional(),
    flight_plan_status: InterussFlightPlanStatus,
    includes_advisories: InterussAdvisoryInclusion.optional(),
  })
  .register(wire, {
    id: 'InterussPlanningResponse',
    description: 'UpsertFlightPlanResponse and DeleteFlightPlanResponse of flight_planning/v1 (always HTTP 200).',
  });

export const InterussStatusResponse = z
  .object({
    status: z.enum(['Starting', 'Ready']),
    api_name: z.string(),
    api_version: z.string(),
  })
  .register(wire, { id: 'InterussStatusResponse' });

export const InterussClearAreaRequest = z
  .object({ request_id: Text(200).min(1), extent: F3548Volume4D })
  .register(wire, { id: 'InterussClearAreaRequest' });

export const InterussClearAreaResponse = z
  .object({
    outcome: z.object({
      success: z.boolean(),
      message: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .register(wire, { id: 'InterussClearAreaResponse' });

export const InterussUserNotificationsQuery = z
  .object({
    after: Timestamp.describe('notifications observed at or after this'),
    before: Timestamp.optional().describe('default: now'),
  })
  .refine((q) => q.before === undefined || Date.parse(q.before) > Date.parse(q.after), {
    path: ['before'],
    message: 'must be after `after`',
  });

export const InterussUserNotification = z.object({
  observed_at: F3548Time,
  message: z.string().optional(),
  conflicts: z.enum(['Unknown', 'None', 'Single', 'Multiple']),
});

export const InterussUserNotificationsResponse = z
  .object({ user_notifications: z.array(InterussUserNotification) })
  .register(wire, { id: 'InterussUserNotificationsResponse' });

/** The `{system_identity}` of `/versioning/versions/{system_identity}`. */
export const InterussSystemParam = z.object({ system_identity: z.string().max(200) });

export const InterussVersionResponse = z
  .object({ system_identity: z.string(), system_version: z.string() })
  .register(wire, { id: 'InterussVersionResponse' });

export type InterussFlightPlan = z.infer<typeof InterussFlightPlan>;
export type InterussUpsertFlightPlanRequest = z.infer<typeof InterussUpsertFlightPlanRequest>;
export type InterussExecutionStyle = z.infer<typeof InterussExecutionStyle>;
export type InterussPlanningResult = z.infer<typeof InterussPlanningResult>;
export type InterussFlightPlanStatus = z.infer<typeof InterussFlightPlanStatus>;
export type InterussPlanningResponse = z.infer<typeof InterussPlanningResponse>;
export type InterussStatusResponse = z.infer<typeof InterussStatusResponse>;
export type InterussClearAreaRequest = z.infer<typeof InterussClearAreaRequest>;
export type InterussClearAreaResponse = z.infer<typeof InterussClearAreaResponse>;
export type InterussUserNotification = z.infer<typeof InterussUserNotification>;
export type InterussUserNotificationsResponse = z.infer<typeof InterussUserNotificationsResponse>;
export type InterussVersionResponse = z.infer<typeof InterussVersionResponse>;
