import type { AirspaceParams } from '../airspace/types.ts';
import { slotCapacity, slotStart, SLOT_MS } from '../airspace/usage.ts';
import type { Capacity } from '../protocol/index.ts';
import type { Queryable } from '../store/db.ts';
import { cellSlotUse } from '../store/capacity.ts';

/** Cell-slots one answer carries at most: a city's coarse cells over two days, with room to spare. */
const MAX_SLOTS = 100_000;
const HOUR_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * How much of the sky is reserved in a box between two moments, per coarse H3 cell and 15-minute
 * slot (the window widened to whole slots): the share of the cell's airspace below 150 m above
 * the ground that live plans hold, the cell-hours they hold and how many plans hold them.
 */
export async function capacity(
  q: Queryable,
  bbox: [number, number, number, number],
  window: { from: number; to: number },
  resolution: number,
  params: AirspaceParams,
): Promise<Capacity> {
  const from = slotStart(window.from);
  const to = slotStart(window.to - 1) + SLOT_MS;
  const offered = slotCapacity(resolution, params);
  const use = await cellSlotUse(q, bbox, { from, to, slotMs: SLOT_MS }, resolution, MAX_SLOTS);
  return {
    h3Resolution: resolution,
    slotMinutes: SLOT_MS / 60_000,
    from: iso(from),
    to: iso(to),
    slots: use.map((u) => ({
      cell: u.cell,
      start: iso(u.slot),
      end: iso(u.slot + SLOT_MS),
      reserved: Math.min(1, Math.round((u.cellBandMs / offered) * 1e4) / 1e4),
      cellHours: Math.round((u.cellMs / HOUR_MS) * 1e3) / 1e3,
      plans: u.plans,
    })),
  };
}
