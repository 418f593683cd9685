import { TRAIL_MS } from '../state/drones.ts';
import type { ReplayPoint, ReplayTrack } from './source.ts';

/** A drone is drawn this long after its last point, then it has landed or gone. */
const HOLD_MS = 10_000;

export interface ReplayDrone extends ReplayPoint {
  droneId: string;
  trail: Array<[number, number, number]>;
}

/** Index of the last point at or before `t` (-1 when all are later). */
function lastAtOrBefore(points: readonly ReplayPoint[], t: number): number {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.time <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Plays recorded tracks back: a clock over the window, and where each drone was at any moment. */
export class ReplayPlayer {
  time: number;
  speed = 10;
  playing = false;

  constructor(
    readonly tracks: readonly ReplayTrack[],
    readonly from: number,
    readonly to: number,
  ) {
    this.time = from;
  }

  /** Advances the clock by real elapsed milliseconds; stops at the end. */
  advance(elapsedMs: number): void {
    if (!this.playing) return;
    this.seek(this.time + elapsedMs * this.speed);
    if (this.time >= this.to) this.playing = false;
  }

  seek(t: number): void {
    this.time = Math.min(this.to, Math.max(this.from, t));
  }

  /** Each drone at the clock's time, interpolated between its samples, with the minute before as trail. */
  drones(): ReplayDrone[] {
    const t = this.time;
    const out: ReplayDrone[] = [];
    for (const { droneId, points } of this.tracks) {
      const i = lastAtOrBefore(points, t);
      if (i < 0) continue;
      const a = points[i]!;
      if (t - a.time > HOLD_MS && i === points.length - 1) continue;
      const b = points[i + 1];
      const f = b && b.time > a.time ? (t - a.time) / (b.time - a.time) : 0;
      const lerp = (x: number, y: number) => x + (y - x) * Math.min(1, f);
      const at: ReplayPoint = b
        ? { ...a, time: t, lon: lerp(a.lon, b.lon), lat: lerp(a.lat, b.lat), altW84: lerp(a.altW84, b.altW84) }
        : a;
      const trail: ReplayDrone['trail'] = [];
      for (let k = lastAtOrBefore(points, t - TRAIL_MS) + 1; k <= i; k++) {
        const p = points[k]!;
        trail.push([p.lon, p.lat, p.altW84]);
      }
      trail.push([at.lon, at.lat, at.altW84]);
      out.push({ droneId, ...at, trail });
    }
    return out;
  }
}
