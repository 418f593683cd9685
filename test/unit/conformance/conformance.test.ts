import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { ZoneHold } from '../../../server/airspace/index.ts';
import type { SkyKey } from '../../../server/airspace/types.ts';
import {
  assess,
  checkRoad,
  describeExit,
  exitReason,
  isAirborne,
  locate,
  matchPlan,
  skyRoad,
  zoneBreaches,
  type AssessInput,
  type ConformanceParams,
  type Fix,
} from '../../../server/telemetry/conformance.ts';
import { DroneGrid } from '../../../server/telemetry/proximity.ts';

const PARAMS: ConformanceParams = {
  h3Resolution: 11,
  bandHeightM: 16,
  airborneHeightM: 2,
  airborneSpeedMps: 2,
  proximity: { horizontalM: 50, verticalM: 20, releaseFactor: 1.25, maxAgeMs: 5000 },
  battery: { lowPercent: 30, reservePercent: 10, enduranceS: 1000, fallbackSpeedMps: 5 },
};

const HERE = { lat: 36.317, lon: 136.345 };
const CELL = latLngToCell(HERE.lat, HERE.lon, 11);
const T = Date.parse('2026-05-01T10:00:00Z');
/** Metres to degrees at Kaga, for hand-made offsets. */
const M_LAT = 1 / 111_195;
const M_LON = M_LAT / Math.cos((HERE.lat * Math.PI) / 180);

function fix(extra: Partial<Fix> = {}): Fix {
  return {
    droneId: 'JU1',
    ...HERE,
    altW84: 100, // band 6: 96–112 m
    t: T,
    armed: true,
    heightM: 50,
    groundSpeedMps: 10,
    batteryPercent: 80,
    ...extra,
  };
}

/** A road of one cell, bands 5–7 (80–128 m), for one minute from T − 30 s. */
const KEYS: SkyKey[] = [{ cell: CELL, bandLo: 5, bandHi: 7, t0: T - 30_000, t1: T + 30_000 }];

describe('airborne', () => {
  it('is armed and clear of the ground, or armed and moving', () => {
    expect(isAirborne(fix(), PARAMS)).toBe(true);
    expect(isAirborne(fix({ armed: false }), PARAMS)).toBe(false);
    expect(isAirborne(fix({ heightM: 1, groundSpeedMps: 0 }), PARAMS)).toBe(false);
    expect(isAirborne(fix({ heightM: 1, groundSpeedMps: 5 }), PARAMS)).toBe(true);
    expect(isAirborne(fix({ heightM: 3, groundSpeedMps: 0 }), PARAMS)).toBe(true);
    // No height at all (no home, no ground model): an armed drone is taken as flying.
    expect(isAirborne(fix({ heightM: null, groundSpeedMps: null }), PARAMS)).toBe(true);
  });
});

describe('a sample against its sky road', () => {
  const road = skyRoad(KEYS);
  const at = (f: Fix) => {
    const { cell, band } = locate(f, PARAMS);
    return checkRoad(road, cell, band, f.t);
  };

  it('is inside when its cell, band and time are reserved', () => {
    expect(locate(fix(), PARAMS)).toEqual({ cell: CELL, band: 6 });
    expect(at(fix())).toEqual({ inside: true });
    expect(at(fix({ altW84: 80 }))).toEqual({ inside: true });
    expect(at(fix({ altW84: 127.9, t: T + 29_999 }))).toEqual({ inside: true });
  });

  it('is out laterally 150 m sideways, where no cell is reserved', () => {
    const check = at(fix({ lon: HERE.lon + 150 * M_LON }));
    expect(check).toEqual({ inside: false, reason: 'cell' });
    expect(describeExit(check, fix({ lon: HERE.lon + 150 * M_LON }), 16)).toMatch(
      /^left its sky road laterally at 36\.317000/,
    );
  });

  it('is out vertically above or below its bands, and says where the road is', () => {
    const high = at(fix({ altW84: 128 }));
    expect(high).toEqual({ inside: false, reason: 'band', floorM: 5, ceilingM: 7 });
    expect(describeExit(high, fix({ altW84: 128 }), 16)).toContain('reserved here from 80 to 128 m W84');
    expect(at(fix({ altW84: 79.9 }))).toMatchObject({ inside: false, reason: 'band' });
  });

  it('gives the plan a short reason (plans leaving alike move together), the alert the details', () => {
    expect(exitReason(at(fix({ lon: HERE.lon + 150 * M_LON })))).toBe('left its sky road laterally');
    expect(exitReason(at(fix({ altW84: 128 })))).toBe('left its sky road vertically');
    expect(exitReason(at(fix({ t: T - 40_000 })))).toBe('too early for its sky road');
    expect(exitReason(at(fix({ t: T + 45_000 })))).toBe('too late for its sky road');
  });

  it('is out in time when early or late, by how much', () => {
    const early = at(fix({ t: T - 40_000 }));
    expect(early).toEqual({ inside: false, reason: 'early', from: T - 30_000, to: T + 30_000 });
    expect(describeExit(early, fix({ t: T - 40_000 }), 16)).toMatch(/^is 10 s too early/);
    const late = at(fix({ t: T + 45_000 }));
    expect(late).toMatchObject({ inside: false, reason: 'late' });
    expect(describeExit(late, fix({ t: T + 45_000 }), 16)).toMatch(/^is 15 s too late/);
  });
});

describe('matching a sample to a plan', () => {
  const inside = skyRoad(KEYS);
  const elsewhere = skyRoad([{ ...KEYS[0]!, cell: gridDisk(CELL, 3).at(-1)! }]);
  const { cell, band } = locate(fix(), PARAMS);

  it('takes the flying plan it is inside, before any other', () => {
    const plans = [
      { id: 'a', state: 'Activated' as const, road: elsewhere },
      { id: 'b', state: 'Nonconforming' as const, road: inside },
    ];
    expect(matchPlan(plans, cell, band, T)).toMatchObject({
      plan: { id: 'b' },
      activate: false,
      check: { inside: true },
    });
  });

  it('keeps a flying plan it has left (that is what makes it nonconforming)', () => {
    const plans = [
      { id: 'a', state: 'Activated' as const, road: elsewhere },
      { id: 'b', state: 'Accepted' as const, road: inside },
    ];
    expect(matchPlan(plans, cell, band, T)).toMatchObject({
      plan: { id: 'a' },
      activate: false,
      check: { inside: false },
    });
  });

  it('activates an accepted plan only when the take-off is inside its sky road then', () => {
    const accepted = [{ id: 'c', state: 'Accepted' as const, road: inside }];
    expect(matchPlan(accepted, cell, band, T)).toMatchObject({ plan: { id: 'c' }, activate: true });
    expect(matchPlan(accepted, cell, band, T - 60_000)).toBeNull();
    expect(matchPlan([], cell, band, T)).toBeNull();
  });
});

function zone(kind: ZoneHold['kind'], extra: Partial<ZoneHold> = {}): ZoneHold {
  return {
    zoneId: `z-${kind}`,
    name: kind,
    kind,
    bandLo: 0,
    bandHi: 20,
    windows: [{ from: null, to: null }],
    ...extra,
  };
}

describe('zones', () => {
  it('breached: prohibited always, restricted without its permission, advisory never', () => {
    const holds = [zone('prohibited'), zone('restricted'), zone('advisory')];
    expect(zoneBreaches(holds, 6, T, new Set()).map((z) => z.kind)).toEqual(['prohibited', 'restricted']);
    expect(zoneBreaches(holds, 6, T, new Set(['z-restricted'])).map((z) => z.kind)).toEqual(['prohibited']);
  });

  it('only at its altitudes and while it applies (a temporary zone before and after its window)', () => {
    const temporary = zone('prohibited', { bandLo: 0, bandHi: 5, windows: [{ from: T, to: T + 3_600_000 }] });
    expect(zoneBreaches([temporary], 5, T, new Set())).toHaveLength(1);
    expect(zoneBreaches([temporary], 6, T, new Set())).toHaveLength(0);
    expect(zoneBreaches([temporary], 5, T - 1, new Set())).toHaveLength(0);
    expect(zoneBreaches([temporary], 5, T + 3_600_000, new Set())).toHaveLength(0);
  });

  it('one breach per zone however many of its holds cover the cell', () => {
    expect(zoneBreaches([zone('prohibited'), zone('prohibited', { bandLo: 5 })], 6, T, new Set())).toHaveLength(1);
  });
});

describe('every condition of one sample', () => {
  const base = (f: Fix, extra: Partial<AssessInput> = {}): AssessInput => ({
    fix: f,
    ...locate(f, PARAMS),
    plan: {
      id: 'p',
      authorizations: new Set(),
      route: [HERE, { lat: HERE.lat + 1000 * M_LAT, lon: HERE.lon }],
      speedMps: 10,
    },
    zonesAt: () => [],
    grid: new DroneGrid(62.5, 11),
    closeTo: new Set(),
    home: HERE,
    drainPercentPerS: null,
    params: PARAMS,
    ...extra,
  });

  it('finds nothing wrong with a drone on its plan, nothing at all on the ground', () => {
    expect(assess(base(fix())).conditions).toEqual([]);
    const grounded = assess(base(fix({ armed: false }), { plan: null, zonesAt: () => [zone('prohibited')] }));
    expect(grounded).toEqual({ airborne: false, conditions: [] });
  });

  it('names the zone it is in, looked up at its own cell', () => {
    const seen: string[] = [];
    const { conditions } = assess(
      base(fix(), {
        zonesAt: (c) => {
          seen.push(c);
          return [zone('prohibited', { zoneId: 'fire', name: 'fire at the river' })];
        },
      }),
    );
    expect(seen).toEqual([CELL]);
    expect(conditions).toEqual([
      {
        kind: 'geofence_breach',
        subjectId: 'fire',
        message: 'JU1 is inside the prohibited zone "fire at the river" at 100 m W84',
      },
    ]);
  });

  it('a flight without a plan is unplanned', () => {
    expect(assess(base(fix(), { plan: null })).conditions.map((c) => c.kind)).toEqual(['unplanned_flight']);
  });

  it('another airborne drone 30 m away and 10 m higher is too close; 30 m higher is not', () => {
    const grid = new DroneGrid(62.5, 11);
    grid.put({ droneId: 'JU2', lat: HERE.lat + 30 * M_LAT, lon: HERE.lon, altW84: 110, t: T - 200 });
    grid.put({ droneId: 'JU3', lat: HERE.lat, lon: HERE.lon + 30 * M_LON, altW84: 130, t: T - 200 });
    const { conditions } = assess(base(fix(), { grid }));
    expect(conditions).toHaveLength(1);
    expect(conditions[0]).toMatchObject({ kind: 'proximity', subjectId: 'JU2' });
    expect(conditions[0]!.message).toBe('JU1 is 30 m from JU2 horizontally and 10 m vertically');
  });

  it('low battery only when the charge is low and cannot fly what remains of the route', () => {
    // 1,000 m of route left at 10 m/s; 1,000 s endurance: 0.1 %/s. At 25 %: (25 − 10) / 0.1 × 10 = 1,500 m: enough.
    expect(assess(base(fix({ batteryPercent: 25 }))).conditions).toEqual([]);
    // At 19 %: 900 m, short of 1,000 m.
    const { conditions } = assess(base(fix({ batteryPercent: 19 })));
    expect(conditions).toEqual([
      {
        kind: 'low_battery',
        subjectId: null,
        message: 'JU1 has 19 % battery, enough for about 0.9 km; 1.0 km of its route remain',
      },
    ]);
    // A measured drain of 0.05 %/s doubles what it can fly.
    expect(assess(base(fix({ batteryPercent: 19 }), { drainPercentPerS: 0.05 })).conditions).toEqual([]);
  });

  it('low battery without a plan weighs the way back to the take-off point', () => {
    const far = fix({ lat: HERE.lat + 2000 * M_LAT, batteryPercent: 20, groundSpeedMps: 0 });
    const { conditions } = assess(base(far, { plan: null, home: HERE }));
    expect(conditions.map((c) => c.kind)).toEqual(['unplanned_flight', 'low_battery']);
    expect(conditions[1]!.message).toContain('2.0 km to its take-off point');
  });
});
