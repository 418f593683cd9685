import { booleanPointInPolygon, point, polygon } from '@turf/turf';
import fc from 'fast-check';
import { cellToLatLng } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { SkyKey } from '../../../server/airspace/types.ts';
import { volumesOfKeys, type KeyVolume, type VolumeBounds } from '../../../server/airspace/volumes-of-keys.ts';
import { KAGA } from '../../support/plans.ts';
import { route, T0 } from './fixtures.ts';

const BOUNDS: VolumeBounds = { maxVolumes: 100, maxVertices: 10_000 };

const contains = (v: KeyVolume, cell: string) => {
  const [lat, lon] = cellToLatLng(cell);
  const ring = v.outline.map((p) => [p.lon, p.lat]);
  return booleanPointInPolygon(point([lon, lat]), polygon([[...ring, ring[0]!]]));
};

/** The keys whose cell, bands and whole interval no set of volumes covers. */
function uncovered(keys: readonly SkyKey[], volumes: readonly KeyVolume[]): SkyKey[] {
  return keys.filter((k) => {
    const spans = volumes
      .filter((v) => v.bandLo <= k.bandLo && v.bandHi >= k.bandHi && v.t1 > k.t0 && v.t0 < k.t1 && contains(v, k.cell))
      .map((v) => [v.t0, v.t1] as const)
      .sort((a, b) => a[0] - b[0]);
    let reached = k.t0;
    for (const [t0, t1] of spans) {
      if (t0 > reached) break;
      reached = Math.max(reached, t1);
    }
    return reached < k.t1;
  });
}

const AREA = { lat: 36.3, lon: 136.33, spanDeg: 0.03 };
const waypoint = fc.record({
  lat: fc.double({ min: AREA.lat, max: AREA.lat + AREA.spanDeg, noNaN: true }),
  lon: fc.double({ min: AREA.lon, max: AREA.lon + AREA.spanDeg, noNaN: true }),
  alt: fc.option(fc.double({ min: 20, max: 140, noNaN: true }), { nil: undefined }),
});
const plan = fc.record({
  waypoints: fc.array(waypoint, { minLength: 2, maxLength: 5 }),
  altitude: fc.double({ min: 20, max: 140, noNaN: true }),
  speedMps: fc.double({ min: 3, max: 25, noNaN: true }),
  takeoffAndLanding: fc.boolean(),
});
type Spec = typeof plan extends fc.Arbitrary<infer T> ? T : never;
const compiled = (p: Spec) =>
  route(
    p.waypoints.map((w) => (w.alt === undefined ? { lat: w.lat, lon: w.lon } : w)),
    { altitude: { value: p.altitude, reference: 'AGL' }, speedMps: p.speedMps, takeoffAndLanding: p.takeoffAndLanding },
  );

describe('volumes of a sky road (what an F3548 peer is told a plan holds)', () => {
  it('covers every key of any route: its cell, its bands and its whole time', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const keys = compiled(p).keys;
        const volumes = volumesOfKeys(keys, BOUNDS);
        expect(volumes.length).toBeLessThanOrEqual(BOUNDS.maxVolumes);
        expect(uncovered(keys, volumes)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('still covers every key when tight bounds force it coarser', () => {
    fc.assert(
      fc.property(
        plan,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 6, max: 600 }),
        (p, maxVolumes, maxVertices) => {
          const keys = compiled(p).keys;
          const volumes = volumesOfKeys(keys, { maxVolumes, maxVertices });
          expect(uncovered(keys, volumes)).toEqual([]);
          // Only the last resort, one hull, may exceed a bound it cannot meet.
          if (volumes.length > 1) {
            expect(volumes.length).toBeLessThanOrEqual(maxVolumes);
            expect(volumes.reduce((n, v) => n + v.outline.length, 0)).toBeLessThanOrEqual(maxVertices);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('says a straight 3 km flight in a handful of volumes, each cell held little longer than its key', () => {
    const { keys } = route([KAGA.medicalCenter, KAGA.yamashiro]);
    const volumes = volumesOfKeys(keys, BOUNDS);
    expect(uncovered(keys, volumes)).toEqual([]);
    expect(volumes.length).toBeLessThanOrEqual(12);
    // No volume spans the whole flight: a window is about as long as one cell's passage.
    const flight = Math.max(...keys.map((k) => k.t1)) - Math.min(...keys.map((k) => k.t0));
    for (const v of volumes) expect(v.t1 - v.t0).toBeLessThan(flight / 2);
    expect(Math.min(...volumes.map((v) => v.t0))).toBe(Math.min(...keys.map((k) => k.t0)));
    expect(Math.max(...volumes.map((v) => v.t1))).toBe(Math.max(...keys.map((k) => k.t1)));
    expect(T0).toBeLessThan(Math.max(...volumes.map((v) => v.t1)));
  });

  it('says nothing for no keys', () => {
    expect(volumesOfKeys([], BOUNDS)).toEqual([]);
  });
});
