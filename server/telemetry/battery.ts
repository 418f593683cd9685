import { localFrame, toLocal } from '../airspace/geo.ts';
import type { LatLon } from '../airspace/types.ts';

/** Whether a drone's battery can still fly what lies ahead of it: pure, everything as arguments. */

export interface BatteryParams {
  /** Below this charge the remaining route is weighed against the battery. */
  lowPercent: number;
  /** Charge that must be left on landing. */
  reservePercent: number;
  /** Flight time of a full battery, for the drain rate until a flight has measured its own. */
  enduranceS: number;
  /** Speed assumed for a drone without a route that hovers or creeps. */
  fallbackSpeedMps: number;
}

/**
 * Metres still to fly along a route from a position: to the nearest point of the route, then
 * along it to its end. A route of one point is the way straight there.
 */
export function remainingRouteM(route: readonly LatLon[], at: LatLon): number {
  if (route.length === 0) return 0;
  const frame = localFrame(at);
  const pts = route.map((p) => toLocal(frame, p.lat, p.lon));
  if (pts.length === 1) return Math.hypot(pts[0]!.x, pts[0]!.y);
  const legs = pts.slice(1).map((b, i) => Math.hypot(b.x - pts[i]!.x, b.y - pts[i]!.y));
  const after = new Array<number>(legs.length + 1).fill(0);
  for (let i = legs.length - 1; i >= 0; i--) after[i] = after[i + 1]! + legs[i]!;
  let best = { off: Infinity, remaining: 0 };
  for (let i = 0; i < legs.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len2 = dx * dx + dy * dy;
    const f = len2 === 0 ? 0 : Math.min(1, Math.max(0, (-a.x * dx - a.y * dy) / len2));
    const off = Math.hypot(a.x + f * dx, a.y + f * dy);
    const remaining = off + (1 - f) * legs[i]! + after[i + 1]!;
    // The nearest point of the route says how far along it the drone is; where legs meet (or
    // the route doubles back), the point further along counts.
    if (off < best.off - 1e-6 || (off <= best.off + 1e-6 && remaining < best.remaining)) best = { off, remaining };
  }
  return best.remaining;
}

/**
 * Battery use in percent per second over this flight so far; null until the flight is long
 * enough (and has used enough) to tell.
 */
export function drainRate(
  start: { t: number; percent: number },
  now: { t: number; percent: number },
  minSeconds = 60,
): number | null {
  const seconds = (now.t - start.t) / 1000;
  const used = start.percent - now.percent;
  if (seconds < minSeconds || used <= 0) return null;
  return used / seconds;
}

/**
 * A shortfall when the charge is below the threshold and what is left above the reserve cannot
 * fly the remaining distance at the given speed; null when all is well.
 */
export function lowBattery(
  input: {
    at: LatLon;
    batteryPercent: number;
    route: readonly LatLon[];
    speedMps: number;
    drainPercentPerS: number | null;
  },
  params: BatteryParams,
): { remainingM: number; flyableM: number } | null {
  if (input.batteryPercent >= params.lowPercent) return null;
  const drain = input.drainPercentPerS ?? 100 / params.enduranceS;
  const flyableM = (Math.max(0, input.batteryPercent - params.reservePercent) / drain) * input.speedMps;
  const remainingM = remainingRouteM(input.route, input.at);
  return remainingM > flyableM ? { remainingM, flyableM } : null;
}
