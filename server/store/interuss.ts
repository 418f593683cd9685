import { LIVE_STATES } from '../protocol/index.ts';
import type { Queryable } from './db.ts';

/** An InterUSS flight_plan_id and the plan that holds its flight now. */
export interface InterussFlight {
  flightPlanId: string;
  planId: string;
  owner: string;
}

export async function findInterussFlight(q: Queryable, flightPlanId: string): Promise<InterussFlight | null> {
  const [row] = await q.query<{ plan_id: string; owner: string }>(
    'SELECT plan_id::text, owner FROM interuss_flight_plans WHERE flight_plan_id = $1',
    [flightPlanId],
  );
  return row ? { flightPlanId, planId: row.plan_id, owner: row.owner } : null;
}

/**
 * Points a flight_plan_id at a plan, if it still points where the caller read it pointing (null:
 * nowhere yet); false when a concurrent request moved it first.
 */
export async function pointInterussFlight(
  q: Queryable,
  flight: InterussFlight,
  expectedPlanId: string | null,
  at: number,
): Promise<boolean> {
  const rows = await q.query(
    expectedPlanId === null
      ? `INSERT INTO interuss_flight_plans (flight_plan_id, plan_id, owner, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING flight_plan_id`
      : `UPDATE interuss_flight_plans SET plan_id = $2 WHERE flight_plan_id = $1 AND owner = $3 AND plan_id = $5
         RETURNING flight_plan_id`,
    [
      flight.flightPlanId,
      flight.planId,
      flight.owner,
      new Date(at).toISOString(),
      ...(expectedPlanId === null ? [] : [expectedPlanId]),
    ],
  );
  return rows.length > 0;
}

/** Forgets a flight_plan_id (its plan stays, closed, in the history). */
export async function forgetInterussFlight(q: Queryable, flightPlanId: string): Promise<void> {
  await q.query('DELETE FROM interuss_flight_plans WHERE flight_plan_id = $1', [flightPlanId]);
}

/** The interface's flights whose live plan's box and reservation meet a box and a window. */
export async function interussFlightsIn(
  q: Queryable,
  bbox: readonly [number, number, number, number],
  from: number | null,
  to: number | null,
  limit: number,
): Promise<InterussFlight[]> {
  const rows = await q.query<{ flight_plan_id: string; plan_id: string; owner: string }>(
    `SELECT f.flight_plan_id::text, f.plan_id::text, f.owner FROM interuss_flight_plans f
     JOIN flight_plans p ON p.id = f.plan_id
     WHERE p.state = ANY($1::text[]) AND p.max_lon >= $2 AND p.min_lon <= $4 AND p.max_lat >= $3 AND p.min_lat <= $5
       AND ($6::timestamptz IS NULL OR p.time_end >= $6) AND ($7::timestamptz IS NULL OR p.time_start <= $7)
     ORDER BY f.created_at LIMIT $8`,
    [
      LIVE_STATES,
      ...bbox,
      from === null ? null : new Date(from).toISOString(),
      to === null ? null : new Date(to).toISOString(),
      limit,
    ],
  );
  return rows.map((r) => ({ flightPlanId: r.flight_plan_id, planId: r.plan_id, owner: r.owner }));
}

export type NotificationConflicts = 'Unknown' | 'None' | 'Single' | 'Multiple';

export interface InterussNotification {
  observedAt: number;
  message: string;
  conflicts: NotificationConflicts;
}

/**
 * Tells the owner of an interface flight about a change of its plan, once per plan version;
 * nothing when the plan is not one of the interface's.
 */
export async function notifyInterussOwner(
  q: Queryable,
  planId: string,
  version: number,
  n: InterussNotification,
): Promise<void> {
  await q.query(
    `INSERT INTO interuss_notifications (plan_id, version, owner, observed_at, message, conflicts)
     SELECT plan_id, $2, owner, $3, $4, $5 FROM interuss_flight_plans WHERE plan_id = $1
     ON CONFLICT DO NOTHING`,
    [planId, version, new Date(n.observedAt).toISOString(), n.message, n.conflicts],
  );
}

export async function interussNotifications(
  q: Queryable,
  owner: string,
  after: number,
  before: number,
  limit: number,
): Promise<InterussNotification[]> {
  const rows = await q.query<{ observed_at: Date; message: string; conflicts: NotificationConflicts }>(
    `SELECT observed_at, message, conflicts FROM interuss_notifications
     WHERE owner = $1 AND observed_at >= $2 AND observed_at <= $3 ORDER BY observed_at LIMIT $4`,
    [owner, new Date(after).toISOString(), new Date(before).toISOString(), limit],
  );
  return rows.map((r) => ({ observedAt: r.observed_at.getTime(), message: r.message, conflicts: r.conflicts }));
}
