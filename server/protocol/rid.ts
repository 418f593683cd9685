import { z } from 'zod';
import { HorizontalAccuracy, Latitude, Longitude, QueryNumber, VerticalAccuracy } from './common.ts';
import { wire } from './registry.ts';

/*
 * ASTM F3411-22a network Remote ID, as a service provider answers a display provider: the shapes
 * of `GET /uss/flights` and `GET /uss/flights/{id}/details` in the standard's OpenAPI (version
 * 2.1.0, uastech/standards `remoteid/canonical.yaml`). Field names are the standard's, snake_case.
 */

/** The standard's Time: an RFC 3339 instant in UTC ('Z'). */
export const RidTime = z.object({ value: z.iso.datetime(), format: z.literal('RFC3339') });

export const RidSpeedAccuracy = z.enum(['SAUnknown', 'SA10mpsPlus', 'SA10mps', 'SA3mps', 'SA1mps', 'SA03mps']);
export const RidOperationalStatus = z.enum(['Undeclared', 'Ground', 'Airborne', 'Emergency', 'RemoteIDSystemFailure']);

/** F3411-22a's UA types (F3411-19's `VTOL` became `HybridLift`). */
export const RidUAType = z.enum([
  'NotDeclared',
  'Aeroplane',
  'Helicopter',
  'Gyroplane',
  'HybridLift',
  'Ornithopter',
  'Glider',
  'Kite',
  'FreeBalloon',
  'CaptiveBalloon',
  'Airship',
  'FreeFallOrParachute',
  'Rocket',
  'TetheredPoweredAircraft',
  'GroundObstacle',
  'Other',
]);

export const RidHeight = z.object({
  distance: z.number().finite().describe('metres above the reference'),
  reference: z.enum(['TakeoffLocation', 'GroundLevel']),
});

export const RidAircraftPosition = z.object({
  lat: Latitude,
  lng: Longitude,
  alt: z.number().finite().describe('metres above the WGS84 ellipsoid; -1000 when unknown'),
  accuracy_h: HorizontalAccuracy.optional(),
  accuracy_v: VerticalAccuracy.optional(),
  extrapolated: z.boolean().optional(),
  pressure_altitude: z.number().finite().optional(),
  height: RidHeight.optional(),
});

export const RidAircraftState = z.object({
  timestamp: RidTime,
  timestamp_accuracy: z.number().finite().min(0).describe('seconds, the 95 % bound of the timestamp’s error'),
  operational_status: RidOperationalStatus.optional(),
  position: RidAircraftPosition,
  track: z.number().finite().min(0).max(361).optional().describe('degrees clockwise from true north; 361 unknown'),
  speed: z.number().finite().min(0).optional().describe('ground speed, m/s; 255 unknown'),
  speed_accuracy: RidSpeedAccuracy,
  vertical_speed: z.number().finite().optional().describe('m/s up; 63 unknown'),
});

export const RidRecentAircraftPosition = z.object({ time: RidTime, position: RidAircraftPosition });

/** What a display may show of a flight: where it is and was, never who flies it. */
export const RidFlight = z
  .object({
    id: z.string().min(1).max(255),
    aircraft_type: RidUAType,
    current_state: RidAircraftState.optional(),
    simulated: z.boolean().optional(),
    recent_positions: z.array(RidRecentAircraftPosition).optional(),
  })
  .register(wire, { id: 'RidFlight', description: 'ASTM F3411-22a RIDFlight' });

export const RidGetFlightsResponse = z
  .object({
    timestamp: RidTime,
    flights: z.array(RidFlight),
    no_isas_present: z.boolean().optional(),
  })
  .register(wire, { id: 'RidGetFlightsResponse', description: 'ASTM F3411-22a GetFlightsResponse' });

export const RidAltitude = z.object({
  value: z.number().finite().min(-8000).max(100_000),
  reference: z.literal('W84'),
  units: z.literal('M'),
});

export const RidUASID = z.object({
  serial_number: z.string().optional().describe('ANSI/CTA-2063-A'),
  registration_id: z.string().optional(),
  utm_id: z.string().optional(),
  specific_session_id: z.string().optional(),
});

export const RidAuthData = z.object({
  format: z.number().int().min(0).max(15).optional(),
  data: z.string().optional(),
});

export const RidUAClassificationEU = z.object({
  category: z.enum(['EUCategoryUndefined', 'Open', 'Specific', 'Certified']).optional(),
  class: z.enum(['EUClassUndefined', 'Class0', 'Class1', 'Class2', 'Class3', 'Class4', 'Class5', 'Class6']).optional(),
});

export const RidOperatorLocation = z.object({
  position: z.object({ lat: Latitude, lng: Longitude }),
  altitude: RidAltitude.optional(),
  altitude_type: z.enum(['Takeoff', 'Dynamic', 'Fixed']).optional(),
});

/** Who flies and what: for authorised display providers only (scope `rid.display_provider`). */
export const RidFlightDetails = z
  .object({
    id: z.string(),
    eu_classification: RidUAClassificationEU.optional(),
    uas_id: RidUASID.optional(),
    operator_id: z.string().optional(),
    operator_location: RidOperatorLocation.optional(),
    operation_description: z.string().optional(),
    auth_data: RidAuthData.optional(),
  })
  .register(wire, { id: 'RidFlightDetails', description: 'ASTM F3411-22a RIDFlightDetails' });

export const RidGetFlightDetailsResponse = z
  .object({ details: RidFlightDetails })
  .register(wire, { id: 'RidGetFlightDetailsResponse', description: 'ASTM F3411-22a GetFlightDetailsResponse' });

/** `GET /rid/v2/uss/flights?view=&recent_positions_duration=` */
export const RidFlightsQuery = z.object({
  view: z
    .string({ error: 'is required: lat1,lng1,lat2,lng2' })
    .max(200, 'must be lat1,lng1,lat2,lng2')
    .describe('lat1,lng1,lat2,lng2: the smallest box with these corners; diagonal at most 7 km'),
  recent_positions_duration: QueryNumber.pipe(
    z.number().min(0, 'must be within [0, 60] seconds').max(60, 'must be within [0, 60] seconds'),
  )
    .optional()
    .describe('seconds: include the positions of that long (default 0: none)'),
});

/** The standard's RIDFlightID: 1–255 characters, none of \0 \t \r \n # % / : ? @ [ \ ]. */
export const RidFlightId = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'has at most 255 characters')
  .regex(/^[^\0\t\r\n#%/:?@[\\\]]+$/, 'must not contain \\0 \\t \\r \\n # % / : ? @ [ \\ ]');

/** `GET /rid/v2/uss/flights/{id}/details` */
export const RidFlightParams = z.object({ id: RidFlightId });

export type RidTime = z.infer<typeof RidTime>;
export type RidUAType = z.infer<typeof RidUAType>;
export type RidAircraftPosition = z.infer<typeof RidAircraftPosition>;
export type RidAircraftState = z.infer<typeof RidAircraftState>;
export type RidRecentAircraftPosition = z.infer<typeof RidRecentAircraftPosition>;
export type RidFlight = z.infer<typeof RidFlight>;
export type RidGetFlightsResponse = z.infer<typeof RidGetFlightsResponse>;
export type RidFlightDetails = z.infer<typeof RidFlightDetails>;
export type RidGetFlightDetailsResponse = z.infer<typeof RidGetFlightDetailsResponse>;
export type RidUASID = z.infer<typeof RidUASID>;
