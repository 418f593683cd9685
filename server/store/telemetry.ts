import type { DroneState, TelemetrySample, TrackPoint } from '../protocol/index.ts';
import type { Queryable } from './db.ts';

/**
 * Locks the gateway's row and returns the highest seq already stored for it (-1 for a new
 * gateway), in one statement: the upsert's no-op update takes the row lock, and under
 * concurrency returns the seq the previous holder committed. Held until the transaction ends,
 * so two server instances handed the same replayed batch store it once.
 */
export async function lockGatewaySeq(tx: Queryable, gatewayId: string): Promise<number> {
  const rows = await tx.query<{ last_seq: number }>(
    `INSERT INTO telemetry_gateways (gateway_id, last_seq) VALUES ($1, -1)
     ON CONFLICT (gateway_id) DO UPDATE SET last_seq = telemetry_gateways.last_seq
     RETURNING last_seq::float8 AS last_seq`,
    [gatewayId],
  );
  return rows[0]!.last_seq;
}

export interface StoredBatch {
  gatewayId: string;
  /** New samples, in seq order. */
  samples: readonly TelemetrySample[];
  /** Each drone's newest state among them. */
  states: readonly DroneState[];
  receivedAt: number;
}

/**
 * Appends the samples to the history, folds the states into each drone's latest (an older state,
 * a replay arriving late, never overwrites a newer one) and advances the gateway's seq — one
 * statement, so a gateway's lock is held for two statements, not five: a gateway's batches are
 * stored one after another, and its drones reach the live map only once stored.
 */
export async function storeBatch(tx: Queryable, batch: StoredBatch): Promise<void> {
  const { gatewayId, samples, states, receivedAt } = batch;
  if (!samples.length) return;
  const col = <T>(f: (s: TelemetrySample) => T) => samples.map(f);
  await tx.query(
    `WITH history AS (
       INSERT INTO telemetry_samples (drone_id, time, gateway_id, seq, lat, lon, alt_w84, alt_amsl, alt_relative,
         ground_speed_mps, vertical_speed_mps, heading_deg, battery_percent, battery_voltage, mode, armed, gps_fix,
         remote_id, received_at)
       SELECT d, t::timestamptz, $3, s, la, lo, w, a, r, gs, vs, h, bp, bv, m, ar, g, rid::jsonb, $19::timestamptz
       FROM unnest($1::text[], $2::text[], $4::int8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
         $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::text[],
         $16::bool[], $17::int2[], $18::text[])
         AS u(d, t, s, la, lo, w, a, r, gs, vs, h, bp, bv, m, ar, g, rid)
     ), latest AS (
       INSERT INTO drone_states (drone_id, gateway_id, time, received_at, link, state)
       SELECT s->>'droneId', s->>'gatewayId', (s->>'time')::timestamptz, (s->>'receivedAt')::timestamptz, s->>'link', s
       FROM jsonb_array_elements($20::jsonb) AS s
       ON CONFLICT (drone_id) DO UPDATE SET gateway_id = excluded.gateway_id, time = excluded.time,
         received_at = excluded.received_at, link = excluded.link, state = excluded.state
       WHERE drone_states.time <= excluded.time
     )
     UPDATE telemetry_gateways SET last_seq = $21, updated_at = now() WHERE gateway_id = $3`,
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
      samples.at(-1)!.seq,
    ],
  );
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

interface TrackRow {
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

/** A drone's samples in [from, to), oldest first, at most `limit` (+1 to tell the caller there are more). */
export async function trackPoints(
  db: Queryable,
  droneId: string,
  from: number,
  to: number,
  limit: number,
): Promise<TrackPoint[]> {
  const rows = await db.query<TrackRow>(
    `SELECT time, gateway_id, seq::float8 AS seq, lat, lon, alt_w84, alt_amsl, alt_relative, ground_speed_mps,
       vertical_speed_mps, heading_deg, battery_percent, battery_voltage, mode, armed, gps_fix, remote_id
     FROM telemetry_samples
     WHERE drone_id = $1 AND time >= $2::timestamptz AND time < $3::timestamptz
     ORDER BY time, gateway_id, seq
     LIMIT $4`,
    [droneId, new Date(from).toISOString(), new Date(to).toISOString(), limit],
  );
  return rows.map((r) => ({
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
  }));
}
