import { intersect, polygon as turfPolygon, area as turfArea } from '@turf/turf';
import fc from 'fast-check';
import { cellToBoundary, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../../server/airspace/plan.ts';
import { boxesOfVoxels, outlines, type HeldVoxel } from '../../../server/airspace/spatial-boxes.ts';
import { SpatialIdLimitExceeded, voxelsOfKeys, voxelsOfZone } from '../../../server/airspace/spatial-cover.ts';
import {
  parseSpatialId,
  slotsOf,
  spatialIdOf,
  formatSpatialId,
  tileBounds,
  voxelHeightM,
  heightOf,
} from '../../../server/airspace/spatial-id.ts';
import { TileBudgetExceeded } from '../../../server/airspace/spatial-tiles.ts';
import type { SkyKey } from '../../../server/airspace/types.ts';
import { skyRoadOfVolumes } from '../../../server/airspace/volumes.ts';
import { KAGA } from '../../support/plans.ts';
import { DATUM, MIN, PARAMS, route, T0 } from './fixtures.ts';

const { cityHall, station, katayamazu, yamashiro, medicalCenter } = KAGA;
const id = (lat: number, lon: number, h: number, z: number) => formatSpatialId(spatialIdOf(lat, lon, h, z));
const LIMIT = 100_000;
const AMSL = { reference: 'AMSL' as const, datum: DATUM, limit: LIMIT };

describe('空間ID of known Kaga points, against IDs computed by hand', () => {
  // x = floor(2^z · (lon + 180) / 360)
  // y = floor(2^z · (1 − ln(tan φ + sec φ) / π) / 2)
  // f = floor(h / 2^(25−z)), h in metres above mean sea level
  it('city hall (36.30278 N, 136.31503 E) at 60 m: 21/3/1842668/821337 and 25/60/29482697/13141395', () => {
    // (136.31503 + 180) / 360 = 0.878652861111; × 2^21 = 1842668.605 → x 1842668; × 2^25 = 29482697.68 → 29482697
    // tan 36.30278° = 0.734647732, sec = 1.240849423, ln(1.975497155) = 0.680820091
    // (1 − 0.680820091 / π) / 2 = 0.391644117172; × 2^21 = 821337.244 → y 821337; × 2^25 = 13141395.90 → 13141395
    // f: 60 / 16 = 3.75 → 3 at zoom 21 (16 m voxels); 60 / 1 = 60 at zoom 25 (1 m voxels)
    expect(id(cityHall.lat, cityHall.lon, 60, 21)).toBe('21/3/1842668/821337');
    expect(id(cityHall.lat, cityHall.lon, 60, 25)).toBe('25/60/29482697/13141395');
  });

  it('the station (36.32033 N, 136.35049 E) at 100 m: 21/6/1842875/821210', () => {
    // (316.35049 / 360) = 0.878751361111 × 2^21 = 1842875.175 → 1842875
    // tan = 0.735119459, sec = 1.241128768, ln = 0.681200212; (1 − ln/π)/2 = 0.391583618954 × 2^21 = 821210.370 → 821210
    // 100 / 16 = 6.25 → f 6
    expect(id(station.lat, station.lon, 100, 21)).toBe('21/6/1842875/821210');
  });

  it('the medical centre (36.317 N, 136.345 E) at 150 m: 21/9/1842843/821234', () => {
    // 316.345 / 360 = 0.878736111111 × 2^21 = 1842843.193 → 1842843
    // tan = 0.735029936, sec = 1.241075746, ln = 0.681128080; 0.391595099150 × 2^21 = 821234.445 → 821234
    // 150 / 16 = 9.375 → f 9
    expect(id(medicalCenter.lat, medicalCenter.lon, 150, 21)).toBe('21/9/1842843/821234');
  });

  it('Katayamazu (36.34528 N, 136.36778 E) at 0.5 m, zoom 15 (1024 m voxels): 15/0/28796/12828', () => {
    // 316.36778 / 360 = 0.878799388889 × 2^15 = 28796.498 → 28796
    // tan = 0.735790456, sec = 1.241526317, ln = 0.681740760; 0.391497588062 × 2^15 = 12828.593 → 12828
    // 0.5 / 1024 → f 0
    expect(id(katayamazu.lat, katayamazu.lon, 0.5, 15)).toBe('15/0/28796/12828');
  });

  it('Yamashiro (36.29139 N, 136.36222 E) 3.5 m below sea level, zoom 25: f is −4', () => {
    // 316.36222 / 360 = 0.878783944444 × 2^25 = 29487096.107 → 29487096
    // tan = 0.734341694, sec = 1.240668257, ln = 0.680573437; 0.391683373402 × 2^25 = 13142713.118 → 13142713
    // −3.5 / 1 → floor −4
    expect(id(yamashiro.lat, yamashiro.lon, -3.5, 25)).toBe('25/-4/29487096/13142713');
  });

  it('counts heights above mean sea level by default; W84 when asked (the geoid is 37 m here)', () => {
    // 97 m above the ellipsoid is 60 m above the geoid: f 3 at zoom 21 in AMSL, 97 / 16 = 6.06 → 6 in W84.
    expect(heightOf(97, cityHall.lat, cityHall.lon, 'AMSL', DATUM)).toBe(60);
    expect(heightOf(97, cityHall.lat, cityHall.lon, 'W84', DATUM)).toBe(97);
  });

  it('voxels are 2^(25−z) m tall, and a tile’s bounds hold the point it was computed from', () => {
    expect(voxelHeightM(25)).toBe(1);
    expect(voxelHeightM(21)).toBe(16);
    expect(voxelHeightM(0)).toBe(33_554_432);
    const b = tileBounds(21, 1842668, 821337);
    expect(b.west).toBeLessThanOrEqual(cityHall.lon);
    expect(b.east).toBeGreaterThan(cityHall.lon);
    expect(b.south).toBeLessThanOrEqual(cityHall.lat);
    expect(b.north).toBeGreaterThan(cityHall.lat);
    // About 15.6 m across here: 40,075 km / 2^21 × cos 36.3°.
    expect((b.east - b.west) * 111_320 * Math.cos((cityHall.lat * Math.PI) / 180)).toBeCloseTo(15.3, 0);
  });

  it('reads plain and time-extended IDs, and says what is wrong with others', () => {
    expect(parseSpatialId('21/3/1842668/821337')).toEqual({ z: 21, f: 3, x: 1842668, y: 821337, slot: null });
    expect(parseSpatialId('21/-2/1842668/821337_60/29482697')).toEqual({
      z: 21,
      f: -2,
      x: 1842668,
      y: 821337,
      slot: { i: 60, t: 29482697 },
    });
    expect(parseSpatialId('21/3/2097152/0')).toMatch(/below 2\^21/);
    expect(parseSpatialId('31/0/0/0')).toMatch(/finer than 30/);
    expect(parseSpatialId('21/3/1/1_0/5')).toMatch(/1–86400/);
    expect(parseSpatialId('21/3/1/1/')).toMatch(/z\/f\/x\/y/);
  });

  it('a window touches the slots of i seconds it overlaps, and no more', () => {
    // 09:00:00 – 09:01:00 in 60 s slots: exactly one; 09:00:30 – 09:01:30: two.
    const t = T0 / 1000 / 60;
    expect(slotsOf(T0, T0 + MIN, 60)).toEqual({ first: t, last: t });
    expect(slotsOf(T0 + MIN / 2, T0 + 1.5 * MIN, 60)).toEqual({ first: t, last: t + 1 });
  });
});

/** The tiles of zoom z whose area turf finds in common with the hexagon: an independent check. */
function tilesByTurf(cell: string, z: number, x0: number, x1: number, y0: number, y1: number): string[] {
  const hex = turfPolygon([cellToBoundary(cell, true)]);
  const out: string[] = [];
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) {
      const b = tileBounds(z, x, y);
      const tile = turfPolygon([
        [
          [b.west, b.south],
          [b.east, b.south],
          [b.east, b.north],
          [b.west, b.north],
          [b.west, b.south],
        ],
      ]);
      const common = intersect({ type: 'FeatureCollection', features: [hex, tile] });
      if (common && turfArea(common) > 1e-4) out.push(`${x},${y}`);
    }
  }
  return out.sort();
}

describe('a sky road as spatial IDs', () => {
  const cell = latLngToCell(cityHall.lat, cityHall.lon, PARAMS.h3Resolution);
  // Band 6 is 96–112 m W84: 59–75 m AMSL with the geoid at 37 m, floors 3 (48–64) and 4 (64–80) at zoom 21.
  const key: SkyKey = { cell, bandLo: 6, bandHi: 6, t0: T0, t1: T0 + 2 * MIN };

  it('lists exactly the tiles that share area with the cell, over the floors its band reaches', () => {
    const groups = voxelsOfKeys([key], 16, { z: 21, ...AMSL }).groups();
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ start: T0, end: T0 + 2 * MIN });
    const ids = groups[0]!.ids.map((s) => parseSpatialId(s) as { f: number; x: number; y: number });
    expect(new Set(ids.map((v) => v.f))).toEqual(new Set([3, 4]));
    expect(ids.map((v) => `${v.x},${v.y}`)).toContain('1842668,821337');
    const tiles = [...new Set(ids.map((v) => `${v.x},${v.y}`))].sort();
    const xs = ids.map((v) => v.x);
    const ys = ids.map((v) => v.y);
    expect(tiles).toEqual(
      tilesByTurf(cell, 21, Math.min(...xs) - 2, Math.max(...xs) + 2, Math.min(...ys) - 2, Math.max(...ys) + 2),
    );
    expect(ids).toHaveLength(tiles.length * 2);
  });

  it('counts f above the ellipsoid when asked: band 6 is then floor 6 exactly', () => {
    const [group] = voxelsOfKeys([key], 16, { z: 21, ...AMSL, reference: 'W84' }).groups();
    expect(new Set(group!.ids.map((s) => s.split('/')[1]))).toEqual(new Set(['6']));
  });

  it('joins a voxel’s overlapping times, keeps separate ones apart, and gives slots on request', () => {
    const later = { ...key, t0: T0 + MIN, t1: T0 + 3 * MIN };
    const apart = { ...key, t0: T0 + 10 * MIN, t1: T0 + 11 * MIN };
    const voxels = voxelsOfKeys([key, later, apart], 16, { z: 21, ...AMSL });
    expect(voxels.groups().map((g) => [g.start - T0, g.end - T0])).toEqual([
      [0, 3 * MIN],
      [10 * MIN, 11 * MIN],
    ]);
    // Slots of 120 s from 09:00: [0, 3) min touches slots 0 and 1, [10, 11) min slot 5.
    const slots = voxels.slots(120);
    const t = T0 / 120_000;
    expect(slots.map((g) => (g.start - T0) / MIN)).toEqual([0, 2, 10]);
    expect(slots[0]!.ids.every((s) => s.endsWith(`_120/${t}`))).toBe(true);
    expect(slots[2]!.ids[0]).toMatch(new RegExp(`_120/${t + 5}$`));
  });

  it('refuses to grow past its limit, and to test more tiles than its budget', () => {
    // At zoom 25 the cell spans about 3,000 one-metre tiles, each on 16 floors.
    expect(() => voxelsOfKeys([key], 16, { z: 25, ...AMSL, limit: 1000 })).toThrow(SpatialIdLimitExceeded);
    expect(() => voxelsOfKeys([key], 16, { z: 30, ...AMSL })).toThrow(TileBudgetExceeded);
  });

  it('round trip: a plan → spatial IDs → volumes → a sky road that holds every key of the first', () => {
    for (const plan of [
      route([medicalCenter, station]),
      compilePlan(
        {
          volumes: [
            {
              outline: { circle: { center: cityHall, radiusM: 60 } },
              lower: { value: 30, reference: 'AGL' },
              upper: { value: 90, reference: 'AGL' },
              start: T0,
              end: T0 + 10 * MIN,
            },
          ],
        },
        DATUM,
        PARAMS,
      ),
    ]) {
      for (const z of [20, 21, 23]) {
        const held: HeldVoxel[] = voxelsOfKeys(plan.keys, PARAMS.bandHeightM, { z, ...AMSL })
          .groups()
          .flatMap((g) =>
            g.ids.map((s) => ({
              voxel: parseSpatialId(s) as HeldVoxel['voxel'],
              start: g.start,
              end: g.end,
              source: 0,
            })),
          );
        const volumes = boxesOfVoxels(held).map((b) => ({
          outline: { polygon: b.outline },
          lower: { value: b.floorM, reference: 'AMSL' as const },
          upper: { value: b.ceilingM, reference: 'AMSL' as const },
          start: b.start,
          end: b.end,
        }));
        const again = skyRoadOfVolumes(volumes, DATUM, PARAMS);
        const byCell = new Map<string, SkyKey[]>();
        for (const k of again) byCell.set(k.cell, [...(byCell.get(k.cell) ?? []), k]);
        for (const k of plan.keys) {
          for (let band = k.bandLo; band <= k.bandHi; band++) {
            for (const t of [k.t0, (k.t0 + k.t1) / 2, k.t1 - 1]) {
              const held = (byCell.get(k.cell) ?? []).some(
                (n) => n.bandLo <= band && band <= n.bandHi && n.t0 <= t && t < n.t1,
              );
              expect(held, `zoom ${z}: cell ${k.cell} band ${band} at +${(t - T0) / 1000} s`).toBe(true);
            }
          }
        }
      }
    }
  });
});

describe('a zone as spatial IDs', () => {
  const d = 60 / 111_195;
  const e = d / Math.cos((cityHall.lat * Math.PI) / 180);
  const square = [
    [
      [cityHall.lon - e, cityHall.lat - d],
      [cityHall.lon + e, cityHall.lat - d],
      [cityHall.lon + e, cityHall.lat + d],
      [cityHall.lon - e, cityHall.lat + d],
      [cityHall.lon - e, cityHall.lat - d],
    ],
  ];

  it('takes the floors from ground to ceiling in the IDs’ datum, in every window the zone applies', () => {
    // 0–150 m AGL over ground 10 m AMSL: 10–160 m AMSL → floors 0 (0–16) to 9 (144–160) at zoom 21;
    // in W84 (+37 m) 47–197 m → floors 2 (32–48) to 12 (192–208).
    const zone = {
      polygons: [square],
      lower: { value: 0, reference: 'AGL' as const },
      upper: { value: 150, reference: 'AGL' as const },
    };
    const windows = [
      { from: T0, to: T0 + 60 * MIN },
      { from: T0 + 120 * MIN, to: T0 + 180 * MIN },
    ];
    const amsl = voxelsOfZone(zone, windows, { z: 21, ...AMSL }).groups();
    expect(amsl).toHaveLength(2);
    expect(new Set(amsl[0]!.ids.map((s) => Number(s.split('/')[1])))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(amsl[1]!.ids).toEqual(amsl[0]!.ids);
    const w84 = voxelsOfZone(zone, windows, { z: 21, ...AMSL, reference: 'W84' }).groups();
    const floors = w84[0]!.ids.map((s) => Number(s.split('/')[1]));
    expect([Math.min(...floors), Math.max(...floors)]).toEqual([2, 12]);
    // A 120 m square at 36.3° N: 8 or 9 tiles of about 15.4 m each way.
    const tiles = new Set(amsl[0]!.ids.map((s) => s.split('/').slice(2).join('/')));
    expect(tiles.size).toBeGreaterThanOrEqual(8 * 8);
    expect(tiles.size).toBeLessThanOrEqual(10 * 10);
  });

  it('leaves out the tiles inside a hole of the outline', () => {
    const h = d / 2;
    const holed = [
      ...square,
      [
        [cityHall.lon - e / 2, cityHall.lat - h],
        [cityHall.lon - e / 2, cityHall.lat + h],
        [cityHall.lon + e / 2, cityHall.lat + h],
        [cityHall.lon + e / 2, cityHall.lat - h],
        [cityHall.lon - e / 2, cityHall.lat - h],
      ],
    ];
    const zone = (polygon: number[][][]) => ({
      polygons: [polygon],
      lower: { value: 0, reference: 'W84' as const },
      upper: { value: 10, reference: 'W84' as const },
    });
    const o = { z: 21, ...AMSL, reference: 'W84' as const };
    const full = voxelsOfZone(zone(square), [{ from: T0, to: T0 + MIN }], o).groups()[0]!.ids;
    const ring = voxelsOfZone(zone(holed), [{ from: T0, to: T0 + MIN }], o).groups()[0]!.ids;
    expect(ring.length).toBeLessThan(full.length);
    expect(ring).not.toContain(formatSpatialId(spatialIdOf(cityHall.lat, cityHall.lon, 5, 21)));
  });
});

describe('voxels joined into outlines', () => {
  const at = (x: number, y: number, f = 0): HeldVoxel => ({
    voxel: { z: 21, f, x, y },
    start: T0,
    end: T0 + MIN,
    source: 0,
  });

  it('an L of three tiles is one outline of six corners; tiles meeting at a corner are two', () => {
    expect(
      outlines([
        [0, 0],
        [1, 0],
        [0, 1],
      ]),
    ).toEqual([
      [
        [0, 0],
        [2, 0],
        [2, 1],
        [1, 1],
        [1, 2],
        [0, 2],
      ],
    ]);
    expect(
      outlines([
        [0, 0],
        [1, 1],
      ]),
    ).toHaveLength(2);
  });

  it('a ring around a hole becomes rectangles', () => {
    const ring: Array<[number, number]> = [];
    for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) if (x !== 1 || y !== 1) ring.push([x, y]);
    expect(outlines(ring)).toHaveLength(4);
  });

  it('splits voxels by their window and their floors; floors running on are one volume', () => {
    const boxes = boxesOfVoxels([
      at(0, 0, 3),
      at(0, 0, 4),
      at(1, 0, 3),
      at(1, 0, 4),
      at(2, 0, 7),
      { ...at(0, 0, 3), start: T0 + 5 * MIN, end: T0 + 6 * MIN },
    ]);
    // Zoom 21: floor 3 is 48–64 m, 4 is 64–80 m, 7 is 112–128 m.
    expect(boxes.map((b) => [b.floorM, b.ceilingM, (b.start - T0) / MIN, b.outline.length])).toEqual([
      [48, 80, 0, 4],
      [112, 128, 0, 4],
      [48, 64, 5, 4],
    ]);
  });

  it('covers exactly the tiles given: every tile centre in one outline, the areas adding up (property)', () => {
    const tileSet = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })), {
      minLength: 1,
      maxLength: 40,
      selector: ([x, y]) => `${x},${y}`,
    });
    fc.assert(
      fc.property(tileSet, (tiles) => {
        const rings = outlines(tiles);
        const area = rings.reduce((s, r) => s + shoelace(r), 0);
        expect(area).toBe(tiles.length);
        for (let x = 0; x < 8; x++) {
          for (let y = 0; y < 8; y++) {
            const inside = rings.filter((r) => contains(r, x + 0.5, y + 0.5)).length;
            expect(inside).toBe(tiles.some(([a, b]) => a === x && b === y) ? 1 : 0);
          }
        }
        for (const r of rings) expect(new Set(r.map((p) => p.join())).size).toBe(r.length);
      }),
      { numRuns: 300 },
    );
  });
});

function shoelace(ring: ReadonlyArray<readonly [number, number]>): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(s) / 2;
}

function contains(ring: ReadonlyArray<readonly [number, number]>, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
