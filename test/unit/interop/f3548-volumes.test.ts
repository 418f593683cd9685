import { describe, expect, it } from 'vitest';
import type { Datum } from '../../../server/airspace/altitude.ts';
import { BadRequest } from '../../../server/errors.ts';
import { extentOf, fromF3548Volumes, toF3548Volumes } from '../../../server/interop/f3548/volumes.ts';
import { F3548Volume4D } from '../../../server/protocol/index.ts';

/** Ground 10 m above the geoid, the geoid 37 m above the ellipsoid, the same everywhere except east of 136.35. */
const DATUM: Datum = {
  geoidUndulation: (_lat, lon) => (lon > 136.35 ? 38 : 37),
  terrainElevation: () => 10,
};

const volume = (altitudes: { lower: object; upper: object }, outline: object) =>
  F3548Volume4D.parse({
    volume: { ...outline, altitude_lower: altitudes.lower, altitude_upper: altitudes.upper },
    time_start: { value: '2026-12-01T19:00:00+09:00', format: 'RFC3339' },
    time_end: { value: '2026-12-01T10:30:00Z', format: 'RFC3339' },
  });
const square = {
  outline_polygon: {
    vertices: [
      { lat: 36.3, lng: 136.34 },
      { lat: 36.301, lng: 136.34 },
      { lat: 36.301, lng: 136.36 },
    ],
  },
};
const alt = (value: number, reference: string) => ({ value, reference, units: 'M' });

describe('F3548 Volume4D ↔ the native plan request', () => {
  it('keeps W84, takes SFC as height above the ground below, and Takeoff above the ground at the take-off point', () => {
    const [w84, sfc] = fromF3548Volumes(
      [
        volume({ lower: alt(50, 'W84'), upper: alt(80, 'W84') }, square),
        volume({ lower: alt(30, 'SFC'), upper: alt(60, 'SFC') }, square),
      ],
      DATUM,
      'area',
    );
    expect(w84!.volume.altitude_lower).toEqual({ value: 50, reference: 'W84' });
    expect(sfc!.volume.altitude_upper).toEqual({ value: 60, reference: 'AGL' });
    // Times are kept as given: the native request reads any offset.
    expect(w84!.time_start.value).toBe('2026-12-01T19:00:00+09:00');

    const [takeoff] = fromF3548Volumes(
      [volume({ lower: alt(0, 'Takeoff'), upper: alt(40, 'Takeoff') }, square)],
      DATUM,
      'area',
    );
    // The first vertex (136.34) has the geoid at 37 m: ground at 47 m W84.
    expect(takeoff!.volume.altitude_lower).toEqual({ value: 47, reference: 'W84' });
    expect(takeoff!.volume.altitude_upper).toEqual({ value: 87, reference: 'W84' });
  });

  it('refuses what the arbiter cannot hold, naming the field', () => {
    const open = F3548Volume4D.parse({
      volume: { ...square, altitude_lower: alt(0, 'W84'), altitude_upper: alt(9, 'W84') },
    });
    expect(() => fromF3548Volumes([open], DATUM, 'area')).toThrow(/area\.0\.time_start: is needed/);
    expect(() => fromF3548Volumes([], DATUM, 'area')).toThrow(BadRequest);
    const noCeiling = F3548Volume4D.parse({ ...volume({ lower: alt(0, 'W84'), upper: alt(9, 'W84') }, square) });
    delete noCeiling.volume.altitude_upper;
    expect(() => fromF3548Volumes([noCeiling], DATUM, 'area')).toThrow(/area\.0\.volume\.altitude_upper/);
  });

  it('tells other USSs a plan in W84 and SFC, times in Z, AMSL made W84 where it makes the volume larger', () => {
    const [out] = toF3548Volumes(
      [
        {
          volume: {
            outline_polygon: square.outline_polygon,
            altitude_lower: { value: 40, reference: 'AMSL' },
            altitude_upper: { value: 90, reference: 'AMSL' },
          },
          time_start: { value: '2026-12-01T19:00:00+09:00' },
          time_end: { value: '2026-12-01T10:30:00Z' },
        },
        {
          volume: {
            outline_circle: { center: { lat: 36.3, lng: 136.34 }, radius: { value: 50 } },
            altitude_lower: { value: 30, reference: 'AGL' },
            altitude_upper: { value: 60, reference: 'W84' },
          },
          time_start: { value: '2026-12-01T10:00:00Z' },
          time_end: { value: '2026-12-01T10:30:00Z' },
        },
      ],
      DATUM,
    );
    expect(out!.volume.altitude_lower).toEqual({ value: 77, reference: 'W84', units: 'M' });
    expect(out!.volume.altitude_upper).toEqual({ value: 128, reference: 'W84', units: 'M' });
    expect(out!.time_start).toEqual({ value: '2026-12-01T10:00:00.000Z', format: 'RFC3339' });
    const back = fromF3548Volumes(
      toF3548Volumes(
        [
          {
            volume: {
              outline_circle: { center: { lat: 36.3, lng: 136.34 }, radius: { value: 50 } },
              altitude_lower: { value: 30, reference: 'AGL' },
              altitude_upper: { value: 60, reference: 'W84' },
            },
            time_start: { value: '2026-12-01T10:00:00Z' },
            time_end: { value: '2026-12-01T10:30:00Z' },
          },
        ],
        DATUM,
      ),
      DATUM,
      'area',
    );
    expect(back[0]!.volume).toEqual({
      outline_circle: { center: { lat: 36.3, lng: 136.34 }, radius: { value: 50, units: 'M' } },
      altitude_lower: { value: 30, reference: 'AGL' },
      altitude_upper: { value: 60, reference: 'W84' },
    });
  });

  it('gives a volume’s box and window, open where it gives no time', () => {
    const v = volume({ lower: alt(0, 'W84'), upper: alt(9, 'W84') }, square);
    expect(extentOf(v)).toEqual({
      bbox: [136.34, 36.3, 136.36, 36.301],
      from: Date.parse('2026-12-01T10:00:00Z'),
      to: Date.parse('2026-12-01T10:30:00Z'),
    });
    const open = F3548Volume4D.parse({ volume: { outline_circle: { center: { lat: 36.3, lng: 136.34 } } } });
    expect(extentOf(open)).toMatchObject({ from: null, to: null });
  });
});
