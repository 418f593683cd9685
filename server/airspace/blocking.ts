import type { ReservationIndex } from './index.ts';
import { overlaps } from './keys.ts';
import { flightBlocks, zoneBlocks, type Claimant } from './priority.ts';
import type { SkyKey } from './types.ts';

/**
 * Whether anything the index holds would refuse these keys: the same answer as
 * `judge(index.conflicts(keys), claimant).blocking.length > 0`, stopping at the first blocker
 * and building no conflict. Screening alternatives asks this many times per refusal, and the
 * answer is usually yes on the first few keys.
 */
export function isBlocked(
  index: ReservationIndex,
  keys: readonly SkyKey[],
  claimant: Claimant,
  exceptPlanId?: string,
): boolean {
  for (const k of keys) {
    for (const h of index.flightsAt(k.cell)) {
      if (h.planId !== exceptPlanId && flightBlocks(h, claimant) && overlaps(k, h)) return true;
    }
    for (const z of index.zonesAt(k.cell)) {
      if (!zoneBlocks(z, claimant) || k.bandLo > z.bandHi || z.bandLo > k.bandHi) continue;
      for (const w of z.windows) {
        if (Math.max(k.t0, w.from ?? -Infinity) < Math.min(k.t1, w.to ?? Infinity)) return true;
      }
    }
  }
  return false;
}
