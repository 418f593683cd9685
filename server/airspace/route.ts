import { groundW84, toW84, type Datum } from './altitude.ts';
import { distanceM, lerpLatLon } from './geo.ts';
import type { Altitude, LatLon, PathPoint, TimedPath } from './types.ts';

export interface RouteWaypoint extends LatLon {
  /** Altitude in the route's reference; the route's altitude when absent. */
  alt?: number;
}

export interface RouteSpec {
  waypoints: RouteWaypoint[];
  altitude: Altitude;
  speedMps: number;
  /** Take-off time, epoch ms. */
  departure: number;
  /**
   * Whether the drone climbs from the ground at the first waypoint and lands at the last (the
   * default), or is already airborne at both ends (a hand-over, or a segment of a longer flight).
   */
  takeoffAndLanding?: boolean;
}

/**
 * Terrain is sampled this often along routes flown above ground level, so that an AGL route
 * follows the ground between its waypoints instead of cutting through a hill.
 */
const AGL_SAMPLE_M = 100;
/** How far an AGL route may depart from following the ground exactly between samples. */
const TERRAIN_TOLERANCE_M = 0.5;

/**
 * The expected trajectory of a route: vertical take-off at the first waypoint, the waypoints in
 * order at cruise speed, vertical landing at the last (unless the route says it is airborne at
 * both ends). A leg takes as long as its slower axis
 * needs, horizontal at cruise speed or vertical at the climb rate.
 */
export function timeRoute(route: RouteSpec, datum: Datum, climbRateMps: number): TimedPath {
  const first = route.waypoints[0];
  const last = route.waypoints[route.waypoints.length - 1];
  if (!first || !last || route.waypoints.length < 2) throw new RangeError('a route needs at least two waypoints');

  const airborne = airbornePoints(route, datum);
  const path: TimedPath = [];
  const push = (p: Omit<PathPoint, 't'>) => {
    const prev = path[path.length - 1];
    if (!prev) {
      path.push({ ...p, t: route.departure });
      return;
    }
    const horizontal = distanceM(prev, p) / route.speedMps;
    const vertical = Math.abs(p.altW84 - prev.altW84) / climbRateMps;
    const dt = Math.max(horizontal, vertical) * 1000;
    if (dt > 0) path.push({ ...p, t: prev.t + dt });
  };

  const ground = route.takeoffAndLanding ?? true;
  if (ground) push({ lat: first.lat, lon: first.lon, altW84: groundW84(first.lat, first.lon, datum) });
  for (const p of airborne) push(p);
  if (ground) push({ lat: last.lat, lon: last.lon, altW84: groundW84(last.lat, last.lon, datum) });
  return path;
}

function airbornePoints(route: RouteSpec, datum: Datum): Array<Omit<PathPoint, 't'>> {
  const reference = route.altitude.reference;
  const at = (p: LatLon, value: number) => ({
    lat: p.lat,
    lon: p.lon,
    altW84: toW84({ value, reference }, p.lat, p.lon, datum),
  });
  const points: Array<Omit<PathPoint, 't'>> = [];
  route.waypoints.forEach((wp, i) => {
    const value = wp.alt ?? route.altitude.value;
    const prev = route.waypoints[i - 1];
    if (prev && reference === 'AGL') {
      const prevValue = prev.alt ?? route.altitude.value;
      const steps = Math.max(1, Math.floor(distanceM(prev, wp) / AGL_SAMPLE_M));
      const samples = Array.from({ length: steps + 1 }, (_, s) =>
        at(lerpLatLon(prev, wp, s / steps), prevValue + ((value - prevValue) * s) / steps),
      );
      points.push(...keepTerrainBends(samples).slice(1, -1));
    }
    points.push(at(wp, value));
  });
  return points;
}

/**
 * Drops samples of a straight leg that lie within TERRAIN_TOLERANCE_M of the line between their
 * kept neighbours (Douglas–Peucker on altitude), so flat ground costs no extra legs.
 */
function keepTerrainBends<P extends { altW84: number }>(samples: P[]): P[] {
  const keep = new Uint8Array(samples.length);
  keep[0] = 1;
  keep[samples.length - 1] = 1;
  const visit = (lo: number, hi: number) => {
    let worst = -1;
    let worstError = TERRAIN_TOLERANCE_M;
    for (let k = lo + 1; k < hi; k++) {
      const line = samples[lo]!.altW84 + ((samples[hi]!.altW84 - samples[lo]!.altW84) * (k - lo)) / (hi - lo);
      const error = Math.abs(samples[k]!.altW84 - line);
      if (error > worstError) {
        worst = k;
        worstError = error;
      }
    }
    if (worst < 0) return;
    keep[worst] = 1;
    visit(lo, worst);
    visit(worst, hi);
  };
  visit(0, samples.length - 1);
  return samples.filter((_, k) => keep[k] === 1);
}

/** Expected position at time t (clamped to the path's ends). */
export function positionAt(path: TimedPath, t: number): PathPoint {
  const first = path[0];
  if (!first) throw new RangeError('empty path');
  if (t <= first.t) return first;
  for (let i = 1; i < path.length; i++) {
    const b = path[i]!;
    if (t <= b.t) {
      const a = path[i - 1]!;
      const f = (t - a.t) / (b.t - a.t);
      return { ...lerpLatLon(a, b, f), altW84: a.altW84 + (b.altW84 - a.altW84) * f, t };
    }
  }
  return path[path.length - 1]!;
}
