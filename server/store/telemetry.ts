import type { DroneState, TelemetrySample, TrackPoint } from '../protocol/index.ts';
import type { Queryable } from './db.ts';

export interface StoredBatch {
  gatewayId: string;
  /** Valid samples, in seq order: some may be stored already (a batch sent again, or overlapping another). */
  samples: readonly TelemetrySample[];
  /** Each drone's newest state among them, with the seq of the sample it comes from. */
  states: ReadonlyArray<{ seq: number; state: DroneState }>;
  receivedAt: number;
}

/**
 * Appends the samples a gateway's (gateway, seq) key does not already name, and folds the newest
 * of those into each drone's latest state (an older state, a replay arriving late, never
 * overwrites a newer one) — in one statement, whatever else is in flight: two batches of a
 * gateway stored at once, in any order, on any instances, each keep what the other lacks.
 * Returns the seqs stored now; the rest were already there.
 */
export async function storeBatch(db: Queryable, batch: StoredBatch): Promise<Set<number>> {
  const { gatewayId, samples, states, receivedAt } = batch;
  if (!samples.length) return new Set();
  const col = <T>(f: (s: TelemetrySample) => T) => samples.map(f);
  const rows = await db.query<{ seq: number }>(
    `WITH history AS (
       INSERT INTO telemetry_samples (drone_id, time, gateway_id, seq, lat, lon, alt_w84, alt_amsl, alt_relative,
         ground_speed_mps, vertical_speed_mps, heading_deg, battery_percent, battery_voltage, mode, armed, gps_fix,
         remote_id, received_at)
       SELECT d, t::timestamptz, $3, s, la, lo, w, a, r, gs, vs, h, bp, bv, m, ar, g, rid::jsonb, $19::timestamptz
       FROM unnest($1::text[], $2::text[], $4::int8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
         $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::text[],
         $16::bool[], $17::int2[], $18::text[])
         AS u(d, t, s, la, lo, w, a, r, gs, vs, h, bp, bv, m, ar, g, rid)
       ON CONFLICT (gateway_id, seq) DO NOTHING
       RETURNING seq
     ), latest AS (
       INSERT INTO drone_states (drone_id, gateway_id, time, received_at, link, state)
       SELECT s->>'droneId', s->>'gatewayId', (s->>'time')::timestamptz, (s->>'receivedAt')::timestamptz, s->>'link', s
       FROM (SELECT e->'state' AS s FROM jsonb_array_elements($20::jsonb) AS e
             WHERE (e->>'seq')::int8 IN (SELECT seq FROM history)) AS fresh
       ON CONFLICT (drone_id) DO UPDATE SET gateway_id = excluded.gateway_id, time = excluded.time,
         received_at = excluded.received_at, link = excluded.link, state = excluded.state
       WHERE drone_states.time <= excluded.time
     )
     SELECT seq::float8 AS seq FROM history`,
    [
      col((s) => s.droneId),
      col((s) => s.time),
      gatewayId,
      col((s) => s.seq),
      col((s) => s.lat),
      col((s) => s.lon),
      col((s) => s.altW84),
      col((s) => s.altAmsl),
      col((s) => s.altRelative),
      col((s) => s.groundSpeedMps),
      col((s) => s.verticalSpeedMps),
      col((s) => s.headingDeg),
      col((s) => s.batteryPercent),
      col((s) => s.batteryVoltage),
      col((s) => s.mode),
      col((s) => s.armed),
      col((s) => s.gpsFix),
      col((s) => (s.remoteId ? JSON.stringify(s.remoteId) : null)),
      new Date(receivedAt).toISOString(),
      JSON.stringify(states),
    ],
  );
  return new Set(rows.map((r) => r.seq));
}

export async function setLink(db: Queryable, droneId: string, link: DroneState['link']): Promise<void> {
  await db.query(
    `UPDATE drone_states SET link = $2, state = jsonb_set(state, '{link}', to_jsonb($2::text)) WHERE drone_id = $1`,
    [droneId, link],
  );
}

export async function listStates(db: Queryable): Promise<DroneState[]> {
  const rows = await db.query<{ state: DroneState }>('SELECT state FROM drone_states ORDER BY drone_id');
  return rows.map((r) => r.state);
}

export async function getState(db: Queryable, droneId: string): Promise<DroneState | null> {
  const rows = await db.query<{ state: DroneState }>('SELECT state FROM drone_states WHERE drone_id = $1', [droneId]);
  return rows[0]?.state ?? null;
}

/** A telemetry_samples row as TRACK_COLUMNS selects it; a drone's track and the history both read it. */
export interface TrackRow {
  time: Date;
  gateway_id: string;
  seq: number;
  lat: number;
  lon: number;
  alt_w84: number;
  alt_amsl: number;
  alt_relative: number | null;
  ground_speed_mps: number | null;
  vertical_speed_mps: number | null;
  heading_deg: number | null;
  battery_percent: number | null;
  battery_voltage: number | null;
  mode: string | null;
  armed: boolean;
  gps_fix: number | null;
  remote_id: TrackPoint['remoteId'];
  [column: string]: unknown;
}

/** The columns of a TrackRow (seq read as a float8: an int8 would come back as a string). */
export const TRACK_COLUMNS = `time, gateway_id, seq::float8 AS seq, lat, lon, alt_w84, alt_amsl, alt_relative,
  ground_speed_mps, vertical_speed_mps, heading_deg, battery_percent, battery_voltage, mode, armed, gps_fix, remote_id`;

export function trackPoint(r: TrackRow): TrackPoint {
  return {
    seq: r.seq,
    gatewayId: r.gateway_id,
    time: r.time.toISOString(),
    lat: r.lat,
    lon: r.lon,
    altW84: r.alt_w84,
    altAmsl: r.alt_amsl,
    altRelative: r.alt_relative,
    groundSpeedMps: r.ground_speed_mps,
    verticalSpeedMps: r.vertical_speed_mps,
    headingDeg: r.heading_deg,
    batteryPercent: r.battery_percent,
    batteryVoltage: r.battery_voltage,
    mode: r.mode,
    armed: r.armed,
    gpsFix: r.gps_fix,
    remoteId: r.remote_id,
  };
}

/** A drone's samples in [from, to), oldest first, at most `limit` (+1 to tell the caller there are more). */
export async function trackPoints(
  db: Queryable,
  droneId: string,
  from: number,
  to: number,
  limit: number,
): Promise<TrackPoint[]> {
  const rows = await db.query<TrackRow>(
    `SELECT ${TRACK_COLUMNS}
     FROM telemetry_samples
     WHERE drone_id = $1 AND time >= $2::timestamptz AND time < $3::timestamptz
     ORDER BY time, gateway_id, seq
     LIMIT $4`,
    [droneId, new Date(from).toISOString(), new Date(to).toISOString(), limit],
  );
  return rows.map(trackPoint);
}
