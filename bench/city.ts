import type { FlightPlanRequest } from '../server/protocol/index.ts';

/** A 12 km × 12 km square over Kaga's centre, where the benchmarks' flights fly. */
export const CITY = { lat: 36.3, lon: 136.34, sizeM: 12_000 };
const M_PER_DEG_LAT = 111_195;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((CITY.lat * Math.PI) / 180);

/**
 * A straight route of `lengthM` inside a square of `sizeM` at the city's centre, at 40–120 m AGL,
 * 12 m/s, departing at a random second of [from, from + spanMs).
 */
export function randomRoute(
  rand: () => number,
  from: number,
  spanMs: number,
  lengthM = 5_000,
  sizeM = CITY.sizeM,
): FlightPlanRequest {
  const half = sizeM / 2;
  for (;;) {
    const x0 = (rand() * 2 - 1) * half;
    const y0 = (rand() * 2 - 1) * half;
    const heading = rand() * 2 * Math.PI;
    const x1 = x0 + Math.cos(heading) * lengthM;
    const y1 = y0 + Math.sin(heading) * lengthM;
    if (Math.abs(x1) > half || Math.abs(y1) > half) continue;
    const at = (x: number, y: number) => ({ lat: CITY.lat + y / M_PER_DEG_LAT, lon: CITY.lon + x / M_PER_DEG_LON });
    return {
      droneId: `JU${Math.floor(rand() * 1e12)
        .toString()
        .padStart(12, '0')}`,
      priority: 0,
      authorizations: [],
      route: {
        waypoints: [at(x0, y0), at(x1, y1)],
        altitude: { value: 40 + Math.floor(rand() * 6) * 16, reference: 'AGL' },
        speedMps: 12,
        departure: new Date(Math.floor((from + rand() * spanMs) / 1000) * 1000).toISOString(),
        takeoffAndLanding: true,
      },
    };
  }
}
