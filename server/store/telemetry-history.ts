import type { TrackPoint } from '../protocol/index.ts';
import type { Queryable } from './db.ts';
import { TRACK_COLUMNS, trackPoint, type TrackRow } from './telemetry.ts';

export interface HistoryWindow {
  from: number;
  to: number;
  bbox: [number, number, number, number] | null;
  /** At most one sample per drone per this many milliseconds; 0 keeps every sample. */
  intervalMs: number;
  limit: number;
}

type HistoryRow = TrackRow & { drone_id: string };

/**
 * Every drone's samples in [from, to) inside the box, oldest first, thinned to one per drone per
 * interval (the first of each), at most `limit` (+1 to tell the caller there are more).
 */
export async function historySamples(
  q: Queryable,
  w: HistoryWindow,
): Promise<Array<{ droneId: string; point: TrackPoint }>> {
  const params: unknown[] = [new Date(w.from).toISOString(), new Date(w.to).toISOString()];
  let where = 'time >= $1::timestamptz AND time < $2::timestamptz';
  if (w.bbox) {
    params.push(...w.bbox);
    where += ' AND lon >= $3 AND lat >= $4 AND lon <= $5 AND lat <= $6';
  }
  const thinned =
    w.intervalMs > 0
      ? `SELECT DISTINCT ON (drone_id, bucket) * FROM (
           SELECT *, floor(extract(epoch FROM time) * 1000 / ${Math.floor(w.intervalMs)}) AS bucket
           FROM telemetry_samples WHERE ${where}) b
         ORDER BY drone_id, bucket, time, gateway_id, seq`
      : `SELECT * FROM telemetry_samples WHERE ${where}`;
  const rows = await q.query<HistoryRow>(
    `SELECT drone_id, ${TRACK_COLUMNS} FROM (${thinned}) s ORDER BY time, drone_id, gateway_id, seq LIMIT ${Math.floor(w.limit)}`,
    params,
  );
  return rows.map((r) => ({ droneId: r.drone_id, point: trackPoint(r) }));
}

/**
 * Deletes at most `batch` samples older than `before`; returns how many went. Small batches keep
 * each transaction short, so ingest never waits long behind a purge.
 */
export async function purgeSamplesBefore(q: Queryable, before: number, batch: number): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM telemetry_samples WHERE ctid IN (
         SELECT ctid FROM telemetry_samples WHERE time < $1::timestamptz LIMIT ${Math.floor(batch)})
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [new Date(before).toISOString()],
  );
  return rows[0]!.n;
}
