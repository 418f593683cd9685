import type { FlightPlanRequest } from '../../server/protocol/index.ts';

type Point = { lat: number; lon: number; alt?: number };

export interface Scenario {
  /** What the city sees in the flight list. */
  purpose: string;
  droneId: string;
  sysid: number;
  /** Cruise speed, m/s: the plan's and the simulated copter's. */
  speedMps: number;
  priority: number;
  altitudeAglM: number;
  /** The first waypoint is the pad the drone takes off from. */
  waypoints: Point[];
}

/** A lawnmower pattern over a field: rows `lengthM` long running east, `spacingM` apart northwards. */
function survey(corner: Point, lengthM: number, rows: number, spacingM: number): Point[] {
  const dLat = spacingM / 111_195;
  const dLon = lengthM / (111_195 * Math.cos((corner.lat * Math.PI) / 180));
  const out: Point[] = [];
  for (let i = 0; i < rows; i++) {
    const lat = corner.lat + i * dLat;
    const ends = [corner.lon, corner.lon + dLon];
    if (i % 2) ends.reverse();
    for (const lon of ends) out.push({ lat, lon });
  }
  return out;
}

/**
 * Kaga's drone uses (data/kaga/PLACES.md): medicine from the Medical Center to an onsen district,
 * a farm survey by the drone test base, a bear patrol in the hills east of Yamashiro at
 * 80–140 m above the ground, and a survey of the Daishoji river downstream of Yamashiro.
 * Coordinates are approximate, as the places they come from.
 */
export const KAGA_SCENARIOS: Scenario[] = [
  {
    purpose: '医薬品配送 Medicine delivery: Kaga Medical Center → Yamashiro Onsen',
    droneId: 'JUKAGAMED001',
    sysid: 1,
    speedMps: 12,
    priority: 50,
    altitudeAglM: 60,
    waypoints: [
      { lat: 36.317, lon: 136.345 },
      { lat: 36.3075, lon: 136.3525 },
      { lat: 36.2975, lon: 136.361 },
    ],
  },
  {
    purpose: '農地調査 Farm survey by the former Midorigaoka school',
    droneId: 'JUKAGAFARM01',
    sysid: 2,
    speedMps: 8,
    priority: 0,
    altitudeAglM: 40,
    waypoints: survey({ lat: 36.306, lon: 136.286 }, 500, 5, 75),
  },
  {
    purpose: '獣害パトロール Bear patrol in the hills east of Yamashiro',
    droneId: 'JUKAGABEAR01',
    sysid: 3,
    speedMps: 10,
    priority: 10,
    altitudeAglM: 110,
    waypoints: [
      { lat: 36.2975, lon: 136.3715, alt: 80 },
      { lat: 36.295, lon: 136.3775, alt: 110 },
      { lat: 36.2895, lon: 136.379, alt: 140 },
      { lat: 36.285, lon: 136.3745, alt: 120 },
      { lat: 36.287, lon: 136.3705, alt: 100 },
      { lat: 36.2975, lon: 136.3715, alt: 80 },
    ],
  },
  {
    purpose: '災害調査 Disaster survey along the Daishoji river',
    droneId: 'JUKAGARIVER1',
    sysid: 4,
    speedMps: 12,
    priority: 80,
    altitudeAglM: 50,
    waypoints: [
      { lat: 36.296, lon: 136.342 },
      { lat: 36.301, lon: 136.328 },
      { lat: 36.306, lon: 136.315 },
      { lat: 36.311, lon: 136.298 },
      { lat: 36.315, lon: 136.284 },
      { lat: 36.32, lon: 136.27 },
    ],
  },
];

/** The scenario's flight plan, departing at `departure`. */
export function planRequest(s: Scenario, departure: Date, authorizations: string[] = []): FlightPlanRequest {
  return {
    droneId: s.droneId,
    priority: s.priority,
    purpose: s.purpose,
    authorizations,
    route: {
      waypoints: s.waypoints,
      altitude: { value: s.altitudeAglM, reference: 'AGL' },
      speedMps: s.speedMps,
      departure: departure.toISOString(),
      takeoffAndLanding: true,
    },
  };
}
