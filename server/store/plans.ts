import type { SkyKey } from '../airspace/types.ts';
import type { FlightPlanRequest, PlanState, SkyRoadSummary } from '../protocol/index.ts';
import { LIVE_STATES } from '../protocol/index.ts';
import type { Queryable } from './db.ts';
import { AIRSPACE_CHANNEL, OPERATOR_LOCK_CLASS } from './coordination.ts';
import {
  int8ToCell,
  KEY_ARRAY_COLUMNS,
  keyArrayParams,
  rowToKeys,
  type KeyArrayRow,
  type KeyArrays,
  type StripeWindows,
} from './keys-sql.ts';

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
  /** A Held plan: when its sky road is released unless confirmed; null in every other state. */
  heldUntil: number | null;
  /** Hours each cell is held, summed over the sky road's keys: what counts against a cap. */
  cellHours: number;
  bbox: [number, number, number, number];
  skyRoad: SkyRoadSummary;
  stateReason: string | null;
  /** The operator's contact details, sealed (privacy/vault.ts); never in `request`. */
  contact: Uint8Array | null;
  /** The pilot's name and licence, sealed; never in `request`. */
  pilot: Uint8Array | null;
  /** Restricted zones the plan may enter under an authorisation verified when it was decided. */
  grantedZones: string[];
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

const PLAN_COLUMNS = `id::text, version, state, priority, drone_id, owner, request, time_start, time_end, departure,
  arrival, held_until, cell_hours, min_lon, min_lat, max_lon, max_lat, sky_road, state_reason, contact, pilot,
  granted_zones::text[], created_at,
  updated_at`;

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
  held_until: Date | null;
  cell_hours: number;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  sky_road: SkyRoadSummary;
  state_reason: string | null;
  contact: Uint8Array | null;
  pilot: Uint8Array | null;
  granted_zones: string[];
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
    heldUntil: r.held_until?.getTime() ?? null,
    cellHours: r.cell_hours,
    bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
    skyRoad: r.sky_road,
    stateReason: r.state_reason,
    contact: r.contact,
    pilot: r.pilot,
    grantedZones: r.granted_zones,
    createdAt: r.created_at.getTime(),
    updatedAt: r.updated_at.getTime(),
  };
}

const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const HELD_UNTIL_MS = '(extract(epoch FROM p.held_until) * 1000)::float8 AS held_until';

/**
 * Versions of the given plans that still hold a sky road (with a Held plan's expiry), and the
 * zones' revision: enough to trust a mirror.
 */
export async function liveVersions(
  q: Queryable,
  ids: readonly string[],
): Promise<{ revision: string; versions: Map<string, { version: number; heldUntil: number | null }> }> {
  const rows = await q.query<{ revision: string; id: string | null; version: number; held_until: number | null }>(
    `SELECT r.zones::text AS revision, p.id::text, p.version, ${HELD_UNTIL_MS} FROM airspace_revision r
     LEFT JOIN flight_plans p ON p.id = ANY($1::uuid[]) AND p.state IN ${LIVE}`,
    [ids],
  );
  return {
    revision: rows[0]!.revision,
    versions: new Map(
      rows.flatMap((r) => (r.id ? [[r.id, { version: r.version, heldUntil: r.held_until }] as const] : [])),
    ),
  };
}

/**
 * Waits until this transaction alone decides for this operator, then sums the cell-hours its
 * live plans hold (but `exceptPlanId`'s, which a replan replaces). Taken after the stripes, by
 * every decision in the same order, and only for an operator with a cap.
 */
export async function lockedUsage(q: Queryable, owner: string, exceptPlanId: string | null): Promise<number> {
  await q.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [OPERATOR_LOCK_CLASS, owner]);
  const [row] = await q.query<{ used: number }>(
    `SELECT coalesce(sum(cell_hours), 0)::float8 AS used FROM flight_plans
     WHERE owner = $1 AND state IN ${LIVE} AND id IS DISTINCT FROM $2::uuid`,
    [owner, exceptPlanId],
  );
  return row!.used;
}

export interface NewPlan {
  id: string;
  cellHours: number;
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
  /** Sealed contact details; on a replan, null keeps the ones already held. */
  contact: Uint8Array | null;
  /** Sealed pilot details; on a replan, null keeps the ones already held. */
  pilot: Uint8Array | null;
  grantedZones: readonly string[];
}

/** Every change of a plan appends its event and notifies every instance (delivered at commit). */
const RECORD_AND_NOTIFY = (cte: string, reason: string) => `
  ev AS (INSERT INTO plan_events (plan_id, at, version, state, reason)
         SELECT id, updated_at, version, state, ${reason} FROM ${cte})
  SELECT ${PLAN_COLUMNS},
    pg_notify('${AIRSPACE_CHANNEL}', json_build_object('plan', id::text, 'version', version)::text) AS notified
  FROM ${cte}`;

/** The sky road of plan `id` (an SQL expression): its keys ($1–$5) and stripe windows ($6–$8). */
const WRITE_SKY_ROAD = (id: string) => `
  road AS (INSERT INTO sky_roads (plan_id, cells, band_lo, band_hi, t0, t1)
           SELECT ${id}, $1::int8[], $2::int2[], $3::int2[], $4::int8[], $5::int8[]),
  stripes AS (INSERT INTO sky_road_stripes (plan_id, stripe, during)
              SELECT ${id}, s, int8range(a, z) FROM unnest($6::int8[], $7::int8[], $8::int8[]) AS w(s, a, z))`;

const skyRoadParams = (keys: KeyArrays, windows: StripeWindows) => [
  ...keyArrayParams(keys),
  windows.stripes,
  windows.t0,
  windows.t1,
];

/**
 * Inserts a plan with its sky road and first event, in one statement: Held until `heldUntil`, or
 * Accepted outright when that is null.
 */
export async function insertPlan(
  tx: Queryable,
  plan: NewPlan,
  keys: KeyArrays,
  windows: StripeWindows,
  at: number,
  heldUntil: number | null,
): Promise<PlanRecord> {
  const [row] = await tx.query<PlanRow>(
    `WITH plan AS (
       INSERT INTO flight_plans (id, version, state, priority, drone_id, owner, request, time_start, time_end, departure,
         arrival, min_lon, min_lat, max_lon, max_lat, sky_road, contact, pilot, held_until, cell_hours, granted_zones,
         created_at, updated_at)
       VALUES ($9, 1, $27, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $24, $25, $26, $28,
         $29::uuid[], $23, $23)
       RETURNING *),
     ${WRITE_SKY_ROAD('$9::uuid')},
     ${RECORD_AND_NOTIFY('plan', 'NULL')}`,
    [
      ...skyRoadParams(keys, windows),
      ...planValues(plan),
      ts(at),
      plan.contact,
      plan.pilot,
      ts(heldUntil),
      heldUntil === null ? 'Accepted' : 'Held',
      plan.cellHours,
      plan.grantedZones,
    ],
  );
  return toRecord(row!);
}

function planValues(plan: NewPlan): unknown[] {
  return [
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
  ];
}

/** Frees the sky roads of the plans in `cte` when `when` holds (their rows go in the same statement). */
const FREE_SKY_ROADS = (cte: string, when: string) => `
  gone_road AS (DELETE FROM sky_roads WHERE ${when} AND plan_id IN (SELECT id FROM ${cte})),
  gone_stripes AS (DELETE FROM sky_road_stripes WHERE ${when} AND plan_id IN (SELECT id FROM ${cte}))`;

/**
 * Gives a live plan a new sky road and request, in one statement; null when the plan is no
 * longer live or no longer at the expected version.
 */
export async function replacePlan(
  tx: Queryable,
  plan: NewPlan,
  keys: KeyArrays,
  windows: StripeWindows,
  expectedVersion: number,
  at: number,
): Promise<PlanRecord | null> {
  const [row] = await tx.query<PlanRow>(
    `WITH plan AS (
       UPDATE flight_plans SET version = version + 1, priority = $10, drone_id = $11, request = $13, time_start = $14,
         time_end = $15, departure = $16, arrival = $17, min_lon = $18, min_lat = $19, max_lon = $20, max_lat = $21,
         sky_road = $22, updated_at = $23, contact = COALESCE($25, contact), pilot = COALESCE($26, pilot),
         cell_hours = $27, granted_zones = $28::uuid[]
       WHERE id = $9 AND state IN ${LIVE} AND version = $24 AND $12::text IS NOT NULL
       RETURNING *),
     road AS (UPDATE sky_roads SET cells = $1::int8[], band_lo = $2::int2[], band_hi = $3::int2[], t0 = $4::int8[],
                t1 = $5::int8[] WHERE plan_id IN (SELECT id FROM plan)),
     gone_stripes AS (DELETE FROM sky_road_stripes WHERE plan_id IN (SELECT id FROM plan)),
     stripes AS (INSERT INTO sky_road_stripes (plan_id, stripe, during)
                 SELECT p.id, s, int8range(a, z) FROM plan p, unnest($6::int8[], $7::int8[], $8::int8[]) AS w(s, a, z)),
     ${RECORD_AND_NOTIFY('plan', "'replanned'")}`,
    [
      ...skyRoadParams(keys, windows),
      ...planValues(plan),
      ts(at),
      expectedVersion,
      plan.contact,
      plan.pilot,
      plan.cellHours,
      plan.grantedZones,
    ],
  );
  return row ? toRecord(row) : null;
}

/**
 * Holds another USS's operational intent as a plan of `plan.owner` in `state`, with its sky road:
 * inserted, or replacing what that owner held under the id before (a newer version from its USS,
 * a pre-empted one revived). No conflict check: the peer's USS decided it. Null, and nothing
 * written, when the id is another owner's plan. Run under the locks of the old and new stripes.
 */
export async function holdPeerPlan(
  tx: Queryable,
  plan: NewPlan,
  state: PlanState,
  keys: KeyArrays,
  windows: StripeWindows,
  at: number,
): Promise<PlanRecord | null> {
  const same = 'plan_id = $1 AND EXISTS (SELECT 1 FROM flight_plans WHERE id = $1 AND owner = $2)';
  await tx.query(`DELETE FROM sky_road_stripes WHERE ${same}`, [plan.id, plan.owner]);
  await tx.query(`DELETE FROM sky_roads WHERE ${same}`, [plan.id, plan.owner]);
  const [row] = await tx.query<PlanRow>(
    `WITH plan AS (
       INSERT INTO flight_plans (id, version, state, priority, drone_id, owner, request, time_start, time_end, departure,
         arrival, min_lon, min_lat, max_lon, max_lat, sky_road, cell_hours, created_at, updated_at)
       VALUES ($9, 1, $24, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $25, $23, $23)
       ON CONFLICT (id) DO UPDATE SET version = flight_plans.version + 1, state = excluded.state,
         priority = excluded.priority, drone_id = excluded.drone_id, request = excluded.request,
         time_start = excluded.time_start, time_end = excluded.time_end, departure = excluded.departure,
         arrival = excluded.arrival, min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon,
         max_lat = excluded.max_lat, sky_road = excluded.sky_road, cell_hours = excluded.cell_hours,
         state_reason = NULL, held_until = NULL, updated_at = excluded.updated_at
       WHERE flight_plans.owner = excluded.owner
       RETURNING *),
     road AS (INSERT INTO sky_roads (plan_id, cells, band_lo, band_hi, t0, t1)
              SELECT id, $1::int8[], $2::int2[], $3::int2[], $4::int8[], $5::int8[] FROM plan),
     stripes AS (INSERT INTO sky_road_stripes (plan_id, stripe, during)
                 SELECT p.id, s, int8range(a, z) FROM plan p, unnest($6::int8[], $7::int8[], $8::int8[]) AS w(s, a, z)),
     ${RECORD_AND_NOTIFY('plan', 'NULL')}`,
    [...skyRoadParams(keys, windows), ...planValues(plan), ts(at), state, plan.cellHours],
  );
  return row ? toRecord(row) : null;
}

/**
 * Moves plans from one of `from` to `to`, in one statement. Leaving the live states frees their
 * sky roads at once. Returns the plans that moved.
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
    `WITH moved AS (
       UPDATE flight_plans SET state = $2, version = version + 1, state_reason = $3, updated_at = $4, held_until = NULL
       WHERE id = ANY($1::uuid[]) AND state = ANY($5::text[])
       RETURNING *),
     ${FREE_SKY_ROADS('moved', '$6')},
     ${RECORD_AND_NOTIFY('moved', 'state_reason')}`,
    [ids, to, reason, ts(at), from, !(LIVE_STATES as readonly string[]).includes(to)],
  );
  return rows.map(toRecord);
}

/**
 * Confirms a held plan: it becomes Accepted, keeping its sky road, if its hold has not expired
 * by `at`. Null when it is not Held or its hold is over.
 */
export async function confirmHold(tx: Queryable, id: string, at: number): Promise<PlanRecord | null> {
  const [row] = await tx.query<PlanRow>(
    `WITH moved AS (
       UPDATE flight_plans SET state = 'Accepted', version = version + 1, state_reason = 'confirmed', updated_at = $2,
         held_until = NULL
       WHERE id = $1 AND state = 'Held' AND held_until > $2
       RETURNING *),
     ${RECORD_AND_NOTIFY('moved', 'state_reason')}`,
    [id, ts(at)],
  );
  return row ? toRecord(row) : null;
}

/** Held plans whose hold is over at `now`, among `ids` when given (at most 1,000 at a time). */
export async function expiredHoldIds(q: Queryable, now: number, ids?: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT id::text FROM flight_plans WHERE state = 'Held' AND held_until <= $1 ${ids ? 'AND id = ANY($2::uuid[])' : ''}
     ORDER BY held_until LIMIT 1000`,
    ids ? [ts(now), ids] : [ts(now)],
  );
  return rows.map((r) => r.id);
}

/** Every held plan with its expiry, for an instance that starts watching them. */
export async function heldPlans(q: Queryable): Promise<Array<{ id: string; heldUntil: number }>> {
  const rows = await q.query<{ id: string; held_until: Date }>(
    `SELECT id::text, held_until FROM flight_plans WHERE state = 'Held'`,
  );
  return rows.map((r) => ({ id: r.id, heldUntil: r.held_until.getTime() }));
}

/**
 * Takes a restricted zone out of the live plans of one drone of one operator (its authorisation
 * was revoked): from now on the monitor judges the drone there as unauthorised. Returns the
 * plans changed.
 */
export async function withdrawGrantedZone(
  tx: Queryable,
  f: { zoneId: string; operator: string; droneId: string; reason: string; at: number },
): Promise<PlanRecord[]> {
  const rows = await tx.query<PlanRow>(
    `WITH plan AS (
       UPDATE flight_plans SET granted_zones = array_remove(granted_zones, $1::uuid), version = version + 1,
         updated_at = $5
       WHERE owner = $2 AND drone_id = $3 AND state IN ${LIVE} AND $1::uuid = ANY(granted_zones)
       RETURNING *),
     ${RECORD_AND_NOTIFY('plan', '$4')}`,
    [f.zoneId, f.operator, f.droneId, f.reason, ts(f.at)],
  );
  return rows.map(toRecord);
}

/** Accepted plans whose reservation ended before `now` (at most 1,000 at a time). */
export async function expiredPlanIds(q: Queryable, now: number): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT id::text FROM flight_plans WHERE state = 'Accepted' AND time_end < $1 ORDER BY time_end LIMIT 1000`,
    [ts(now)],
  );
  return rows.map((r) => r.id);
}

export async function getPlan(q: Queryable, id: string): Promise<PlanRecord | null> {
  const [row] = await q.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM flight_plans WHERE id = $1`, [id]);
  return row ? toRecord(row) : null;
}

/** The operator who filed a plan, or null when there is no such plan. */
export async function planOwner(q: Queryable, id: string): Promise<string | null> {
  const [row] = await q.query<{ owner: string }>('SELECT owner FROM flight_plans WHERE id = $1', [id]);
  return row?.owner ?? null;
}

/** Whether this operator has filed a plan for the drone (a live one, with `liveOnly`). */
export async function operatesDrone(q: Queryable, owner: string, droneId: string, liveOnly: boolean): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM flight_plans WHERE owner = $1 AND drone_id = $2 ${liveOnly ? `AND state IN ${LIVE}` : ''} LIMIT 1`,
    [owner, droneId],
  );
  return rows.length > 0;
}

/** Another live plan of the drone whose reservation overlaps [from, to), if any. */
export async function overlappingPlanOfDrone(
  q: Queryable,
  f: { droneId: string; from: number; to: number; exceptPlanId: string | null },
): Promise<PlanRecord | null> {
  const [row] = await q.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM flight_plans WHERE drone_id = $1 AND state IN ${LIVE} AND time_start < $3
       AND time_end > $2 AND id IS DISTINCT FROM $4::uuid ORDER BY time_start LIMIT 1`,
    [f.droneId, ts(f.from), ts(f.to), f.exceptPlanId],
  );
  return row ? toRecord(row) : null;
}

/** Whether any plan for the drone still holds a sky road. */
export async function hasLivePlans(q: Queryable, droneId: string): Promise<boolean> {
  return (
    (await q.query(`SELECT 1 FROM flight_plans WHERE drone_id = $1 AND state IN ${LIVE} LIMIT 1`, [droneId])).length > 0
  );
}

export async function getPlans(q: Queryable, ids: readonly string[]): Promise<PlanRecord[]> {
  if (ids.length === 0) return [];
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
  const [row] = await q.query<KeyArrayRow>(`SELECT ${KEY_ARRAY_COLUMNS} FROM sky_roads r WHERE r.plan_id = $1`, [id]);
  return row ? rowToKeys(row) : [];
}

export interface LivePlanKeys {
  id: string;
  version: number;
  priority: number;
  state: PlanState;
  keys: SkyKey[];
}

/** The sky roads of the given live plans (or of every live plan), for the mirror. */
export async function livePlanKeys(q: Queryable, ids?: readonly string[]): Promise<LivePlanKeys[]> {
  const rows = await q.query<KeyArrayRow & { id: string; version: number; priority: number; state: PlanState }>(
    `SELECT p.id::text, p.version, p.priority, p.state, ${KEY_ARRAY_COLUMNS}
     FROM flight_plans p JOIN sky_roads r ON r.plan_id = p.id
     WHERE p.state IN ${LIVE} ${ids ? 'AND p.id = ANY($1::uuid[])' : ''}`,
    ids ? [ids] : [],
  );
  return rows.map((r) => ({ id: r.id, version: r.version, priority: r.priority, state: r.state, keys: rowToKeys(r) }));
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
  const rows = await q.query<{
    plan_id: string;
    state: PlanState;
    owner: string;
    cell: string;
    band_lo: number;
    band_hi: number;
    t0: number;
    t1: number;
  }>(
    `SELECT p.id::text AS plan_id, p.state, p.owner, k.cell::text AS cell, k.band_lo, k.band_hi, k.t0::float8 AS t0, k.t1::float8 AS t1
     FROM flight_plans p JOIN sky_roads r ON r.plan_id = p.id,
       unnest(r.cells, r.band_lo, r.band_hi, r.t0, r.t1) AS k(cell, band_lo, band_hi, t0, t1)
     WHERE p.state IN ${LIVE} AND p.max_lon >= $1 AND p.min_lon <= $3 AND p.max_lat >= $2 AND p.min_lat <= $4
       AND p.time_end > $5 AND p.time_start < $6 AND k.t0 < $8 AND $7 < k.t1
     LIMIT $9`,
    [...bbox, ts(from), ts(to), from, to, limit],
  );
  return rows.map((r) => ({
    cell: int8ToCell(r.cell),
    bandLo: r.band_lo,
    bandHi: r.band_hi,
    t0: r.t0,
    t1: r.t1,
    planId: r.plan_id,
    state: r.state,
    owner: r.owner,
  }));
}
