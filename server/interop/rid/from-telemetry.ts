import type { DroneState } from '../../protocol/index.ts';
import type { RidAircraftState, RidFlightDetails, RidUASID } from '../../protocol/rid.ts';
import type { TrackState } from './present.ts';

/** The fields of a sample that Remote ID presents: a stored track point carries them, as a live state does. */
export type RidSample = Pick<
  DroneState,
  | 'droneId'
  | 'time'
  | 'lat'
  | 'lon'
  | 'altW84'
  | 'altRelative'
  | 'groundSpeedMps'
  | 'verticalSpeedMps'
  | 'headingDeg'
  | 'armed'
  | 'remoteId'
>;

/**
 * The gateway stamps a sample when the autopilot's position report reaches it: a telemetry radio
 * delivers in well under a second, so the stamp is within a second of the position's true time.
 */
const GATEWAY_TIMESTAMP_ACCURACY_S = 1;
/** F3411's "unknown" values and its limits of what can be said. */
const SPEED_UNKNOWN = 255;
const SPEED_MAX = 254.25;
const VERTICAL_SPEED_UNKNOWN = 63;
const VERTICAL_SPEED_MAX = 62;
const TRACK_UNKNOWN = 361;
/** Below this ground speed a heading says nothing of where the drone goes. */
const HOVER_MPS = 0.5;

/** A telemetry sample as an F3411 aircraft state (the drone's relayed state, W84 altitude). */
export function trackState(s: RidSample): TrackState {
  const moving = s.groundSpeedMps !== null && s.groundSpeedMps >= HOVER_MPS;
  const state: RidAircraftState = {
    timestamp: { value: new Date(s.time).toISOString(), format: 'RFC3339' },
    timestamp_accuracy: GATEWAY_TIMESTAMP_ACCURACY_S,
    operational_status: s.armed ? 'Airborne' : 'Ground',
    position: {
      lat: s.lat,
      lng: s.lon,
      alt: s.altW84,
      // A GPS fix type says nothing of its accuracy in metres, and the samples carry no more.
      accuracy_h: 'HAUnknown',
      accuracy_v: 'VAUnknown',
      extrapolated: false,
      ...(s.altRelative !== null ? { height: { distance: s.altRelative, reference: 'TakeoffLocation' } } : {}),
    },
    track: moving && s.headingDeg !== null ? s.headingDeg % 360 : TRACK_UNKNOWN,
    speed: s.groundSpeedMps === null ? SPEED_UNKNOWN : Math.min(s.groundSpeedMps, SPEED_MAX),
    speed_accuracy: 'SAUnknown',
    vertical_speed:
      s.verticalSpeedMps === null
        ? VERTICAL_SPEED_UNKNOWN
        : Math.max(-VERTICAL_SPEED_MAX, Math.min(VERTICAL_SPEED_MAX, s.verticalSpeedMps)),
  };
  return { t: Date.parse(s.time), lat: s.lat, lng: s.lon, airborne: s.armed, state };
}

/**
 * What an authorised display provider learns of a drone: the identity its Remote ID broadcasts
 * (or, without one, the id it reports under), its operator's registration and its self-description.
 */
export function droneDetails(flightId: string, s: RidSample): RidFlightDetails {
  const rid = s.remoteId;
  return {
    id: flightId,
    uas_id: uasId(rid?.uasId ?? s.droneId),
    ...(rid?.operatorId ? { operator_id: rid.operatorId } : {}),
    ...(rid?.description ? { operation_description: rid.description } : {}),
  };
}

/**
 * An ANSI/CTA-2063-A serial number is a 4-character manufacturer code, one character giving the
 * length of the rest (1–9, A–F for 10–15), and the rest; anything else a drone broadcasts as its
 * id is taken for a registration (as Japan's JU… marks).
 */
function uasId(id: string): RidUASID {
  const m = /^[0-9A-HJ-NP-Z]{4}([1-9A-F])([0-9A-HJ-NP-Z]+)$/.exec(id);
  if (m && m[2]!.length === parseInt(m[1]!, 16)) return { serial_number: id };
  return { registration_id: id };
}
