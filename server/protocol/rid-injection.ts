import { z } from 'zod';
import { HorizontalAccuracy, Latitude, Longitude, Timestamp, VerticalAccuracy } from './common.ts';
import { wire } from './registry.ts';
import {
  RidAuthData,
  RidHeight,
  RidOperationalStatus,
  RidSpeedAccuracy,
  RidUAClassificationEU,
  RidUASID,
  RidUAType,
  RidTime,
} from './rid.ts';

/*
 * InterUSS's `rid/v1` injection interface (automated_testing_interfaces `rid/v1/injection.yaml`,
 * version 0.5.1): a test director puts simulated Remote ID flights into a service provider and
 * removes them. Telemetry fields are all optional, as there: a flight may lack what a networked
 * UAS would need, to see whether the provider tells its operator.
 */

/** Bounds on what one director may put in: a test's body stays far below the 2 MB body limit. */
export const RID_INJECTION_LIMITS = {
  /** Tests held at once, over all directors. */
  tests: 20,
  flightsPerTest: 50,
  telemetryPerFlight: 7200,
  detailsPerFlight: 100,
  /** Operator notifications kept for `GET /user_notifications`, newest kept. */
  notifications: 10_000,
} as const;

const Text = (max: number) => z.string().max(max, `has at most ${max} characters`);

export const RidInjectionPosition = z.object({
  lat: Latitude.optional(),
  lng: Longitude.optional(),
  alt: z.number().finite().min(-8000).max(100_000).optional(),
  height: RidHeight.optional(),
  accuracy_h: HorizontalAccuracy.optional(),
  accuracy_v: VerticalAccuracy.optional(),
  extrapolated: z.boolean().optional(),
  pressure_altitude: z.number().finite().optional(),
});

export const RidInjectionAircraftState = z.object({
  timestamp: Timestamp.optional(),
  timestamp_accuracy: z.number().finite().min(0).optional(),
  operational_status: RidOperationalStatus.optional(),
  position: RidInjectionPosition.optional(),
  track: z.number().finite().min(0).lt(360, 'must be less than 360').optional(),
  speed: z.number().finite().min(0).optional(),
  speed_accuracy: RidSpeedAccuracy.optional(),
  vertical_speed: z.number().finite().optional(),
  height: RidHeight.optional(),
  group_radius: z.number().finite().positive().optional(),
  group_ceiling: z.number().finite().optional(),
  group_floor: z.number().finite().optional(),
  group_count: z.number().int().min(1).optional(),
  group_time_start: Timestamp.optional(),
  group_time_end: Timestamp.optional(),
});

export const RidInjectionFlightDetails = z.object({
  id: Text(255),
  operator_id: Text(200).optional(),
  operator_location: z.object({ lat: Latitude, lng: Longitude }).optional(),
  operation_description: Text(2000).optional(),
  auth_data: RidAuthData.extend({ data: Text(10_000).optional() }).optional(),
  serial_number: Text(200).optional(),
  registration_number: Text(200).optional(),
  uas_id: RidUASID.optional(),
  operator_altitude: z
    .object({
      altitude: z.number().finite().min(-8000).max(100_000).optional(),
      altitude_type: z.enum(['Takeoff', 'Dynamic', 'Fixed']).optional(),
    })
    .optional(),
  eu_classification: RidUAClassificationEU.optional(),
});

export const RidInjectionTestFlight = z
  .object({
    injection_id: Text(255).min(1, 'must not be empty'),
    /** rid/v1 still accepts F3411-19's `VTOL`; it is served as F3411-22a's `HybridLift`. */
    aircraft_type: z.union([RidUAType, z.literal('VTOL')]).optional(),
    telemetry: z
      .array(RidInjectionAircraftState)
      .max(RID_INJECTION_LIMITS.telemetryPerFlight, `has at most ${RID_INJECTION_LIMITS.telemetryPerFlight} states`),
    details_responses: z
      .array(z.object({ effective_after: Timestamp, details: RidInjectionFlightDetails }))
      .max(RID_INJECTION_LIMITS.detailsPerFlight, `has at most ${RID_INJECTION_LIMITS.detailsPerFlight} entries`),
  })
  .register(wire, { id: 'RidInjectionTestFlight', description: 'InterUSS rid/v1 TestFlight' });

export const RidInjectionCreateTest = z
  .object({
    requested_flights: z
      .array(RidInjectionTestFlight)
      .min(1, 'must hold at least one flight')
      .max(RID_INJECTION_LIMITS.flightsPerTest, `has at most ${RID_INJECTION_LIMITS.flightsPerTest} flights`),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.requested_flights.forEach((f, i) => {
      if (seen.has(f.injection_id)) {
        ctx.addIssue({ code: 'custom', path: ['requested_flights', i, 'injection_id'], message: 'is not unique' });
      }
      seen.add(f.injection_id);
    });
  })
  .register(wire, { id: 'RidInjectionCreateTest', description: 'InterUSS rid/v1 CreateTestParameters' });

export const RidInjectionChangeTestResponse = z
  .object({ injected_flights: z.array(RidInjectionTestFlight), version: z.string() })
  .register(wire, { id: 'RidInjectionChangeTestResponse', description: 'InterUSS rid/v1 ChangeTestResponse' });

export const RidInjectionDeleteTestResponse = z
  .object({ injected_flights: z.array(RidInjectionTestFlight) })
  .register(wire, { id: 'RidInjectionDeleteTestResponse', description: 'InterUSS rid/v1 DeleteTestResponse' });

/** `PUT /ridsp/injection/tests/{test_id}` */
export const RidInjectionTestParams = z.object({ test_id: Text(255).min(1, 'must not be empty') });

/** `DELETE /ridsp/injection/tests/{test_id}/{version}` */
export const RidInjectionTestVersionParams = RidInjectionTestParams.extend({ version: Text(255) });

/** `GET /ridsp/injection/user_notifications?after=&before=` */
export const RidUserNotificationsQuery = z
  .object({
    after: Timestamp.describe('notifications observed at or after this'),
    before: Timestamp.optional().describe('notifications observed at or before this; default: now'),
  })
  .superRefine((q, ctx) => {
    if (q.before && Date.parse(q.before) < Date.parse(q.after)) {
      ctx.addIssue({ code: 'custom', path: ['before'], message: 'must not be before after' });
    }
  });

export const RidUserNotifications = z
  .object({
    user_notifications: z.array(z.object({ observed_at: RidTime, message: z.string().optional() })),
  })
  .register(wire, {
    id: 'RidUserNotifications',
    description: 'InterUSS rid/v1 QueryUserNotificationsResponse: what the operator was told',
  });

export type RidInjectionAircraftState = z.infer<typeof RidInjectionAircraftState>;
export type RidInjectionFlightDetails = z.infer<typeof RidInjectionFlightDetails>;
export type RidInjectionTestFlight = z.infer<typeof RidInjectionTestFlight>;
export type RidInjectionCreateTest = z.infer<typeof RidInjectionCreateTest>;
export type RidInjectionChangeTestResponse = z.infer<typeof RidInjectionChangeTestResponse>;
export type RidInjectionDeleteTestResponse = z.infer<typeof RidInjectionDeleteTestResponse>;
export type RidUserNotifications = z.infer<typeof RidUserNotifications>;
