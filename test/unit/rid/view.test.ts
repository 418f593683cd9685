import { describe, expect, it } from 'vitest';
import { contains, diagonalKm, overlaps, parseView } from '../../../server/interop/rid/view.ts';

describe('a display provider’s view', () => {
  it('is the smallest box with the two corners, whichever order they come in', () => {
    expect(parseView('36.32,136.35,36.31,136.33')).toEqual({ south: 36.31, north: 36.32, west: 136.33, east: 136.35 });
  });

  it('crosses the antimeridian when that box is the smaller one', () => {
    const v = parseView('-17.1,179.9,-17.0,-179.9');
    expect(v).toEqual({ south: -17.1, north: -17, west: 179.9, east: -179.9 });
    if (typeof v === 'string') throw new Error(v);
    expect(contains(v, -17.05, 179.95)).toBe(true);
    expect(contains(v, -17.05, -179.95)).toBe(true);
    expect(contains(v, -17.05, 0)).toBe(false);
    expect(diagonalKm(v)).toBeLessThan(25);
  });

  it('measures its diagonal on the sphere', () => {
    const v = parseView('36.30,136.30,36.35,136.35');
    if (typeof v === 'string') throw new Error(v);
    expect(diagonalKm(v)).toBeCloseTo(7.15, 1);
  });

  it('says why a view is not one', () => {
    expect(parseView('36.3,136.3,36.4')).toMatch(/four comma-separated numbers/);
    expect(parseView('36.3,136.3,,136.4')).toMatch(/four comma-separated numbers/);
    expect(parseView('91,136.3,36.4,136.4')).toMatch(/latitudes/);
    expect(parseView('36,181,36.4,136.4')).toMatch(/longitudes/);
  });

  it('holds its edges', () => {
    const v = parseView('36.31,136.33,36.32,136.35');
    if (typeof v === 'string') throw new Error(v);
    expect(contains(v, 36.31, 136.33)).toBe(true);
    expect(contains(v, 36.32, 136.35)).toBe(true);
    expect(contains(v, 36.3201, 136.34)).toBe(false);
  });

  it('tells a box of positions that may touch it from one that cannot', () => {
    const v = parseView('36.31,136.33,36.32,136.35');
    const across = parseView('-17.1,179.9,-17.0,-179.9');
    if (typeof v === 'string' || typeof across === 'string') throw new Error('not views');
    expect(overlaps(v, { south: 36.2, north: 36.4, west: 136.2, east: 136.331 })).toBe(true);
    expect(overlaps(v, { south: 36.2, north: 36.309, west: 136.2, east: 136.4 })).toBe(false);
    expect(overlaps(v, { south: 36.315, north: 36.316, west: 136.351, east: 136.4 })).toBe(false);
    expect(overlaps(across, { south: -17.05, north: -17.04, west: -179.95, east: -179.94 })).toBe(true);
    expect(overlaps(across, { south: -17.05, north: -17.04, west: 0, east: 1 })).toBe(false);
  });
});
