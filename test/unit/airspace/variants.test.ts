import { describe, expect, it } from 'vitest';
import { timeRoute } from '../../../server/airspace/route.ts';
import { skyRoadLegs } from '../../../server/airspace/skyroad.ts';
import { raisedKeys } from '../../../server/airspace/variants.ts';
import type { SkyKey } from '../../../server/airspace/types.ts';
import { KAGA } from '../../support/plans.ts';
import { DATUM, PARAMS, T0 } from './fixtures.ts';

const covers = (outer: SkyKey, inner: SkyKey) =>
  outer.cell === inner.cell &&
  outer.bandLo <= inner.bandLo &&
  outer.bandHi >= inner.bandHi &&
  outer.t0 <= inner.t0 &&
  outer.t1 >= inner.t1;

describe('the same flight at another altitude, derived', () => {
  const waypoints = [KAGA.medicalCenter, KAGA.station, KAGA.katayamazu];
  for (const takeoffAndLanding of [true, false]) {
    for (const deltaM of [16, -16, 32, 48]) {
      it(`covers the recomputed sky road (${deltaM > 0 ? '+' : ''}${deltaM} m, take-off ${takeoffAndLanding})`, () => {
        const spec = (value: number) => ({
          waypoints,
          altitude: { value, reference: 'AGL' as const },
          speedMps: 11,
          departure: T0,
          takeoffAndLanding,
        });
        const path = timeRoute(spec(70), DATUM, PARAMS.climbRateMps);
        const derived = raisedKeys(path, skyRoadLegs(path, PARAMS), deltaM, PARAMS, takeoffAndLanding);
        const recomputed = skyRoadLegs(timeRoute(spec(70 + deltaM), DATUM, PARAMS.climbRateMps), PARAMS).flat();
        expect(recomputed.length).toBeGreaterThan(100);
        for (const k of recomputed) expect(derived.keys.some((d) => covers(d, k))).toBe(true);
      });
    }
  }
});
