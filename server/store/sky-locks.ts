import type { PlanState } from '../protocol/index.ts';
import type { Queryable } from './db.ts';
import { ZONES_LOCK } from './coordination.ts';
import type { StripeWindows } from './keys-sql.ts';

/**
 * The arbiter's advisory locks follow space and time: a stripe (coarse H3 parent of the cells)
 * is cut into time buckets, and a decision locks the buckets its sky road touches in each stripe.
 * Two sky roads that share a key share a cell at overlapping times, hence a stripe and a bucket,
 * so they still wait for each other; two that cross the same area hours apart no longer do.
 *
 * A stripe held over more than MAX_BUCKETS_PER_STRIPE buckets (a long volume, a zone's whole
 * time) is locked whole instead, so that a lock set stays small enough for PostgreSQL's lock
 * table. The two kinds meet as intention locks do: the whole stripe exclusively, or the stripe
 * shared plus its buckets exclusively. A whole-stripe holder thus waits for, and holds off, every
 * decision in that stripe at any time; bucket holders wait only for the buckets they share.
 */
export interface SkyLocks {
  /** Stripes whose buckets are locked one by one (their bucket keys are in `exclusive`). */
  shared: string[];
  /** Bucket keys, and the stripes locked whole. */
  exclusive: string[];
}

export const MAX_BUCKETS_PER_STRIPE = 64;

/** H3 mode bits (59–62): 1 for a cell, so a key with them cleared is never a stripe's own key. */
const MODE_BITS = 0xfn << 59n;

/**
 * The lock key of one time bucket of a stripe: the stripe's index with its mode cleared and its
 * unused trailing digits (all ones in an H3 index coarser than 15) replaced by the bucket number.
 * Distinct stripes keep distinct keys; buckets of one stripe that lie 2^(3·(15 − resolution))
 * buckets apart share one (years apart at the default resolution), which only makes them wait.
 */
export function bucketKey(stripe: bigint, bucket: number): bigint {
  const resolution = (stripe >> 52n) & 0xfn;
  const mask = (1n << (3n * (15n - resolution))) - 1n;
  return (stripe & ~MODE_BITS & ~mask) | (BigInt(bucket) & mask);
}

/**
 * The locks for sky roads given as their stripe windows (a replan's old and new roads both: a
 * plan moved from one hour to another locks the buckets of each, not the hours between). A window
 * [t0, t1) touches the buckets from ⌊t0/B⌋ to ⌈t1/B⌉ − 1: every instant it holds lies in one of them.
 */
export function skyLocks(roads: readonly StripeWindows[], bucketMs: number): SkyLocks {
  const spans = new Map<string, Array<[number, number]>>();
  for (const w of roads) {
    w.stripes.forEach((stripe, i) => {
      const span: [number, number] = [Math.floor(w.t0[i]! / bucketMs), Math.ceil(w.t1[i]! / bucketMs) - 1];
      const list = spans.get(stripe);
      if (list) list.push(span);
      else spans.set(stripe, [span]);
    });
  }
  const shared: bigint[] = [];
  const exclusive: bigint[] = [];
  for (const [text, list] of spans) {
    const stripe = BigInt(text);
    const buckets = union(list);
    const count = buckets.reduce((n, [a, z]) => n + z - a + 1, 0);
    if (count > MAX_BUCKETS_PER_STRIPE) {
      exclusive.push(stripe);
      continue;
    }
    shared.push(stripe);
    for (const [a, z] of buckets) for (let b = a; b <= z; b++) exclusive.push(bucketKey(stripe, b));
  }
  return { shared: sortedKeys(shared), exclusive: sortedKeys(exclusive) };
}

/** Overlapping or adjacent bucket ranges merged, in order. */
function union(spans: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, z] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], z);
    else out.push([a, z]);
  }
  return out;
}

const sortedKeys = (keys: bigint[]) =>
  [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => k.toString());

/**
 * Blocks until this transaction holds the zones lock (shared) and the sky locks, all taken by
 * sky_lock in one statement in ascending key order — the order every writer takes them in, so
 * two writers never wait on each other in a cycle.
 */
export async function lockForDecision(tx: Queryable, locks: SkyLocks): Promise<void> {
  await tx.query('SELECT sky_lock($1, $2::int8[], $3::int8[])', [
    ZONES_LOCK.toString(),
    `{${locks.shared.join(',')}}`,
    `{${locks.exclusive.join(',')}}`,
  ]);
}

/** A live plan that may share keys with a new one: its exact keys (at this version) decide. */
export interface Candidate {
  id: string;
  version: number;
  priority: number;
  /** A Held plan's expiry (epoch ms); null for a plan in any other state. */
  heldUntil: number | null;
  state: PlanState;
}

/**
 * Takes the drones' locks (sorted: two plans for one drone cannot both be accepted; taken before
 * the sky locks by every decision, so the locks are always taken in the same order), then the sky
 * locks, and reads what the decision is made on:
 * the zones' revision, the cap of the deciding operator (null when it has none of its own), and
 * every other live plan that holds anything in the given stripes during their windows — one
 * round trip (sky_lock_candidates), whose read still sees everything committed before the locks
 * were granted.
 */
export async function lockAndFindCandidates(
  tx: Queryable,
  f: {
    drones: readonly string[];
    locks: SkyLocks;
    windows: StripeWindows;
    exceptPlanId: string | null;
    owner: string | null;
  },
): Promise<{ revision: string; cap: number | null; candidates: Candidate[] }> {
  const rows = await tx.query<{
    revision: string;
    cap: number | null;
    id: string | null;
    version: number;
    priority: number;
    held_until: number | null;
    state: PlanState;
  }>(
    'SELECT * FROM sky_lock_candidates($1, $2::text[], $3::int8[], $4::int8[], $5::int8[], $6::int8[], $7::int8[], $8::uuid, $9)',
    [
      ZONES_LOCK.toString(),
      [...f.drones].sort(),
      `{${f.locks.shared.join(',')}}`,
      `{${f.locks.exclusive.join(',')}}`,
      f.windows.stripes,
      f.windows.t0,
      f.windows.t1,
      f.exceptPlanId,
      f.owner,
    ],
  );
  return {
    revision: rows[0]!.revision,
    cap: rows[0]!.cap,
    candidates: rows.flatMap((r) =>
      r.id ? [{ id: r.id, version: r.version, priority: r.priority, state: r.state, heldUntil: r.held_until }] : [],
    ),
  };
}
