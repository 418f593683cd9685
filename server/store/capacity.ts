import { LIVE_STATES } from '../protocol/index.ts';
import type { Queryable } from './db.ts';
import { int8ToCell } from './keys-sql.ts';

const LIVE = `('${LIVE_STATES.join("','")}')`;

/** What live plans hold in one coarse cell during one slot. */
export interface CellSlotUse {
  cell: string;
  slot: number;
  /** Cell-band-milliseconds held. */
  cellBandMs: number;
  /** Cell-milliseconds held (bands not counted). */
  cellMs: number;
  plans: number;
}

/**
 * Reserved airspace summed per coarse cell and slot, in the database: every key of the live plans
 * whose box meets the bbox is cut at the slot boundaries and counted in its cell's ancestor at
 * `resolution` (H3's layout: resolution in bits 52–55, unused 3-bit digits all ones).
 */
export async function cellSlotUse(
  q: Queryable,
  bbox: [number, number, number, number],
  window: { from: number; to: number; slotMs: number },
  resolution: number,
  limit: number,
): Promise<CellSlotUse[]> {
  const unused = (15 - resolution) * 3;
  const rows = await q.query<{
    parent: string;
    slot: number;
    cell_band_ms: number;
    cell_ms: number;
    plans: number;
  }>(
    `WITH k AS (
       SELECT p.id, u.cell, u.band_lo, u.band_hi, greatest(u.t0, $5::int8) AS t0, least(u.t1, $6::int8) AS t1
       FROM flight_plans p JOIN sky_roads r ON r.plan_id = p.id,
         unnest(r.cells, r.band_lo, r.band_hi, r.t0, r.t1) AS u(cell, band_lo, band_hi, t0, t1)
       WHERE p.state IN ${LIVE} AND p.max_lon >= $1 AND p.min_lon <= $3 AND p.max_lat >= $2 AND p.min_lat <= $4
         AND p.time_end > to_timestamp($5 / 1000.0) AND p.time_start < to_timestamp($6 / 1000.0)
         AND u.t0 < $6 AND u.t1 > $5)
     SELECT ((k.cell & ~(15::int8 << 52)) | ($8::int8 << 52) | ((1::int8 << $9) - 1))::text AS parent,
       s.slot::float8 AS slot,
       sum((k.band_hi - k.band_lo + 1) * (least(k.t1, (s.slot + 1) * $7) - greatest(k.t0, s.slot * $7)))::float8
         AS cell_band_ms,
       sum(least(k.t1, (s.slot + 1) * $7) - greatest(k.t0, s.slot * $7))::float8 AS cell_ms,
       count(DISTINCT k.id)::int AS plans
     FROM k CROSS JOIN LATERAL generate_series(k.t0 / $7, (k.t1 - 1) / $7) AS s(slot)
     GROUP BY 1, 2
     ORDER BY 2, 1
     LIMIT $10`,
    [...bbox, window.from, window.to, window.slotMs, resolution, unused, limit],
  );
  return rows.map((r) => ({
    cell: int8ToCell(r.parent),
    slot: r.slot * window.slotMs,
    cellBandMs: r.cell_band_ms,
    cellMs: r.cell_ms,
    plans: r.plans,
  }));
}
