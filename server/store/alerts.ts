import type { Alert, AlertKind } from '../protocol/index.ts';
import type { Queryable } from './db.ts';

/** Every change of an alert is announced here (at commit) with the instance that made it. */
export const ALERTS_CHANNEL = 'soramichi_alerts';

export interface AlertNotice {
  origin: string;
  id: string;
}

const COLUMNS = `id::text, kind, drone_id, plan_id::text, subject_id, message, lat, lon, alt_w84, opened_at, closed_at,
  acknowledged_at, acknowledged_by, action`;

interface AlertRow {
  id: string;
  kind: AlertKind;
  drone_id: string | null;
  plan_id: string | null;
  subject_id: string | null;
  message: string;
  lat: number | null;
  lon: number | null;
  alt_w84: number | null;
  opened_at: Date;
  closed_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  action: Alert['action'];
  [column: string]: unknown;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const ts = (ms: number) => new Date(ms).toISOString();

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    kind: r.kind,
    droneId: r.drone_id,
    planId: r.plan_id,
    subjectId: r.subject_id,
    message: r.message,
    lat: r.lat,
    lon: r.lon,
    altW84: r.alt_w84,
    openedAt: r.opened_at.toISOString(),
    closedAt: iso(r.closed_at),
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    action: r.action,
  };
}

/** Returns the changed rows as alerts and tells every instance which alert changed (delivered at commit). */
const ANNOUNCE = (cte: string, origin: string) => `
  SELECT ${COLUMNS}, pg_notify('${ALERTS_CHANNEL}', json_build_object('origin', ${origin}::text, 'id', id::text)::text)
  FROM ${cte}`;

/**
 * Opens each alert unless its condition already has an open one (one statement for all); answers,
 * in order, the open alert of each condition and whether it is the one given.
 */
export async function openAlerts(
  q: Queryable,
  items: ReadonlyArray<{ alert: Alert; condition: string }>,
  origin: string,
): Promise<Array<{ alert: Alert; created: boolean }>> {
  if (items.length === 0) return [];
  const col = <T>(f: (a: Alert) => T) => items.map((i) => f(i.alert));
  const inserted = await q.query<AlertRow & { condition: string }>(
    `WITH a AS (
       INSERT INTO alerts (id, condition, kind, drone_id, plan_id, subject_id, message, lat, lon, alt_w84, opened_at,
         action, updated_at)
       SELECT id, c, k, d, p, s, m, la, lo, w, o::timestamptz, ac::jsonb, o::timestamptz
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::float8[],
         $9::float8[], $10::float8[], $11::text[], $12::text[]) AS u(id, c, k, d, p, s, m, la, lo, w, o, ac)
       ON CONFLICT (condition) WHERE closed_at IS NULL DO NOTHING
       RETURNING *)
     SELECT condition, ${COLUMNS},
       pg_notify('${ALERTS_CHANNEL}', json_build_object('origin', $13::text, 'id', id::text)::text)
     FROM a`,
    [
      col((a) => a.id),
      items.map((i) => i.condition),
      col((a) => a.kind),
      col((a) => a.droneId),
      col((a) => a.planId),
      col((a) => a.subjectId),
      col((a) => a.message),
      col((a) => a.lat),
      col((a) => a.lon),
      col((a) => a.altW84),
      col((a) => a.openedAt),
      col((a) => (a.action ? JSON.stringify(a.action) : null)),
      origin,
    ],
  );
  const found = new Map(inserted.map((r) => [r.condition, { alert: toAlert(r), created: true }]));
  const others = items.filter((i) => !found.has(i.condition)).map((i) => i.condition);
  if (others.length) {
    const open = await q.query<AlertRow & { condition: string }>(
      `SELECT condition, ${COLUMNS} FROM alerts WHERE condition = ANY($1::text[]) AND closed_at IS NULL`,
      [others],
    );
    for (const r of open) found.set(r.condition, { alert: toAlert(r), created: false });
  }
  // An open one may have closed in between: its condition is free again, so try those once more.
  const retry = items.filter((i) => !found.has(i.condition));
  if (retry.length) {
    const again = await openAlerts(q, retry, origin);
    retry.forEach((i, k) => found.set(i.condition, again[k]!));
  }
  return items.map((i) => found.get(i.condition)!);
}

/** Closes the open alerts among the given ones (one statement); returns those it closed. */
export async function closeAlerts(q: Queryable, ids: readonly string[], at: number, origin: string): Promise<Alert[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<AlertRow>(
    `WITH a AS (UPDATE alerts SET closed_at = $2, updated_at = $2 WHERE id = ANY($1::uuid[]) AND closed_at IS NULL
                RETURNING *)
     ${ANNOUNCE('a', '$3')}`,
    [ids, ts(at), origin],
  );
  return rows.map(toAlert);
}

/** Records the safe action and what came of it. */
export async function setAlertAction(
  q: Queryable,
  id: string,
  action: NonNullable<Alert['action']>,
  at: number,
  origin: string,
): Promise<Alert | null> {
  const [row] = await q.query<AlertRow>(
    `WITH a AS (UPDATE alerts SET action = $2, updated_at = $3 WHERE id = $1 RETURNING *)
     ${ANNOUNCE('a', '$4')}`,
    [id, JSON.stringify(action), ts(at), origin],
  );
  return row ? toAlert(row) : null;
}

/**
 * Acknowledges an alert, open or closed. The first acknowledgement stands: acknowledging again
 * changes nothing and returns the alert as it is (changed false). Null when there is no such alert.
 */
export async function acknowledgeAlert(
  q: Queryable,
  id: string,
  by: string,
  at: number,
  origin: string,
): Promise<{ alert: Alert; changed: boolean } | null> {
  const [row] = await q.query<AlertRow>(
    `WITH a AS (
       UPDATE alerts SET acknowledged_at = $3, acknowledged_by = $2, updated_at = $3
       WHERE id = $1 AND acknowledged_at IS NULL RETURNING *)
     ${ANNOUNCE('a', '$4')}`,
    [id, by, ts(at), origin],
  );
  if (row) return { alert: toAlert(row), changed: true };
  const existing = await getAlert(q, id);
  return existing ? { alert: existing, changed: false } : null;
}

/** Alerts on the plans of this operator only, when `owner` is given. */
const OWNED = (param: string) => `plan_id IN (SELECT id FROM flight_plans WHERE owner = ${param})`;

export async function getAlert(q: Queryable, id: string, owner?: string): Promise<Alert | null> {
  const [row] = await q.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts WHERE id = $1 ${owner === undefined ? '' : `AND ${OWNED('$2')}`}`,
    owner === undefined ? [id] : [id, owner],
  );
  return row ? toAlert(row) : null;
}

export interface AlertFilter {
  /** true: open only; false: closed only; undefined: both. */
  open?: boolean | undefined;
  /** Changed (opened, acted on, acknowledged or closed) at or after, epoch ms. */
  since?: number | undefined;
  droneId?: string | undefined;
  kind?: AlertKind | undefined;
  /** Only alerts on this operator's plans. */
  owner?: string | undefined;
  limit: number;
}

/** Alerts matching the filter, newest first. */
export async function listAlerts(q: Queryable, f: AlertFilter): Promise<Alert[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('$?', `$${params.length}`));
  };
  if (f.open === true) where.push('closed_at IS NULL');
  if (f.open === false) where.push('closed_at IS NOT NULL');
  if (f.since !== undefined) add('updated_at >= $?', ts(f.since));
  if (f.droneId) add('drone_id = $?', f.droneId);
  if (f.kind) add('kind = $?', f.kind);
  if (f.owner !== undefined) add(OWNED('$?'), f.owner);
  const rows = await q.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY opened_at DESC, id LIMIT ${Math.floor(f.limit)}`,
    params,
  );
  return rows.map(toAlert);
}

/** Every open alert with its condition, oldest first: what a monitor adopts when it starts. */
export async function openConditions(q: Queryable): Promise<Array<{ condition: string; alert: Alert }>> {
  const rows = await q.query<AlertRow & { condition: string }>(
    `SELECT condition, ${COLUMNS} FROM alerts WHERE closed_at IS NULL ORDER BY opened_at`,
  );
  return rows.map((r) => ({ condition: r.condition, alert: toAlert(r) }));
}
