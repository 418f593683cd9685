import { z } from 'zod';
import { Latitude, Longitude, Timestamp } from './common.ts';
import { wire } from './registry.ts';

/**
 * One normalised position report of a drone, as the gateway sends it and the server streams it.
 * Altitudes: W84 (ellipsoid), AMSL (EGM96, as MAVLink GLOBAL_POSITION_INT.alt) and relative to home.
 */
export const TelemetrySample = z
  .object({
    /** Gateway-assigned, strictly increasing per gateway: lets the server drop duplicates after a replay. */
    seq: z.number().int().nonnegative(),
    time: Timestamp,
    droneId: z.string().min(1).max(64),
    lat: Latitude,
    lon: Longitude,
    altW84: z.number().finite(),
    altAmsl: z.number().finite(),
    altRelative: z.number().finite().nullable(),
    /** Ground speed, m/s, and vertical speed (up positive). */
    groundSpeedMps: z.number().finite().nonnegative().nullable(),
    verticalSpeedMps: z.number().finite().nullable(),
    /** Degrees clockwise from true north. */
    headingDeg: z.number().finite().min(0).max(360).nullable(),
    batteryPercent: z.number().finite().min(0).max(100).nullable(),
    batteryVoltage: z.number().finite().nullable(),
    mode: z.string().max(32).nullable(),
    armed: z.boolean(),
    gpsFix: z.number().int().min(0).max(8).nullable(),
    /** Fields of OPEN_DRONE_ID_* messages when the drone broadcasts them (ASTM F3411). */
    remoteId: z
      .object({
        uasId: z.string().max(64).optional(),
        operatorId: z.string().max(64).optional(),
        description: z.string().max(64).optional(),
      })
      .nullable(),
  })
  .register(wire, { id: 'TelemetrySample' });

/** The latest known state of a drone, as `GET /api/v1/drones` shows it. */
export const DroneState = TelemetrySample.omit({ seq: true })
  .extend({
    gatewayId: z.string(),
    /** `live` while samples arrive; `stale` after a few seconds without; `lost` once the gateway reports the link lost. */
    link: z.enum(['live', 'stale', 'lost']),
    receivedAt: Timestamp,
  })
  .register(wire, { id: 'DroneState' });

export type TelemetrySample = z.infer<typeof TelemetrySample>;
export type DroneState = z.infer<typeof DroneState>;
