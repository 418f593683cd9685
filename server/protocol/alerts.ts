import { z } from 'zod';
import { Latitude, Longitude, Timestamp } from './common.ts';
import { wire } from './registry.ts';

export const AlertKind = z.enum([
  'nonconforming',
  'contingent',
  'geofence_breach',
  'lost_link',
  'proximity',
  'unplanned_flight',
  'low_battery',
  'zone_over_active_plan',
  'id_collision',
  'priority_over_active_plan',
]);

export const SafeAction = z.enum(['notify', 'loiter', 'rtl', 'land']);

/**
 * Something the city must know about a drone in the air. Open while its condition lasts (one
 * alert per condition, not one per sample), closed when it ends, acknowledged by a monitor.
 */
export const Alert = z
  .object({
    id: z.uuid(),
    kind: AlertKind,
    droneId: z.string().nullable(),
    planId: z.uuid().nullable(),
    /** The zone, or the other drone (proximity), involved. */
    subjectId: z.string().nullable(),
    message: z.string(),
    lat: Latitude.nullable(),
    lon: Longitude.nullable(),
    altW84: z.number().nullable(),
    openedAt: Timestamp,
    closedAt: Timestamp.nullable(),
    acknowledgedAt: Timestamp.nullable(),
    acknowledgedBy: z.string().nullable(),
    /** The safe action the policy sent to the drone, and what came of it. */
    action: z
      .object({
        kind: SafeAction,
        outcome: z.enum(['pending', 'accepted', 'rejected', 'failed', 'timeout']),
        detail: z.string().nullable(),
      })
      .nullable(),
  })
  .register(wire, { id: 'Alert' });

export type AlertKind = z.infer<typeof AlertKind>;
export type SafeAction = z.infer<typeof SafeAction>;
export type Alert = z.infer<typeof Alert>;

/** `GET /api/v1/alerts`: open or closed ones, changed since a moment, of a drone or a kind. */
export const AlertQuery = z.object({
  open: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((s) => s === 'true')
    .optional()
    .describe('true: open alerts only; false: closed ones only; absent: both'),
  since: Timestamp.optional().describe('alerts opened, acted on, acknowledged or closed at or after this moment'),
  droneId: z.string().min(1).max(64).optional().describe('one drone'),
  kind: AlertKind.optional().describe('one kind of alert'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const AlertIdParam = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

export const AlertList = z.array(Alert).register(wire, { id: 'AlertList', description: 'Alerts, newest first.' });

export type AlertQuery = z.infer<typeof AlertQuery>;
