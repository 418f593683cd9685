import type { FlightPlanRequestInput } from '../../server/protocol/index.ts';

/** Places in Kaga used across tests (PLACES.md). */
export const KAGA = {
  medicalCenter: { lat: 36.317, lon: 136.345 },
  yamashiro: { lat: 36.29139, lon: 136.36222 },
  katayamazu: { lat: 36.34528, lon: 136.36778 },
  cityHall: { lat: 36.30278, lon: 136.31503 },
  station: { lat: 36.32033, lon: 136.35049 },
};

/** A whole number of hours from now, on a minute boundary, as RFC 3339. */
export function inHours(hours: number, now = Date.now()): string {
  return new Date(Math.ceil((now + hours * 3_600_000) / 60_000) * 60_000).toISOString();
}

let drones = 0;

/** A drone id no other plan of this test process names: one drone flies one plan at a time. */
export function freshDroneId(): string {
  return `JUTS${String(++drones).padStart(8, '0')}`;
}

/** A route plan; for a drone of its own unless `droneId` is given. */
export function routePlan(
  waypoints: Array<{ lat: number; lon: number; alt?: number }>,
  options: {
    departure: string;
    altitude?: number;
    reference?: 'W84' | 'AMSL' | 'AGL';
    speedMps?: number;
    priority?: number;
    droneId?: string;
    authorizations?: string[];
  },
): FlightPlanRequestInput {
  return {
    droneId: options.droneId ?? freshDroneId(),
    priority: options.priority ?? 0,
    ...(options.authorizations ? { authorizations: options.authorizations } : {}),
    route: {
      waypoints,
      altitude: { value: options.altitude ?? 60, reference: options.reference ?? 'AGL' },
      speedMps: options.speedMps ?? 12,
      departure: options.departure,
    },
  };
}

/** A square zone around a point, `halfM` metres from centre to side. */
export function squareZone(
  center: { lat: number; lon: number },
  halfM: number,
  properties: {
    name: string;
    kind?: 'prohibited' | 'restricted' | 'advisory';
    lower?: number;
    upper?: number;
    validFrom?: string;
    validTo?: string;
  },
) {
  const dLat = halfM / 111_195;
  const dLon = dLat / Math.cos((center.lat * Math.PI) / 180);
  const ring = [
    [center.lon - dLon, center.lat - dLat],
    [center.lon + dLon, center.lat - dLat],
    [center.lon + dLon, center.lat + dLat],
    [center.lon - dLon, center.lat + dLat],
    [center.lon - dLon, center.lat - dLat],
  ];
  return {
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [ring] },
    properties: {
      name: properties.name,
      kind: properties.kind ?? 'prohibited',
      lower: { value: properties.lower ?? 0, reference: 'AGL' },
      upper: { value: properties.upper ?? 150, reference: 'AGL' },
      ...(properties.validFrom ? { validFrom: properties.validFrom } : {}),
      ...(properties.validTo ? { validTo: properties.validTo } : {}),
    },
  };
}
