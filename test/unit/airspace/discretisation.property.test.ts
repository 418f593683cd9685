import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceM } from '../../../server/airspace/geo.ts';
import { positionAt } from '../../../server/airspace/route.ts';
import { DATUM, indexWith, PARAMS, route, T0 } from './fixtures.ts';

/** The separation minimum the buffers promise: twice each buffer. */
const H = 2 * PARAMS.lateralBufferM;
const V = 2 * PARAMS.verticalBufferM;
const AREA = { lat: 36.31, lon: 136.35, spanDeg: 0.012 }; // about 1.3 km × 1.1 km

const waypoint = fc.record({
  lat: fc.double({ min: AREA.lat, max: AREA.lat + AREA.spanDeg, noNaN: true }),
  lon: fc.double({ min: AREA.lon, max: AREA.lon + AREA.spanDeg, noNaN: true }),
  alt: fc.option(fc.double({ min: 20, max: 90, noNaN: true }), { nil: undefined }),
});

interface PlanSpec {
  waypoints: Array<{ lat: number; lon: number; alt: number | undefined }>;
  altitude: number;
  speedMps: number;
  offsetS: number;
  takeoffAndLanding: boolean;
}

const plan: fc.Arbitrary<PlanSpec> = fc.record({
  waypoints: fc.array(waypoint, { minLength: 2, maxLength: 4 }),
  altitude: fc.double({ min: 20, max: 90, noNaN: true }),
  speedMps: fc.double({ min: 4, max: 20, noNaN: true }),
  offsetS: fc.integer({ min: -240, max: 240 }),
  takeoffAndLanding: fc.boolean(),
});

/**
 * A second plan near the first: waypoints moved up to ~90 m, altitude up to ±24 m, departure
 * up to ±90 s, so that many pairs pass close to each other, around the separation minimum.
 */
const nearby = (p: PlanSpec): fc.Arbitrary<PlanSpec> =>
  fc.record({
    waypoints: fc.tuple(
      ...p.waypoints.map((w) =>
        fc.record({
          lat: fc.double({ min: w.lat - 0.0008, max: w.lat + 0.0008, noNaN: true }),
          lon: fc.double({ min: w.lon - 0.001, max: w.lon + 0.001, noNaN: true }),
          alt: fc.constant(w.alt),
        }),
      ),
    ),
    altitude: fc.double({ min: p.altitude - 24, max: p.altitude + 24, noNaN: true }),
    speedMps: fc.double({ min: 4, max: 20, noNaN: true }),
    offsetS: fc.integer({ min: p.offsetS - 90, max: p.offsetS + 90 }),
    takeoffAndLanding: fc.boolean(),
  });

const pair: fc.Arbitrary<[PlanSpec, PlanSpec]> = fc.oneof(
  { arbitrary: fc.tuple(plan, plan), weight: 1 },
  { arbitrary: plan.chain((p) => fc.tuple(fc.constant(p), nearby(p))), weight: 4 },
);

function compiled(p: {
  waypoints: Array<{ lat: number; lon: number; alt: number | undefined }>;
  altitude: number;
  speedMps: number;
  offsetS: number;
  takeoffAndLanding: boolean;
}) {
  return route(
    p.waypoints.map((w) => (w.alt === undefined ? { lat: w.lat, lon: w.lon } : w)),
    {
      altitude: { value: p.altitude, reference: 'AGL' },
      speedMps: p.speedMps,
      departure: T0 + p.offsetS * 1000,
      takeoffAndLanding: p.takeoffAndLanding,
    },
  );
}

/** The closest the two expected positions come at the same moment, sampled every second. */
function closeApproach(a: ReturnType<typeof compiled>, b: ReturnType<typeof compiled>): boolean {
  const pa = a.path!;
  const pb = b.path!;
  const from = Math.max(pa[0]!.t, pb[0]!.t);
  const to = Math.min(pa[pa.length - 1]!.t, pb[pb.length - 1]!.t);
  for (let t = Math.ceil(from / 1000) * 1000; t <= to; t += 1000) {
    const x = positionAt(pa, t);
    const y = positionAt(pb, t);
    if (distanceM(x, y) < H && Math.abs(x.altW84 - y.altW84) < V) return true;
  }
  return false;
}

describe('discretisation safety', () => {
  it('whenever two flights come closer than the separation minimum, their sky roads conflict', () => {
    let close = 0;
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const a = compiled(p);
        const b = compiled(q);
        if (!closeApproach(a, b)) return true;
        close++;
        return indexWith(['a', a]).conflicts(b.keys).length > 0;
      }),
      { numRuns: 1000 },
    );
    // The property is only worth something if many pairs actually came close.
    expect(close).toBeGreaterThan(100);
  });

  it('holds in random order of insertion too (the relation is symmetric)', () => {
    fc.assert(
      fc.property(plan, plan, (p, q) => {
        const a = compiled(p);
        const b = compiled(q);
        const ab = indexWith(['a', a]).conflicts(b.keys).length > 0;
        const ba = indexWith(['b', b]).conflicts(a.keys).length > 0;
        return ab === ba;
      }),
      { numRuns: 200 },
    );
  });

  it('uses the datum it is given (sanity: the fixture is not the identity)', () => {
    expect(DATUM.geoidUndulation(0, 0)).toBe(37);
  });
});
