import { cellToBoundary, cellToLatLng, isPentagon, latLngToCell } from 'h3-js';
import { fromLocal, localFrame, toLocal } from '../airspace/geo.ts';

/** A cell a polygon overlaps, with its centre (what the bands are computed at). */
export interface CoveredCell {
  cell: string;
  lat: number;
  lon: number;
}

type Point = { x: number; y: number };

/** Polygons whose box spans more lattice cells than this go to H3's own polygon fill. */
const MAX_CANDIDATES = 900;
/** How far (as a share of the circumradius) a cell's true centre may sit from the lattice's guess. */
const CENTRE_TOLERANCE = 0.02;
/**
 * Candidate hexagons are tested a little larger than the lattice draws them, so the lattice's
 * drift over a polygon's width can only add a cell that barely misses, never drop one that
 * barely touches.
 */
const HEX_INFLATION = 1.01;

/**
 * The cells of one resolution that a small polygon (a building's footprint) overlaps, or null
 * when the polygon is too large or the grid too irregular there (pentagons, icosahedron edges),
 * in which case the caller asks H3's polygonToCellsExperimental, which answers the same question.
 *
 * Why not always ask H3: its overlapping fill costs about 400 µs per call whatever the polygon's
 * size (it sizes its buffers for the worst case), so a city's 50,000 buildings would take 20 s.
 * Here one H3 cell is read, its hexagon gives the lattice of its neighbours in a local plane
 * (a neighbour's centre is the sum of two adjacent vertex vectors), each candidate hexagon is
 * tested against the polygon with plain arithmetic, and only the overlapping ones are indexed —
 * each checked against H3's own centre, so a wrong lattice falls back instead of guessing.
 *
 * Polygon rings are GeoJSON [lon, lat]; the first ring is the outline, the others are holes.
 */
export function coverSmallPolygon(rings: readonly (readonly number[])[][], res: number): CoveredCell[] | null {
  const outline = rings[0];
  if (!outline || outline.length < 4) return null;
  let minLon = Infinity,
    minLat = Infinity,
    maxLon = -Infinity,
    maxLat = -Infinity;
  for (const [lon, lat] of outline) {
    if (lon! < minLon) minLon = lon!;
    if (lon! > maxLon) maxLon = lon!;
    if (lat! < minLat) minLat = lat!;
    if (lat! > maxLat) maxLat = lat!;
  }
  const frame = localFrame({ lat: (minLat + maxLat) / 2, lon: (minLon + maxLon) / 2 });
  const c0 = latLngToCell(frame.originLat, frame.originLon, res);
  if (isPentagon(c0)) return null;
  const boundary = cellToBoundary(c0);
  if (boundary.length !== 6) return null;
  const [oLat, oLon] = cellToLatLng(c0);
  const o = toLocal(frame, oLat, oLon);
  // No closures in here: tsx names every function it creates, which costs more than the arithmetic.
  const v: Point[] = [];
  let circumradius = 0;
  for (const [lat, lon] of boundary) {
    const p = toLocal(frame, lat, lon);
    const x = p.x - o.x;
    const y = p.y - o.y;
    v.push({ x, y });
    circumradius = Math.max(circumradius, Math.hypot(x, y));
  }

  // Neighbour centres: across the edge (v_k, v_k+1) the next centre is at v_k + v_k+1. Locally
  // the grid is an affine image of a regular one (H3 is regular on its icosahedron's faces), and
  // an affine map keeps that relation, so stretched hexagons far from a face's centre work too.
  const ax = v[0]!.x + v[1]!.x;
  const ay = v[0]!.y + v[1]!.y;
  const bx = v[1]!.x + v[2]!.x;
  const by = v[1]!.y + v[2]!.y;
  const det = ax * by - ay * bx;

  const local: Point[][] = [];
  for (const ring of rings) {
    const points: Point[] = [];
    for (const [lon, lat] of ring) points.push(toLocal(frame, lat!, lon!));
    local.push(points);
  }
  const box = boxOf(local[0]!);
  const reach = circumradius * HEX_INFLATION * 1.01;
  let iMin = Infinity,
    iMax = -Infinity,
    jMin = Infinity,
    jMax = -Infinity;
  for (const x of [box.minX - reach, box.maxX + reach]) {
    for (const y of [box.minY - reach, box.maxY + reach]) {
      const i = ((x - o.x) * by - (y - o.y) * bx) / det;
      const j = ((y - o.y) * ax - (x - o.x) * ay) / det;
      iMin = Math.min(iMin, i);
      iMax = Math.max(iMax, i);
      jMin = Math.min(jMin, j);
      jMax = Math.max(jMax, j);
    }
  }
  iMin = Math.floor(iMin) - 1;
  jMin = Math.floor(jMin) - 1;
  iMax = Math.ceil(iMax) + 1;
  jMax = Math.ceil(jMax) + 1;
  if ((iMax - iMin + 1) * (jMax - jMin + 1) > MAX_CANDIDATES) return null;

  const out: CoveredCell[] = [];
  const hex: Point[] = [];
  for (let k = 0; k < 6; k++) hex.push({ x: 0, y: 0 });
  for (let i = iMin; i <= iMax; i++) {
    for (let j = jMin; j <= jMax; j++) {
      const cx = o.x + i * ax + j * bx;
      const cy = o.y + i * ay + j * by;
      if (cx < box.minX - reach || cx > box.maxX + reach || cy < box.minY - reach || cy > box.maxY + reach) {
        continue;
      }
      for (let k = 0; k < 6; k++) {
        hex[k]!.x = cx + v[k]!.x * HEX_INFLATION;
        hex[k]!.y = cy + v[k]!.y * HEX_INFLATION;
      }
      if (!overlaps(hex, { x: cx, y: cy }, local)) continue;
      const centre = fromLocal(frame, cx, cy);
      const cell = latLngToCell(centre.lat, centre.lon, res);
      const [tLat, tLon] = cellToLatLng(cell);
      const t = toLocal(frame, tLat, tLon);
      if (Math.hypot(t.x - cx, t.y - cy) > CENTRE_TOLERANCE * circumradius) return null;
      out.push({ cell, lat: tLat, lon: tLon });
    }
  }
  return out;
}

function boxOf(points: readonly Point[]) {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  return { minX, minY, maxX, maxY };
}

/**
 * Whether a convex hexagon and a polygon with holes share any point. If neither holds a vertex
 * of the other and no edges cross, one cannot contain the other, so they are apart (or the
 * hexagon sits in a hole).
 */
function overlaps(hex: readonly Point[], centre: Point, rings: readonly Point[][]): boolean {
  for (const ring of rings) for (const p of ring) if (inConvex(hex, p)) return true;
  if (inPolygon(rings, centre)) return true;
  for (const p of hex) if (inPolygon(rings, p)) return true;
  for (const ring of rings) {
    for (let e = 1; e < ring.length; e++) {
      const p = ring[e - 1]!;
      const q = ring[e]!;
      for (let k = 0; k < 6; k++) {
        if (segmentsMeet(p, q, hex[k]!, hex[(k + 1) % 6]!)) return true;
      }
    }
  }
  return false;
}

function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

function inConvex(poly: readonly Point[], p: Point): boolean {
  let sign = 0;
  for (let k = 0; k < poly.length; k++) {
    const c = cross(poly[k]!, poly[(k + 1) % poly.length]!, p);
    if (c === 0) continue;
    const s = c > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

/** Even-odd rule over every ring, so holes are outside. */
function inPolygon(rings: readonly Point[][], p: Point): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let e = 1; e < ring.length; e++) {
      const a = ring[e - 1]!;
      const b = ring[e]!;
      if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
    }
  }
  return inside;
}

function segmentsMeet(p: Point, q: Point, r: Point, s: Point): boolean {
  const d1 = cross(r, s, p);
  const d2 = cross(r, s, q);
  const d3 = cross(p, q, r);
  const d4 = cross(p, q, s);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return onSegment(r, s, p, d1) || onSegment(r, s, q, d2) || onSegment(p, q, r, d3) || onSegment(p, q, s, d4);
}

/** c lies on the segment ab, given that it is collinear with it when d is 0. */
function onSegment(a: Point, b: Point, c: Point, d: number): boolean {
  return (
    d === 0 &&
    Math.min(a.x, b.x) <= c.x &&
    c.x <= Math.max(a.x, b.x) &&
    Math.min(a.y, b.y) <= c.y &&
    c.y <= Math.max(a.y, b.y)
  );
}
