import fc from 'fast-check';
import { getHexagonEdgeLengthAvg, UNITS } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { DroneGrid, type GridFix, type ProximityParams } from '../../../server/telemetry/proximity.ts';

const PARAMS: ProximityParams = { horizontalM: 50, verticalM: 20, releaseFactor: 1.25, maxAgeMs: 5000 };
const HERE = { lat: 36.317, lon: 136.345 };
const M_LAT = 1 / 111_195;
const M_LON = M_LAT / Math.cos((HERE.lat * Math.PI) / 180);
const T = 1_800_000_000_000;

const at = (droneId: string, north: number, east: number, altW84 = 100, t = T): GridFix => ({
  droneId,
  lat: HERE.lat + north * M_LAT,
  lon: HERE.lon + east * M_LON,
  altW84,
  t,
});

/** Every pair, compared directly: what the grid must agree with. */
function bruteForce(all: GridFix[], me: GridFix, already: ReadonlySet<string>): string[] {
  return all
    .filter((o) => o.droneId !== me.droneId && Math.abs(o.t - me.t) <= PARAMS.maxAgeMs)
    .filter((o) => {
      const h = Math.hypot((o.lat - me.lat) / M_LAT, (o.lon - me.lon) / M_LON);
      const f = already.has(o.droneId) ? PARAMS.releaseFactor : 1;
      return h < PARAMS.horizontalM * f && Math.abs(o.altW84 - me.altW84) < PARAMS.verticalM * f;
    })
    .map((o) => o.droneId)
    .sort();
}

describe('the grid of airborne drones', () => {
  it('uses cells whose edges are longer than the widest distance it is asked about', () => {
    const grid = new DroneGrid(62.5, 11);
    expect(grid.resolution).toBe(9);
    expect(getHexagonEdgeLengthAvg(grid.resolution, UNITS.m) * 0.65).toBeGreaterThan(62.5);
    expect(new DroneGrid(10, 11).resolution).toBe(11);
    expect(new DroneGrid(20, 11).resolution).toBe(10);
  });

  it('finds a drone 49 m away within 19 m vertically, not one 51 m away or 21 m above', () => {
    const grid = new DroneGrid(62.5, 11);
    grid.put(at('near', 49, 0, 119));
    grid.put(at('wide', 0, 51));
    grid.put(at('above', 0, -10, 121));
    const found = grid.near(at('me', 0, 0), new Set(), PARAMS);
    expect(found.map((n) => n.droneId)).toEqual(['near']);
    expect(found[0]!.horizontalM).toBeCloseTo(49, 0);
    expect(found[0]!.verticalM).toBeCloseTo(19, 6);
  });

  it('keeps a pair close until it is 1.25 times the thresholds apart', () => {
    const grid = new DroneGrid(62.5, 11);
    grid.put(at('other', 60, 0));
    expect(grid.near(at('me', 0, 0), new Set(), PARAMS)).toEqual([]);
    expect(grid.near(at('me', 0, 0), new Set(['other']), PARAMS).map((n) => n.droneId)).toEqual(['other']);
    grid.put(at('other', 63, 0));
    expect(grid.near(at('me', 0, 0), new Set(['other']), PARAMS)).toEqual([]);
  });

  it('leaves out the drone itself, positions older than the lost-link time, and drones removed', () => {
    const grid = new DroneGrid(62.5, 11);
    grid.put(at('me', 0, 0));
    grid.put(at('old', 10, 0, 100, T - 6000));
    grid.put(at('gone', 10, 0));
    grid.remove('gone');
    expect(grid.near(at('me', 0, 0), new Set(), PARAMS)).toEqual([]);
    expect(grid.size).toBe(2);
  });

  it('follows a drone from cell to cell', () => {
    const grid = new DroneGrid(62.5, 11);
    grid.put(at('mover', 0, 0));
    grid.put(at('mover', 3000, 0));
    expect(grid.near(at('me', 0, 0), new Set(), PARAMS)).toEqual([]);
    expect(grid.near(at('me', 3010, 0), new Set(), PARAMS).map((n) => n.droneId)).toEqual(['mover']);
  });

  it('agrees with comparing every pair, wherever drones are (across cell edges too)', () => {
    const drone = fc.record({
      north: fc.double({ min: -400, max: 400, noNaN: true }),
      east: fc.double({ min: -400, max: 400, noNaN: true }),
      alt: fc.double({ min: 60, max: 140, noNaN: true }),
      age: fc.integer({ min: 0, max: 7000 }),
      already: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(drone, { minLength: 2, maxLength: 40 }), (drones) => {
        const grid = new DroneGrid(62.5, 11);
        const fixes = drones.map((d, i) => at(`d${i}`, d.north, d.east, d.alt, T - d.age));
        for (const f of fixes) grid.put(f);
        const already = new Set(drones.flatMap((d, i) => (d.already ? [`d${i}`] : [])));
        for (const me of fixes.slice(0, 5)) {
          const found = grid
            .near({ ...me, t: T }, already, PARAMS)
            .map((n) => n.droneId)
            .sort();
          expect(found).toEqual(bruteForce(fixes, { ...me, t: T }, already));
        }
      }),
      { numRuns: 300 },
    );
  });
});
