import { z } from 'zod';
import { Latitude, Longitude, Timestamp } from './common.ts';
import { LIMITS } from '../limits.ts';
import { wire } from './registry.ts';

/**
 * ASTM F3548-21 geotemporal shapes as other USSs and InterUSS's test tools send them: the F3548
 * YAML's structure and bounds, nothing stricter, so that what is merely unplannable (a volume
 * with no end, a time out of reach) can be answered as such instead of as a malformed request;
 * the units and time format they may only be M and RFC3339 are taken as such when left out.
 * Shared by every interface that speaks F3548 (flight_planning/v1, USS-to-USS).
 */

/** Times with any UTC offset: InterUSS's tools send `+01:00` as well as `Z`. */
export const F3548Time = z
  .object({ value: Timestamp, format: z.literal('RFC3339').default('RFC3339') })
  .register(wire, { id: 'F3548Time', description: 'RFC 3339 date-time (any UTC offset accepted).' });

/** W84 as F3548; SFC (above the ground) and Takeoff (above the take-off point) as InterUSS's interfaces add. */
export const F3548AltitudeReference = z.enum(['W84', 'SFC', 'Takeoff'], {
  error: 'altitude reference must be one of W84, SFC, Takeoff',
});

export const F3548Altitude = z
  .object({
    value: z.number({ error: 'must be a number' }).finite().min(-8000).max(100_000),
    reference: F3548AltitudeReference,
    units: z.literal('M').default('M'),
  })
  .register(wire, { id: 'F3548Altitude' });

export const F3548LatLngPoint = z.object({ lat: Latitude, lng: Longitude }).register(wire, { id: 'F3548LatLngPoint' });

export const F3548Volume3D = z
  .object({
    outline_circle: z
      .object({
        center: F3548LatLngPoint.optional(),
        radius: z.object({ value: z.number().finite().positive(), units: z.literal('M').default('M') }).optional(),
      })
      .optional(),
    outline_polygon: z.object({ vertices: z.array(F3548LatLngPoint).min(3).max(LIMITS.maxVolumeVertices) }).optional(),
    altitude_lower: F3548Altitude.optional(),
    altitude_upper: F3548Altitude.optional(),
  })
  .register(wire, { id: 'F3548Volume3D' });

export const F3548Volume4D = z
  .object({
    volume: F3548Volume3D,
    time_start: F3548Time.optional(),
    time_end: F3548Time.optional(),
  })
  .register(wire, {
    id: 'F3548Volume4D',
    description: 'ASTM F3548-21 Volume4D: a vertically extruded outline over a time window.',
  });

export type F3548Time = z.infer<typeof F3548Time>;
export type F3548Altitude = z.infer<typeof F3548Altitude>;
export type F3548Volume4D = z.infer<typeof F3548Volume4D>;
