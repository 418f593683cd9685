import type { Datum } from '../../../server/airspace/altitude.ts';
import { ReservationIndex } from '../../../server/airspace/index.ts';
import { compilePlan, type CompiledPlan } from '../../../server/airspace/plan.ts';
import type { RouteSpec } from '../../../server/airspace/route.ts';
import type { AirspaceParams } from '../../../server/airspace/types.ts';

/** Flat ground 10 m above sea level, the geoid 37 m above the ellipsoid (about Kaga's). */
export const DATUM: Datum = { geoidUndulation: () => 37, terrainElevation: () => 10 };

export const PARAMS: AirspaceParams = {
  h3Resolution: 11,
  bandHeightM: 16,
  lateralBufferM: 25,
  verticalBufferM: 8,
  timeBeforeS: 30,
  timeAfterS: 60,
  climbRateMps: 3,
};

export const T0 = Date.parse('2026-12-01T09:00:00Z');
export const MIN = 60_000;

export function route(
  waypoints: Array<{ lat: number; lon: number; alt?: number }>,
  options: Partial<Omit<RouteSpec, 'waypoints'>> & { altitude?: RouteSpec['altitude'] } = {},
): CompiledPlan {
  return compilePlan(
    {
      route: {
        waypoints,
        altitude: options.altitude ?? { value: 60, reference: 'AGL' },
        speedMps: options.speedMps ?? 12,
        departure: options.departure ?? T0,
        ...(options.takeoffAndLanding === undefined ? {} : { takeoffAndLanding: options.takeoffAndLanding }),
      },
    },
    DATUM,
    PARAMS,
  );
}

export function indexWith(...plans: Array<[string, CompiledPlan, number?]>): ReservationIndex {
  const index = new ReservationIndex();
  for (const [id, plan, priority] of plans) index.putPlan({ id, version: 1, priority: priority ?? 0, keys: plan.keys });
  return index;
}
