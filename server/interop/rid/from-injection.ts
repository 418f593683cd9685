import type { RidInjectionAircraftState, RidInjectionFlightDetails } from '../../protocol/rid-injection.ts';
import type { RidFlightDetails, RidUAType, RidUASID } from '../../protocol/rid.ts';
import type { TrackState } from './present.ts';

/**
 * What an injected state must hold to be served, as InterUSS's test director and its mock service
 * provider agree: without any of these a networked UAS could not take part in network Remote ID.
 */
const MANDATORY = ['timestamp', 'timestamp_accuracy', 'track', 'speed', 'speed_accuracy', 'vertical_speed'] as const;
const MANDATORY_POSITION = ['lat', 'lng', 'alt'] as const;

/** An injected state as served, or the fields it lacks. */
export function injectedState(s: RidInjectionAircraftState): TrackState | string[] {
  const missing: string[] = MANDATORY.filter((f) => s[f] === undefined);
  if (!s.position) missing.push('position');
  else missing.push(...MANDATORY_POSITION.filter((f) => s.position![f] === undefined).map((f) => `position.${f}`));
  if (missing.length) return missing;
  const p = s.position!;
  const t = Date.parse(s.timestamp!);
  const height = p.height ?? s.height;
  return {
    t,
    lat: p.lat!,
    lng: p.lng!,
    // A test flight is a flight from its first state to its last, whatever status it declares.
    airborne: true,
    state: {
      timestamp: { value: new Date(t).toISOString(), format: 'RFC3339' },
      timestamp_accuracy: s.timestamp_accuracy!,
      ...(s.operational_status ? { operational_status: s.operational_status } : {}),
      position: {
        lat: p.lat!,
        lng: p.lng!,
        alt: p.alt!,
        ...(p.accuracy_h ? { accuracy_h: p.accuracy_h } : {}),
        ...(p.accuracy_v ? { accuracy_v: p.accuracy_v } : {}),
        ...(p.extrapolated !== undefined ? { extrapolated: p.extrapolated } : {}),
        ...(p.pressure_altitude !== undefined ? { pressure_altitude: p.pressure_altitude } : {}),
        ...(height ? { height } : {}),
      },
      track: s.track!,
      speed: s.speed!,
      speed_accuracy: s.speed_accuracy!,
      vertical_speed: s.vertical_speed!,
    },
  };
}

/** rid/v1 keeps F3411-19's `VTOL`; F3411-22a calls it `HybridLift`. */
export function injectedAircraftType(t: RidUAType | 'VTOL' | undefined): RidUAType {
  return t === undefined ? 'NotDeclared' : t === 'VTOL' ? 'HybridLift' : t;
}

/** rid/v1 details as F3411-22a's: the deprecated serial and registration fields go into `uas_id`. */
export function injectedDetails(d: RidInjectionFlightDetails): RidFlightDetails {
  const uasId: RidUASID = d.uas_id ?? {
    ...(d.serial_number ? { serial_number: d.serial_number } : {}),
    ...(d.registration_number ? { registration_id: d.registration_number } : {}),
  };
  return {
    id: d.id,
    ...(Object.keys(uasId).length ? { uas_id: uasId } : {}),
    ...(d.operator_id !== undefined ? { operator_id: d.operator_id } : {}),
    ...(d.operation_description !== undefined ? { operation_description: d.operation_description } : {}),
    ...(d.auth_data ? { auth_data: d.auth_data } : {}),
    ...(d.eu_classification ? { eu_classification: d.eu_classification } : {}),
    ...(d.operator_location
      ? {
          operator_location: {
            position: d.operator_location,
            ...(d.operator_altitude?.altitude !== undefined
              ? { altitude: { value: d.operator_altitude.altitude, reference: 'W84' as const, units: 'M' as const } }
              : {}),
            ...(d.operator_altitude?.altitude_type ? { altitude_type: d.operator_altitude.altitude_type } : {}),
          },
        }
      : {}),
  };
}
