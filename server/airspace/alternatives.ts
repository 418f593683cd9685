import type { ReservationIndex } from './index.ts';
import { isBlocked } from './blocking.ts';
import { flightBlocks, zoneBlocks, type Claimant } from './priority.ts';
import type { SkyKey } from './types.ts';

export interface ShiftSearch {
  claimant: Claimant;
  /** The plan being replanned, whose own holds never block it. */
  exceptPlanId?: string;
  /** Latest shift that keeps the flight inside the planning horizon. */
  maxShiftMs: number;
  /** Departures are proposed on this grid (whole seconds by default). */
  stepMs?: number;
}

/**
 * The smallest delay ≥ 0 after which the same sky road meets nothing that blocks it, or null
 * when none exists within the horizon.
 *
 * Exact, not a scan of trial departures: each blocking hold on a key's cell forbids the open
 * interval of delays (hold.t0 − key.t1, hold.t1 − key.t0); the answer is the first point of the
 * grid that no forbidden interval covers.
 */
export function earliestDelay(index: ReservationIndex, keys: readonly SkyKey[], search: ShiftSearch): number | null {
  const forbidden: Array<[number, number]> = [];
  for (const k of keys) {
    for (const h of index.flightsAt(k.cell)) {
      if (h.planId === search.exceptPlanId || !flightBlocks(h, search.claimant)) continue;
      if (h.bandLo > k.bandHi || k.bandLo > h.bandHi) continue;
      forbidden.push([h.t0 - k.t1, h.t1 - k.t0]);
    }
    for (const z of index.zonesAt(k.cell)) {
      if (!zoneBlocks(z, search.claimant) || z.bandLo > k.bandHi || k.bandLo > z.bandHi) continue;
      for (const w of z.windows) forbidden.push([(w.from ?? -Infinity) - k.t1, (w.to ?? Infinity) - k.t0]);
    }
  }
  forbidden.sort((a, b) => a[0] - b[0]);

  const step = search.stepMs ?? 1000;
  let delay = 0;
  for (;;) {
    const free = firstFree(forbidden, delay);
    const onGrid = Math.ceil(free / step) * step;
    if (onGrid > search.maxShiftMs) return null;
    if (onGrid === delay) return delay;
    delay = onGrid;
  }
}

/** First delay ≥ from outside every open interval (intervals sorted by start). */
function firstFree(sorted: ReadonlyArray<[number, number]>, from: number): number {
  let delay = from;
  for (const [lo, hi] of sorted) {
    if (lo >= delay) break;
    if (hi > delay) delay = hi;
  }
  return delay;
}

/**
 * The first candidate (in the caller's order of preference) whose sky road meets nothing that
 * blocks it.
 */
export function firstClear<T extends { keys: readonly SkyKey[] }>(
  index: ReservationIndex,
  candidates: Iterable<T>,
  claimant: Claimant,
  exceptPlanId?: string,
): T | null {
  for (const c of candidates) {
    if (!isBlocked(index, c.keys, claimant, exceptPlanId)) return c;
  }
  return null;
}
