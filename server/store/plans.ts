import type { FlightConflict } from '../airspace/index.ts';
import type { SkyKey } from '../airspace/types.ts';
import type { FlightPlanRequest, PlanState, SkyRoadSummary } from '../protocol/index.ts';
import { LIVE_STATES } from '../protocol/index.ts';
import type { Queryable } from './db.ts';
import { KEY_COLUMNS, keyArrayParams, rowToKey, unnestKeys, type KeyArrays, type KeyRow } from './keys-sql.ts';

export interface PlanRecord {
  id: string;
  version: number;
  state: PlanState;
  priority: number;
  droneId: string;
  owner: string;
  request: FlightPlanRequest;
  timeStart: number;
  timeEnd: number;
  departure: number | null;
  arrival: number | null;
  bbox: [number, number, number, number];
  skyRoad: SkyRoadSummary;
  stateReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PlanEventRecord {
  at: number;
  state: PlanState;
  version: number;
  reason: string | null;
}

const LIVE = `('${LIVE_STATES.join("','")}')`;
/** Channel on which every instance hears about every change of plans and zones. */
export const AIRSPACE_CHANNEL = 'soramichi_airspace';

const PLAN_COLUMNS = `id::text, version, state, priority, drone_id, owner, request, time_start, time_end, departure,
  arrival, min_lon, min_lat, max_lon, max_lat, sky_road, state_reason, created_at, updated_at`;

interface PlanRow {
  id: string;
  version: number;
  state: PlanState;
  priority: number;
  drone_id: string;
  owner: string;
  request: FlightPlanRequest;
  time_start: Date;
  time_end: Date;
  departure: Date | null;
  arrival: Date | null;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  sky_road: SkyRoadSummary;
  state_reason: string | null;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

function toRecord(r: PlanRow): PlanRecord {
  return {
    id: r.id,
    version: r.version,
    state: r.state,
    priority: r.priority,
    droneId: r.drone_id,
    owner: r.owner,
    request: r.request,
    timeStart: r.time_start.getTime(),
    timeEnd: r.time_end.getTime(),
    departure: r.departure?.getTime() ?? null,
    arrival: r.arrival?.getTime() ?? null,
    bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
    skyRoad: r.sky_road,
    stateReason: r.state_reason,
    createdAt: r.created_at.getTime(),
    updatedAt: r.updated_at.getTime(),
  };
}

const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Blocks until this transaction holds every stripe (coarse parent cell) of a sky road. Taken in
 * ascending order by every writer, so two writers never wait on each other in a cycle; two plans
 * that share a cell share its stripe, so they are decided one after the other.
 */
export async function lockStripes(tx: Queryable, stripes: readonly string[]): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(s) FROM unnest($1::int8[]) AS s', [stripes]);
}

/** Live keys of other plans that overlap the given keys, with the holder's priority. */
export async function findFlightConflicts(
  q: Queryable,
  keys: KeyArrays,
  exceptPlanId: string | null,
): Promise<FlightConflict[]> {
  const rows = await q.query<KeyRow & { plan_id: string; priority: number }>(
    `SELECT k.plan_id::text AS plan_id, p.priority, u.c::text AS cell,
       greatest(lower(k.bands), u.lo) AS band_lo, least(upper(k.bands) - 1, u.hi) AS band_hi,
       (extract(epoch FROM greatest(lower(k.during), to_timestamp(u.a / 1000.0))) * 1000)::float8 AS t0,
       (extract(epoch FROM least(upper(k.during), to_timestamp(u.z / 1000.0))) * 1000)::float8 AS t1
     FROM ${unnestKeys(1)}
     CROSS JOIN LATERAL (
       SELECT plan_id, bands, during FROM sky_keys k
       WHERE k.cell = u.c AND k.bands && int4range(u.lo, u.hi, '[]')
         AND k.during && tstzrange(to_timestamp(u.a / 1000.0), to_timestamp(u.z / 1000.0))
         AND k.plan_id IS DISTINCT FROM $6::uuid
       LIMIT 1000) k
     JOIN flight_plans p ON p.id = k.plan_id`,
    [...keyArrayParams(keys), exceptPlanId],
  );
  return rows.map((r) => ({ type: 'flight', id: r.plan_id, priority: r.priority, ...rowToKey(r) }));
}

export interface NewPlan {
  id: string;
  priority: number;
  droneId: string;
  owner: string;
  request: FlightPlanRequest;
  timeStart: number;
  timeEnd: number;
  departure: number | null;
  arrival: number | null;
  bbox: [number, number, number, number];
  skyRoad: SkyRoadSummary;
}

export async function insertPlan(tx: Queryable, plan: NewPlan, keys: KeyArrays, at: number): Promise<PlanRecord> {
  const [row] = await tx.query<PlanRow>(
    `INSERT INTO flight_plans (id, version, state, priority, drone_id, owner, request, time_start, time_end, departure,
       arrival, min_lon, min_lat, max_lon, max_lat, sky_road, created_at, updated_at)
     VALUES ($1, 1, 'Accepted', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
     RETURNING ${PLAN_COLUMNS}`,
    [
      plan.id,
      plan.priority,
      plan.droneId,
      plan.owner,
      JSON.stringify(plan.request),
      ts(plan.timeStart),
      ts(plan.timeEnd),
      ts(plan.departure),
      ts(plan.arrival),
      ...plan.bbox,
      JSON.stringify(plan.skyRoad),
      ts(at),
    ],
  );
  await insertKeys(tx, plan.id, keys);
  await recordEvents(tx, [{ id: plan.id, version: 1 }], 'Accepted', null, at);
  return toRecord(row!);
}

async function insertKeys(tx: Queryable, planId: string, keys: KeyArrays): Promise<void> {
  await tx.query(
    `INSERT INTO sky_keys (plan_id, cell, bands, during)
     SELECT $6, c, int4range(lo, hi, '[]'), tstzrange(to_timestamp(a / 1000.0), to_timestamp(z / 1000.0))
     FROM ${unnestKeys(1)}`,
    [...keyArrayParams(keys), planId],
  );
}

/** Gives a live plan a new sky road and request; its old keys go in the same statement batch. */
export async function replacePlan(
  tx: Queryable,
  plan: NewPlan,
  keys: KeyArrays,
  at: number,
): Promise<PlanRecord | null> {
  const [row] = await tx.query<PlanRow>(
    `UPDATE flight_plans SET version = version + 1, priority = $2, drone_id = $3, request = $4, time_start = $5,
       time_end = $6, departure = $7, arrival = $8, min_lon = $9, min_lat = $10, max_lon = $11, max_lat = $12,
       sky_road = $13, updated_at = $14
     WHERE id = $1 AND state IN ${LIVE}
     RETURNING ${PLAN_COLUMNS}`,
    [
      plan.id,
      plan.priority,
      plan.droneId,
      JSON.stringify(plan.request),
      ts(plan.timeStart),
      ts(plan.timeEnd),
      ts(plan.departure),
      ts(plan.arrival),
      ...plan.bbox,
      JSON.stringify(plan.skyRoad),
      ts(at),
    ],
  );
  if (!row) return null;
  await tx.query('DELETE FROM sky_keys WHERE plan_id = $1', [plan.id]);
  await insertKeys(tx, plan.id, keys);
  await recordEvents(tx, [{ id: row.id, version: row.version }], row.state, 'replanned', at);
  return toRecord(row);
}

/**
 * Moves plans from one of `from` to `to`. Leaving the live states frees their keys in the same
 * transaction. Returns the plans that moved.
 */
export async function transition(
  tx: Queryable,
  ids: readonly string[],
  from: readonly PlanState[],
  to: PlanState,
  reason: string | null,
  at: number,
): Promise<PlanRecord[]> {
  if (ids.length === 0) return [];
  const rows = await tx.query<PlanRow>(
    `UPDATE flight_plans SET state = $2, version = version + 1, state_reason = $3, updated_at = $4
     WHERE id = ANY($1::uuid[]) AND state = ANY($5::text[])
     RETURNING ${PLAN_COLUMNS}`,
    [ids, to, reason, ts(at), from],
  );
  if (!(LIVE_STATES as readonly string[]).includes(to) && rows.length) {
    await tx.query('DELETE FROM sky_keys WHERE plan_id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
  }
  await recordEvents(
    tx,
    rows.map((r) => ({ id: r.id, version: r.version })),
    to,
    reason,
    at,
  );
  return rows.map(toRecord);
}

async function recordEvents(
  tx: Queryable,
  plans: ReadonlyArray<{ id: string; version: number }>,
  state: PlanState,
  reason: string | null,
  at: number,
): Promise<void> {
  if (plans.length === 0) return;
  await tx.query(
    `INSERT INTO plan_events (plan_id, at, version, state, reason)
     SELECT id, $3, v, $4, $5 FROM unnest($1::uuid[], $2::int4[]) AS e(id, v)`,
    [plans.map((p) => p.id), plans.map((p) => p.version), ts(at), state, reason],
  );
}

/** Tells every instance (this one included) which plans changed; delivered at commit. */
export async function notifyPlans(tx: Queryable, plans: ReadonlyArray<{ id: string; version: number }>): Promise<void> {
  if (plans.length === 0) return;
  await tx.query(`SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, [
    AIRSPACE_CHANNEL,
    plans.map((p) => JSON.stringify({ plan: p.id, version: p.version })),
  ]);
}

export async function getPlan(q: Queryable, id: string): Promise<PlanRecord | null> {
  const [row] = await q.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM flight_plans WHERE id = $1`, [id]);
  return row ? toRecord(row) : null;
}

export async function getPlans(q: Queryable, ids: readonly string[]): Promise<PlanRecord[]> {
  const rows = await q.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM flight_plans WHERE id = ANY($1::uuid[])`, [ids]);
  return rows.map(toRecord);
}

export async function planEvents(q: Queryable, id: string): Promise<PlanEventRecord[]> {
  const rows = await q.query<{ at: Date; state: PlanState; version: number; reason: string | null }>(
    'SELECT at, state, version, reason FROM plan_events WHERE plan_id = $1 ORDER BY at, version',
    [id],
  );
  return rows.map((r) => ({ ...r, at: r.at.getTime() }));
}

export interface PlanFilter {
  states?: readonly PlanState[] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  bbox?: [number, number, number, number] | undefined;
  droneId?: string | undefined;
  owner?: string | undefined;
  limit: number;
}

export async function listPlans(q: Queryable, f: PlanFilter): Promise<PlanRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql.replace(/\$(\d)/g, (_, n: string) => `$${params.length + Number(n)}`));
    params.push(...values);
  };
  if (f.states) add('state = ANY($1::text[])', f.states);
  if (f.from !== undefined) add('time_end > $1', ts(f.from));
  if (f.to !== undefined) add('time_start < $1', ts(f.to));
  if (f.bbox) add('max_lon >= $1 AND min_lon <= $3 AND max_lat >= $2 AND min_lat <= $4', ...f.bbox);
  if (f.droneId) add('drone_id = $1', f.droneId);
  if (f.owner) add('owner = $1', f.owner);
  const rows = await q.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM flight_plans ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY time_start, id LIMIT ${Math.floor(f.limit)}`,
    params,
  );
  return rows.map(toRecord);
}

export async function planKeys(q: Queryable, id: string): Promise<SkyKey[]> {
  const rows = await q.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM sky_keys k WHERE k.plan_id = $1 ORDER BY k.cell`, [
    id,
  ]);
  return rows.map(rowToKey);
}

export interface LivePlanKeys {
  id: string;
  version: number;
  priority: number;
  state: PlanState;
  keys: SkyKey[];
}

/** Keys of the given live plans (or of every live plan), grouped by plan, for the mirror. */
export async function livePlanKeys(q: Queryable, ids?: readonly string[]): Promise<LivePlanKeys[]> {
  const rows = await q.query<KeyRow & { plan_id: string; version: number; priority: number; state: PlanState }>(
    `SELECT p.id::text AS plan_id, p.version, p.priority, p.state, ${KEY_COLUMNS}
     FROM flight_plans p JOIN sky_keys k ON k.plan_id = p.id
     WHERE p.state IN ${LIVE} ${ids ? 'AND p.id = ANY($1::uuid[])' : ''}`,
    ids ? [ids] : [],
  );
  const byPlan = new Map<string, LivePlanKeys>();
  for (const r of rows) {
    let plan = byPlan.get(r.plan_id);
    if (!plan) {
      plan = { id: r.plan_id, version: r.version, priority: r.priority, state: r.state, keys: [] };
      byPlan.set(r.plan_id, plan);
    }
    plan.keys.push(rowToKey(r));
  }
  return [...byPlan.values()];
}

export interface AirspaceKeyRow extends SkyKey {
  planId: string;
  state: PlanState;
  owner: string;
}

/** Keys of live plans whose box meets the bbox, overlapping [from, to). */
export async function airspaceKeys(
  q: Queryable,
  bbox: [number, number, number, number],
  from: number,
  to: number,
  limit: number,
): Promise<AirspaceKeyRow[]> {
  const rows = await q.query<KeyRow & { plan_id: string; state: PlanState; owner: string }>(
    `SELECT p.id::text AS plan_id, p.state, p.owner, ${KEY_COLUMNS}
     FROM flight_plans p JOIN sky_keys k ON k.plan_id = p.id
     WHERE p.state IN ${LIVE} AND p.max_lon >= $1 AND p.min_lon <= $3 AND p.max_lat >= $2 AND p.min_lat <= $4
       AND p.time_end > $5 AND p.time_start < $6
       AND k.during && tstzrange($5, $6)
     LIMIT $7`,
    [...bbox, ts(from), ts(to), limit],
  );
  return rows.map((r) => ({ ...rowToKey(r), planId: r.plan_id, state: r.state, owner: r.owner }));
}
