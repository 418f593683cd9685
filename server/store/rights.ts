import type { DroneRecord, PriorityGrantRecord, ZoneAuthorizationRecord } from '../rights/records.ts';
import type { Queryable } from './db.ts';

const iso = (ms: number) => new Date(ms).toISOString();

interface DroneRow {
  id: string;
  operator: string;
  registration_mark: string | null;
  model: string | null;
  registered_by: string;
  registered_at: Date;
  [k: string]: unknown;
}

const DRONE_COLUMNS = 'id, operator, registration_mark, model, registered_by, registered_at';

const drone = (r: DroneRow): DroneRecord => ({
  droneId: r.id,
  operator: r.operator,
  registrationMark: r.registration_mark,
  model: r.model,
  registeredBy: r.registered_by,
  registeredAt: r.registered_at.getTime(),
});

/** The drone's registration, locked until the transaction ends when `forUpdate`. */
export async function getDrone(q: Queryable, droneId: string, forUpdate = false): Promise<DroneRecord | null> {
  const rows = await q.query<DroneRow>(
    `SELECT ${DRONE_COLUMNS} FROM drones WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [droneId],
  );
  return rows[0] ? drone(rows[0]) : null;
}

export async function listDrones(
  q: Queryable,
  f: { operator?: string | undefined; limit: number },
): Promise<DroneRecord[]> {
  const rows = await q.query<DroneRow>(
    `SELECT ${DRONE_COLUMNS} FROM drones WHERE ($1::text IS NULL OR operator = $1) ORDER BY id LIMIT $2`,
    [f.operator ?? null, f.limit],
  );
  return rows.map(drone);
}

export async function dronesOf(q: Queryable, operator: string): Promise<Set<string>> {
  const rows = await q.query<{ id: string }>('SELECT id FROM drones WHERE operator = $1', [operator]);
  return new Set(rows.map((r) => r.id));
}

/** Inserts or replaces a registration; the registration mark's uniqueness is the table's to enforce. */
export async function putDrone(q: Queryable, d: DroneRecord): Promise<DroneRecord> {
  const [row] = await q.query<DroneRow>(
    `INSERT INTO drones (id, operator, registration_mark, model, registered_by, registered_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET operator = excluded.operator, registration_mark = excluded.registration_mark,
       model = excluded.model, registered_by = excluded.registered_by, registered_at = excluded.registered_at
     RETURNING ${DRONE_COLUMNS}`,
    [d.droneId, d.operator, d.registrationMark, d.model, d.registeredBy, iso(d.registeredAt)],
  );
  return drone(row!);
}

export async function deleteDrone(q: Queryable, droneId: string): Promise<boolean> {
  const rows = await q.query('DELETE FROM drones WHERE id = $1 RETURNING id', [droneId]);
  return rows.length > 0;
}

interface GrantRow {
  operator: string;
  max_priority: number;
  reason: string;
  granted_by: string;
  granted_at: Date;
  [k: string]: unknown;
}

const grant = (r: GrantRow): PriorityGrantRecord => ({
  operator: r.operator,
  maxPriority: r.max_priority,
  reason: r.reason,
  grantedBy: r.granted_by,
  grantedAt: r.granted_at.getTime(),
});

export async function getPriorityGrant(q: Queryable, operator: string): Promise<PriorityGrantRecord | null> {
  const rows = await q.query<GrantRow>('SELECT * FROM priority_grants WHERE operator = $1', [operator]);
  return rows[0] ? grant(rows[0]) : null;
}

export async function listPriorityGrants(q: Queryable): Promise<PriorityGrantRecord[]> {
  return (await q.query<GrantRow>('SELECT * FROM priority_grants ORDER BY operator')).map(grant);
}

export async function putPriorityGrant(q: Queryable, g: PriorityGrantRecord): Promise<PriorityGrantRecord> {
  const [row] = await q.query<GrantRow>(
    `INSERT INTO priority_grants (operator, max_priority, reason, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (operator) DO UPDATE SET max_priority = excluded.max_priority, reason = excluded.reason,
       granted_by = excluded.granted_by, granted_at = excluded.granted_at
     RETURNING *`,
    [g.operator, g.maxPriority, g.reason, g.grantedBy, iso(g.grantedAt)],
  );
  return grant(row!);
}

export async function deletePriorityGrant(q: Queryable, operator: string): Promise<boolean> {
  return (await q.query('DELETE FROM priority_grants WHERE operator = $1 RETURNING operator', [operator])).length > 0;
}

interface AuthorizationRow {
  id: string;
  zone_id: string;
  operator: string;
  drone_id: string;
  valid_from: Date;
  valid_to: Date;
  reason: string;
  issued_by: string;
  issued_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  [k: string]: unknown;
}

const AUTHORIZATION_COLUMNS =
  'id::text, zone_id::text, operator, drone_id, valid_from, valid_to, reason, issued_by, issued_at, revoked_at, revoked_by';

const authorization = (r: AuthorizationRow): ZoneAuthorizationRecord => ({
  id: r.id,
  zoneId: r.zone_id,
  operator: r.operator,
  droneId: r.drone_id,
  validFrom: r.valid_from.getTime(),
  validTo: r.valid_to.getTime(),
  reason: r.reason,
  issuedBy: r.issued_by,
  issuedAt: r.issued_at.getTime(),
  revokedAt: r.revoked_at?.getTime() ?? null,
  revokedBy: r.revoked_by,
});

export async function insertZoneAuthorization(
  q: Queryable,
  a: Omit<ZoneAuthorizationRecord, 'revokedAt' | 'revokedBy'>,
): Promise<ZoneAuthorizationRecord> {
  const [row] = await q.query<AuthorizationRow>(
    `INSERT INTO zone_authorizations (id, zone_id, operator, drone_id, valid_from, valid_to, reason, issued_by, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${AUTHORIZATION_COLUMNS}`,
    [a.id, a.zoneId, a.operator, a.droneId, iso(a.validFrom), iso(a.validTo), a.reason, a.issuedBy, iso(a.issuedAt)],
  );
  return authorization(row!);
}

export async function getZoneAuthorization(q: Queryable, id: string): Promise<ZoneAuthorizationRecord | null> {
  const rows = await q.query<AuthorizationRow>(
    `SELECT ${AUTHORIZATION_COLUMNS} FROM zone_authorizations WHERE id = $1`,
    [id],
  );
  return rows[0] ? authorization(rows[0]) : null;
}

export async function listZoneAuthorizations(
  q: Queryable,
  f: { zoneId?: string | undefined; operator?: string | undefined; droneId?: string | undefined; limit: number },
): Promise<ZoneAuthorizationRecord[]> {
  const rows = await q.query<AuthorizationRow>(
    `SELECT ${AUTHORIZATION_COLUMNS} FROM zone_authorizations
     WHERE ($1::uuid IS NULL OR zone_id = $1) AND ($2::text IS NULL OR operator = $2)
       AND ($3::text IS NULL OR drone_id = $3)
     ORDER BY issued_at DESC LIMIT $4`,
    [f.zoneId ?? null, f.operator ?? null, f.droneId ?? null, f.limit],
  );
  return rows.map(authorization);
}

/** The zones one drone of one operator may enter throughout [from, to): unrevoked grants whose window covers it. */
export async function authorizedZones(
  q: Queryable,
  f: { operator: string; droneId: string; from: number; to: number },
): Promise<Set<string>> {
  const rows = await q.query<{ zone_id: string }>(
    `SELECT DISTINCT zone_id::text FROM zone_authorizations
     WHERE operator = $1 AND drone_id = $2 AND revoked_at IS NULL AND valid_from <= $3 AND valid_to >= $4`,
    [f.operator, f.droneId, iso(f.from), iso(f.to)],
  );
  return new Set(rows.map((r) => r.zone_id));
}

export async function revokeZoneAuthorization(
  q: Queryable,
  id: string,
  by: string,
  at: number,
): Promise<ZoneAuthorizationRecord | null> {
  const [row] = await q.query<AuthorizationRow>(
    `UPDATE zone_authorizations SET revoked_at = COALESCE(revoked_at, $3), revoked_by = COALESCE(revoked_by, $2)
     WHERE id = $1 RETURNING ${AUTHORIZATION_COLUMNS}`,
    [id, by, iso(at)],
  );
  return row ? authorization(row) : null;
}
