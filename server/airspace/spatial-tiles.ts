import { latOfY, lonOfX, tileX, tileY } from './spatial-id.ts';

/**
 * Which Web Mercator tiles of one zoom a polygon overlaps. Tile edges are meridians and
 * parallels, so a tile is a rectangle in longitude and latitude and the test is exact for a
 * polygon drawn in longitude and latitude (GeoJSON's straight edges): the polygon is clipped to
 * each row, then to each tile of the row, and the tile counts when some area remains. A tile that
 * only touches the outline along an edge or at a corner does not count.
 */

/**
 * Raised when a cover would test more tiles than allowed (before any is tested), or an outline
 * so intricate that its tiles would cost more than that many tests of a simple one.
 */
export class TileBudgetExceeded extends Error {
  constructor(
    readonly limit: number,
    readonly needed: number,
  ) {
    super(`${needed} tiles to test; at most ${limit}`);
  }
}

/** Corners of the clipped outline one tile test may cost on average before the budget counts it as more. */
const CORNERS_PER_TEST = 16;

type Ring = number[][];

/**
 * Tiles [x, y] of zoom z that a polygon (GeoJSON rings of [lon, lat]: the outline, then its holes)
 * overlaps. `budget` bounds the tiles of its bounding box that may be tested.
 */
export function tilesOverlapping(polygon: readonly Ring[], z: number, budget: number): Array<[number, number]> {
  const outer = open(polygon[0] ?? []);
  if (outer.length < 3) return [];
  const holes = polygon.slice(1).map(open);
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of outer) {
    minLon = Math.min(minLon, lon!);
    maxLon = Math.max(maxLon, lon!);
    minLat = Math.min(minLat, lat!);
    maxLat = Math.max(maxLat, lat!);
  }
  const n = 2 ** z;
  const x0 = Math.max(0, Math.floor(((minLon + 180) / 360) * n));
  const x1 = Math.min(n - 1, maxLon >= 180 ? n - 1 : tileX(maxLon, z));
  const y0 = Math.max(0, tileY(maxLat, z));
  const y1 = Math.min(n - 1, tileY(minLat, z));
  const needed = (x1 - x0 + 1) * (y1 - y0 + 1);
  if (needed > budget) throw new TileBudgetExceeded(budget, needed);

  const out: Array<[number, number]> = [];
  let corners = 0;
  for (let y = y0; y <= y1; y++) {
    const north = latOfY(y, z);
    const south = latOfY(y + 1, z);
    const rowOuter = clipBand(outer, 1, south, north);
    if (rowOuter.length < 3) continue;
    const rowHoles = holes.map((h) => clipBand(h, 1, south, north)).filter((h) => h.length >= 3);
    corners += (rowOuter.length + rowHoles.reduce((n, h) => n + h.length, 0)) * (x1 - x0 + 1);
    if (corners > budget * CORNERS_PER_TEST)
      throw new TileBudgetExceeded(budget, Math.ceil(corners / CORNERS_PER_TEST));
    for (let x = x0; x <= x1; x++) {
      const west = lonOfX(x, z);
      const east = lonOfX(x + 1, z);
      const tileArea = (east - west) * (north - south);
      let area = Math.abs(signedArea(clipBand(rowOuter, 0, west, east)));
      if (area <= tileArea * 1e-9) continue;
      for (const h of rowHoles) area -= Math.abs(signedArea(clipBand(h, 0, west, east)));
      if (area > tileArea * 1e-9) out.push([x, y]);
    }
  }
  return out;
}

/** A ring without its closing vertex. */
function open(ring: Ring): Ring {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return ring.length > 1 && first![0] === last![0] && first![1] === last![1] ? ring.slice(0, -1) : ring;
}

/** Sutherland–Hodgman against lo ≤ p[axis] ≤ hi; exact enough for any ring against a convex band. */
function clipBand(ring: Ring, axis: 0 | 1, lo: number, hi: number): Ring {
  return clipHalf(clipHalf(ring, axis, lo, true), axis, hi, false);
}

function clipHalf(ring: Ring, axis: 0 | 1, bound: number, keepAbove: boolean): Ring {
  const inside = (p: number[]) => (keepAbove ? p[axis]! >= bound : p[axis]! <= bound);
  const out: Ring = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    const aIn = inside(a);
    const bIn = inside(b);
    if (aIn) out.push(a);
    if (aIn !== bIn) {
      const f = (bound - a[axis]!) / (b[axis]! - a[axis]!);
      const p = [a[0]! + (b[0]! - a[0]!) * f, a[1]! + (b[1]! - a[1]!) * f];
      p[axis] = bound;
      out.push(p);
    }
  }
  return out;
}

function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    s += a[0]! * b[1]! - b[0]! * a[1]!;
  }
  return s / 2;
}
