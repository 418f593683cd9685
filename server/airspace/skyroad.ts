import { bandsBetween } from './altitude.ts';
import { localFrame, toLocal } from './geo.ts';
import { LocalGrid } from './grid.ts';
import { mergeKeys } from './keys.ts';
import type { AirspaceParams, PathPoint, SkyKey, TimedPath } from './types.ts';

/** Longer legs are cut so the local plane stays within centimetres of the sphere. */
const MAX_PIECE_M = 400;
/** Covers H3's size variation between neighbouring cells and the plane approximation. */
const CELL_RADIUS_MARGIN = 1.02;
const SLACK_M = 0.5;

/**
 * The sky road of an expected trajectory.
 *
 * Guarantee (what the property test checks): whenever two trajectories' expected positions are,
 * at the same moment, closer than 2 × lateralBufferM horizontally and 2 × verticalBufferM
 * vertically, their sky roads share a key. The midpoint of the two positions lies in some cell
 * whose centre is within lateralBufferM + the cell's circumradius of both positions; every leg
 * reserves each cell whose centre comes that close, for exactly the time it does (solved in closed
 * form per leg), so both roads hold that cell at that moment, in the band of the vertical midpoint.
 */
export function skyRoadOfPath(path: TimedPath, params: AirspaceParams): { keys: SkyKey[]; legs: SkyKey[][] } {
  const legs = skyRoadLegs(path, params);
  return { keys: mergeKeys(legs.flat()), legs };
}

/**
 * The keys of each leg of a path (leg i joins points i and i + 1), not yet merged: what
 * `variants.ts` reuses to derive the same flight at another altitude without recomputing it.
 */
export function skyRoadLegs(path: TimedPath, params: AirspaceParams): SkyKey[][] {
  const legs: SkyKey[][] = [];
  const start = path[0];
  if (!start) return legs;
  let grid = LocalGrid.around(start.lat, start.lon, params.h3Resolution);
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    const keys: SkyKey[] = [];
    const frame = localFrame(a);
    const end = toLocal(frame, b.lat, b.lon);
    const pieces = Math.max(1, Math.ceil(Math.hypot(end.x, end.y) / MAX_PIECE_M));
    for (let p = 0; p < pieces; p++) {
      const from = interpolate(a, b, p / pieces);
      const to = interpolate(a, b, (p + 1) / pieces);
      const mid = interpolate(from, to, 0.5);
      let ij = grid.ijAt(mid.lat, mid.lon);
      if (!ij) {
        grid = LocalGrid.around(mid.lat, mid.lon, params.h3Resolution);
        ij = grid.ijAt(mid.lat, mid.lon)!;
      }
      keysOfLeg(from, to, grid, ij, params, keys);
    }
    legs.push(keys);
  }
  return legs;
}

function interpolate(a: PathPoint, b: PathPoint, f: number): PathPoint {
  if (f === 0) return a;
  if (f === 1) return b;
  return {
    lat: a.lat + (b.lat - a.lat) * f,
    lon: a.lon + (b.lon - a.lon) * f,
    altW84: a.altW84 + (b.altW84 - a.altW84) * f,
    t: a.t + (b.t - a.t) * f,
  };
}

function keysOfLeg(
  a: PathPoint,
  b: PathPoint,
  grid: LocalGrid,
  ij: { i: number; j: number },
  params: AirspaceParams,
  out: SkyKey[],
): void {
  const frame = localFrame(a);
  const d = toLocal(frame, b.lat, b.lon);
  const len2 = d.x * d.x + d.y * d.y;
  const fit = grid.fit(frame, ij.i, ij.j);
  const reach = params.lateralBufferM + fit.circumradiusM * CELL_RADIUS_MARGIN + SLACK_M;
  const reach2 = reach * reach;

  // The IJ parallelogram around the leg's bounding box holds every cell whose centre is in reach.
  const xs = [Math.min(0, d.x) - reach, Math.max(0, d.x) + reach];
  const ys = [Math.min(0, d.y) - reach, Math.max(0, d.y) + reach];
  let iMin = Infinity,
    iMax = -Infinity,
    jMin = Infinity,
    jMax = -Infinity;
  for (const x of xs) {
    for (const y of ys) {
      const ci = fit.i(x, y);
      const cj = fit.j(x, y);
      iMin = Math.min(iMin, ci);
      iMax = Math.max(iMax, ci);
      jMin = Math.min(jMin, cj);
      jMax = Math.max(jMax, cj);
    }
  }

  for (let i = Math.floor(iMin) - 1; i <= Math.ceil(iMax) + 1; i++) {
    for (let j = Math.floor(jMin) - 1; j <= Math.ceil(jMax) + 1; j++) {
      const cx = fit.x(i, j);
      const cy = fit.y(i, j);
      const c2 = cx * cx + cy * cy;
      let s0 = 0;
      let s1 = 1;
      if (len2 < 1e-6) {
        if (c2 > reach2) continue;
      } else {
        // |s·d − c|² ≤ reach² is a quadratic in s: the part of the leg from which the cell is in reach.
        const dc = d.x * cx + d.y * cy;
        const disc = dc * dc - len2 * (c2 - reach2);
        if (disc < 0) continue;
        const root = Math.sqrt(disc);
        s0 = Math.max(0, (dc - root) / len2);
        s1 = Math.min(1, (dc + root) / len2);
        if (s0 > s1) continue;
      }
      const alt0 = a.altW84 + (b.altW84 - a.altW84) * s0;
      const alt1 = a.altW84 + (b.altW84 - a.altW84) * s1;
      const { bandLo, bandHi } = bandsBetween(
        Math.min(alt0, alt1) - params.verticalBufferM,
        Math.max(alt0, alt1) + params.verticalBufferM,
        params.bandHeightM,
      );
      out.push({
        cell: grid.cellAt(i, j),
        bandLo,
        bandHi,
        t0: Math.floor(a.t + (b.t - a.t) * s0 - params.timeBeforeS * 1000),
        t1: Math.ceil(a.t + (b.t - a.t) * s1 + params.timeAfterS * 1000),
      });
    }
  }
}
