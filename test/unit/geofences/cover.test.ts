import { cellToBoundary, POLYGON_TO_CELLS_FLAGS, polygonToCellsExperimental } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { coverSmallPolygon } from '../../../server/geofences/cover.ts';

/** Deterministic pseudo-random numbers, so a failure names its polygon. */
function random(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function polygonAround(lat: number, lon: number, sizeM: number, r: () => number): number[][] {
  const k = 3 + Math.floor(r() * 8);
  const ring: number[][] = [];
  for (let i = 0; i < k; i++) {
    const a = (i / k) * 2 * Math.PI;
    const d = sizeM * (0.4 + 0.6 * r());
    ring.push([
      lon + (d * Math.cos(a)) / (111_320 * Math.cos((lat * Math.PI) / 180)),
      lat + (d * Math.sin(a)) / 111_195,
    ]);
  }
  return [...ring, ring[0]!];
}

/** Metres from a point to a polygon's outline (local plane). */
function distanceM(p: number[], ring: number[][]): number {
  const k = 111_320 * Math.cos((p[1]! * Math.PI) / 180);
  let best = Infinity;
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = [(ring[i - 1]![0]! - p[0]!) * k, (ring[i - 1]![1]! - p[1]!) * 111_195];
    const [bx, by] = [(ring[i]![0]! - p[0]!) * k, (ring[i]![1]! - p[1]!) * 111_195];
    const t = Math.max(0, Math.min(1, -(ax * (bx - ax) + ay * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2 || 1)));
    best = Math.min(best, Math.hypot(ax + t * (bx - ax), ay + t * (by - ay)));
  }
  return best;
}

describe('cells a small polygon overlaps', () => {
  const places = [
    [36.3, 136.35],
    [42.94, 141.44],
    [0.5, 10],
    [-33.9, 151.2],
    [64, -21],
  ] as const;

  it('never misses a cell H3 says the polygon overlaps, and adds only cells within a metre of it', () => {
    const r = random(7);
    for (let n = 0; n < 1500; n++) {
      const [lat0, lon0] = places[n % places.length]!;
      const ring = polygonAround(lat0 + r() * 0.05, lon0 + r() * 0.05, 5 + r() * (n % 10 === 0 ? 300 : 60), r);
      const ours = coverSmallPolygon([ring], 11);
      expect(ours, `polygon ${n}`).not.toBeNull();
      const cells = new Set(ours!.map((c) => c.cell));
      const h3 = polygonToCellsExperimental([ring], 11, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true);
      for (const cell of h3) expect(cells.has(cell), `polygon ${n} misses ${cell}`).toBe(true);
      for (const cell of cells) {
        if (h3.includes(cell)) continue;
        const hex = cellToBoundary(cell, true);
        const near = Math.min(...hex.map((v) => distanceM(v, ring)), ...ring.map((v) => distanceM(v, hex)));
        expect(near, `polygon ${n}: extra cell ${cell}`).toBeLessThan(1);
      }
    }
  });

  it('leaves large polygons to H3', () => {
    const ring = polygonAround(36.3, 136.35, 5_000, random(1));
    expect(coverSmallPolygon([ring], 11)).toBeNull();
  });
});
