import type { F3548OperationalIntent, PlanState } from '../protocol/index.ts';
import { LIVE_STATES } from '../protocol/index.ts';
import type { Queryable } from './db.ts';

const ts = (ms: number) => new Date(ms).toISOString();

/** The owner of the plans that hold another USS's intents: the DSS's name for that USS, prefixed. */
export const PEER_OWNER_PREFIX = 'uss:';

export const peerOwner = (manager: string) => `${PEER_OWNER_PREFIX}${manager}`;

export const isPeerOwner = (owner: string) => owner.startsWith(PEER_OWNER_PREFIX);

/** Which version of a peer's intent the plan of the same id holds. */
export interface PeerIntentRecord {
  id: string;
  manager: string;
  ussBaseUrl: string;
  version: number;
  ovn: string;
  receivedAt: number;
  /** The state of the plan that holds it here. */
  planState: PlanState;
}

export async function getPeerIntent(q: Queryable, id: string): Promise<PeerIntentRecord | null> {
  const [row] = await q.query<{
    manager: string;
    uss_base_url: string;
    version: number;
    ovn: string;
    received_at: Date;
    state: PlanState;
  }>(
    `SELECT i.manager, i.uss_base_url, i.version, i.ovn, i.received_at, p.state
     FROM f3548_peer_intents i JOIN flight_plans p ON p.id = i.id WHERE i.id = $1`,
    [id],
  );
  return row
    ? {
        id,
        manager: row.manager,
        ussBaseUrl: row.uss_base_url,
        version: row.version,
        ovn: row.ovn,
        receivedAt: row.received_at.getTime(),
        planState: row.state,
      }
    : null;
}

/** Records the version of a peer's intent the plan now holds (in the transaction that wrote the plan). */
export async function putPeerIntent(
  tx: Queryable,
  r: { id: string; manager: string; ussBaseUrl: string; version: number; ovn: string; at: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO f3548_peer_intents (id, manager, uss_base_url, version, ovn, received_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET manager = excluded.manager, uss_base_url = excluded.uss_base_url,
       version = excluded.version, ovn = excluded.ovn, received_at = excluded.received_at`,
    [r.id, r.manager, r.ussBaseUrl, r.version, r.ovn, ts(r.at)],
  );
}

/**
 * The OVNs of the peers' intents held here that may share airspace with a box over a window: the
 * key a write to the DSS must carry. Intents pre-empted here still count (they still exist at
 * their USS); ended ones do not.
 */
export async function peerOvnsNear(
  q: Queryable,
  bbox: readonly [number, number, number, number],
  from: number,
  to: number,
): Promise<string[]> {
  const rows = await q.query<{ ovn: string }>(
    `SELECT i.ovn FROM f3548_peer_intents i JOIN flight_plans p ON p.id = i.id
     WHERE p.state <> 'Ended' AND p.max_lon >= $1 AND p.min_lon <= $3 AND p.max_lat >= $2 AND p.min_lat <= $4
       AND p.time_end > $5 AND p.time_start < $6
     LIMIT 10000`,
    [...bbox, ts(from), ts(to)],
  );
  return rows.map((r) => r.ovn);
}

/** Peers' intents held live here whose time is over (at most 1,000 at a time). */
export async function expiredPeerIntentIds(q: Queryable, now: number): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT p.id::text FROM f3548_peer_intents i JOIN flight_plans p ON p.id = i.id
     WHERE p.state = ANY($1::text[]) AND p.time_end < $2 ORDER BY p.time_end LIMIT 1000`,
    [LIVE_STATES, ts(now)],
  );
  return rows.map((r) => r.id);
}

export type PublicationStatus = 'pending' | 'published' | 'removed' | 'failed';

/** How far a plan of this USS has reached the DSS. */
export interface Publication {
  planId: string;
  /** The plan version the DSS holds (or whose removal it took); 0 before the first success. */
  planVersion: number;
  status: PublicationStatus;
  /** The DSS's OVN of the reference; null when the DSS holds none. */
  ovn: string | null;
  dssVersion: number | null;
  subscriptionId: string | null;
  /** The operational intent as published: what peers are served. */
  intent: F3548OperationalIntent | null;
  attempts: number;
  lastError: string | null;
  updatedAt: number;
}

interface PublicationRow {
  plan_id: string;
  plan_version: number;
  status: PublicationStatus;
  ovn: string | null;
  dss_version: number | null;
  subscription_id: string | null;
  intent: F3548OperationalIntent | null;
  attempts: number;
  last_error: string | null;
  updated_at: Date;
  [column: string]: unknown;
}

const PUBLICATION_COLUMNS = `plan_id::text, plan_version, status, ovn, dss_version, subscription_id::text, intent,
  attempts, last_error, updated_at`;

function toPublication(r: PublicationRow): Publication {
  return {
    planId: r.plan_id,
    planVersion: r.plan_version,
    status: r.status,
    ovn: r.ovn,
    dssVersion: r.dss_version,
    subscriptionId: r.subscription_id,
    intent: r.intent,
    attempts: r.attempts,
    lastError: r.last_error,
    updatedAt: r.updated_at.getTime(),
  };
}

export async function getPublication(q: Queryable, planId: string): Promise<Publication | null> {
  const [row] = await q.query<PublicationRow>(
    `SELECT ${PUBLICATION_COLUMNS} FROM f3548_publications WHERE plan_id = $1`,
    [planId],
  );
  return row ? toPublication(row) : null;
}

/**
 * Takes the right to publish a plan until `until`, unless another instance holds it; returns the
 * publication as it stands, or null when another instance is publishing the plan.
 */
export async function claimPublication(
  q: Queryable,
  planId: string,
  now: number,
  until: number,
): Promise<Publication | null> {
  const [row] = await q.query<PublicationRow>(
    `INSERT INTO f3548_publications AS f (plan_id, status, claimed_until, updated_at) VALUES ($1, 'pending', $3, $2)
     ON CONFLICT (plan_id) DO UPDATE SET claimed_until = $3
     WHERE f.claimed_until IS NULL OR f.claimed_until <= $2
     RETURNING ${PUBLICATION_COLUMNS}`,
    [planId, ts(now), ts(until)],
  );
  return row ? toPublication(row) : null;
}

/** Records what came of a try and gives up the claim. */
export async function recordPublication(
  q: Queryable,
  planId: string,
  p: Omit<Publication, 'planId' | 'updatedAt'>,
  at: number,
): Promise<void> {
  await q.query(
    `UPDATE f3548_publications SET plan_version = $2, status = $3, ovn = $4, dss_version = $5, subscription_id = $6,
       intent = $7, attempts = $8, last_error = $9, updated_at = $10, claimed_until = NULL
     WHERE plan_id = $1`,
    [
      planId,
      p.planVersion,
      p.status,
      p.ovn,
      p.dssVersion,
      p.subscriptionId,
      p.intent === null ? null : JSON.stringify(p.intent),
      p.attempts,
      p.lastError,
      ts(at),
    ],
  );
}

/**
 * Plans of this USS whose publication is behind (never tried, an older version published, a
 * failure before `now` to try again) or whose reference outlived them; those unclaimed, at most
 * `limit`. A try that gave up while the sweep's query was on its way waits for the next sweep.
 */
export async function unpublishedPlanIds(q: Queryable, now: number, limit: number): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT p.id::text FROM flight_plans p LEFT JOIN f3548_publications f ON f.plan_id = p.id
     WHERE p.owner NOT LIKE '${PEER_OWNER_PREFIX}%' AND (f.claimed_until IS NULL OR f.claimed_until <= $2)
       AND (
         (p.state = ANY($1::text[]) AND p.time_end > $2
           AND (f.plan_id IS NULL OR f.plan_version < p.version OR (f.status = 'failed' AND f.updated_at < $2)))
         OR (NOT p.state = ANY($1::text[]) AND f.ovn IS NOT NULL))
     ORDER BY p.updated_at LIMIT $3`,
    [LIVE_STATES, ts(now), limit],
  );
  return rows.map((r) => r.id);
}

/** A peer's constraint as held here: the advisory zones that stand for it. */
export interface PeerConstraintRecord {
  id: string;
  manager: string;
  ussBaseUrl: string;
  version: number;
  ovn: string;
  zoneIds: string[];
}

export async function getPeerConstraint(q: Queryable, id: string): Promise<PeerConstraintRecord | null> {
  const [row] = await q.query<{
    manager: string;
    uss_base_url: string;
    version: number;
    ovn: string;
    zone_ids: string[];
  }>(
    `SELECT manager, uss_base_url, version, ovn, zone_ids::text[] AS zone_ids FROM f3548_peer_constraints
     WHERE id = $1`,
    [id],
  );
  return row
    ? {
        id,
        manager: row.manager,
        ussBaseUrl: row.uss_base_url,
        version: row.version,
        ovn: row.ovn,
        zoneIds: row.zone_ids,
      }
    : null;
}

export async function putPeerConstraint(q: Queryable, r: PeerConstraintRecord & { at: number }): Promise<void> {
  await q.query(
    `INSERT INTO f3548_peer_constraints (id, manager, uss_base_url, version, ovn, zone_ids, received_at)
     VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7)
     ON CONFLICT (id) DO UPDATE SET manager = excluded.manager, uss_base_url = excluded.uss_base_url,
       version = excluded.version, ovn = excluded.ovn, zone_ids = excluded.zone_ids, received_at = excluded.received_at`,
    [r.id, r.manager, r.ussBaseUrl, r.version, r.ovn, r.zoneIds, ts(r.at)],
  );
}
