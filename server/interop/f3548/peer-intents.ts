import { z } from 'zod';
import type { Datum } from '../../airspace/altitude.ts';
import { compilePlan } from '../../airspace/plan.ts';
import type { SkyKey } from '../../airspace/types.ts';
import { cellHours } from '../../airspace/usage.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { BadRequest, Forbidden } from '../../errors.ts';
import type { AirspaceEvents } from '../../events.ts';
import { checkVolumes } from '../../flights/extent.ts';
import { toGeometry } from '../../flights/geometry.ts';
import type { AirspaceMirror } from '../../flights/mirror.ts';
import { summarizeSkyRoad } from '../../flights/summary.ts';
import { parse } from '../../http/validate.ts';
import {
  LIVE_STATES,
  Volume4D,
  type F3548OperationalIntent,
  type F3548Volume4D,
  type FlightPlanRequest,
  type PlanState,
} from '../../protocol/index.ts';
import type { Db, Queryable } from '../../store/db.ts';
import {
  expiredPeerIntentIds,
  getPeerIntent,
  isPeerOwner,
  peerOwner,
  putPeerIntent,
  type PeerIntentRecord,
} from '../../store/f3548.ts';
import { stripeWindows, toKeyArrays } from '../../store/keys-sql.ts';
import { holdPeerPlan, planKeys, planOwner, transition, type PlanRecord } from '../../store/plans.ts';
import { lockForDecision, skyLocks } from '../../store/sky-locks.ts';
import { fromF3548Volumes } from './volumes.ts';

export interface PeerIntentsDeps {
  db: Db;
  mirror: AirspaceMirror;
  events: AirspaceEvents;
  datum: Datum;
  config: Pick<Config, 'airspace' | 'stripeResolution' | 'lockBucketMs'>;
  clock: Clock;
}

/**
 * What came of holding a peer's intent: held (new, or a newer version), already held at that
 * version, or refused as the standard says — older than the version held, or the same version
 * with another OVN.
 */
export type HoldOutcome = 'held' | 'unchanged' | 'older' | 'different';

/** One peer intent's changes at a time, whichever instance hears of it (two-key advisory lock class "uss1"). */
const PEER_INTENT_LOCK_CLASS = 0x75737331;

const NativeVolumes = z.array(Volume4D).max(100);

/**
 * Other USSs' operational intents as foreign reservations: each is compiled from its volumes into
 * sky-road keys and held as a plan of `uss:<manager>` (same id as the intent, the intent's state
 * and priority), written without a conflict check — its USS decided it — so that the arbiter
 * respects it exactly as it respects any plan, with no second decision path. A newer version
 * replaces it; its end, or its time running out, frees it.
 */
export class PeerIntents {
  constructor(private readonly deps: PeerIntentsDeps) {}

  /** The version held of a peer intent, or null. */
  held(id: string): Promise<PeerIntentRecord | null> {
    return getPeerIntent(this.deps.db, id);
  }

  /**
   * Holds `intent` for its manager, refusing (Forbidden) an id that is this USS's own plan or
   * another manager's intent. `path` names the intent in a refusal of its volumes.
   */
  async hold(intent: F3548OperationalIntent, path: string): Promise<HoldOutcome> {
    const { reference, details } = intent;
    const ovn = reference.ovn;
    if (!ovn) throw BadRequest.field(`${path}.reference.ovn`, 'is needed to hold a peer’s intent');
    const owner = peerOwner(reference.manager);
    const request = this.request(intent, path);
    const compiled = compilePlan(toGeometry(request), this.deps.datum, this.deps.config.airspace);
    const keys = compiled.keys;
    const now = this.deps.clock.now();

    const outcome = await this.deps.db.transaction(async (tx): Promise<HoldOutcome | PlanRecord> => {
      await lockIntent(tx, reference.id);
      const held = await this.requireManager(tx, reference.id, reference.manager);
      if (held && reference.version < held.version) return 'older';
      if (held && reference.version === held.version) return held.ovn === ovn ? 'unchanged' : 'different';
      const oldKeys = await planKeys(tx, reference.id);
      const { stripeResolution, lockBucketMs } = this.deps.config;
      const windows = stripeWindows(keys, stripeResolution);
      // The old road's buckets and the new one's: a decision about either time waits for this.
      await lockForDecision(tx, skyLocks([stripeWindows(oldKeys, stripeResolution), windows], lockBucketMs));
      const plan = await holdPeerPlan(
        tx,
        {
          id: reference.id,
          priority: details.priority,
          droneId: owner.slice(0, 64),
          owner,
          request,
          contact: null,
          pilot: null,
          cellHours: cellHours(keys),
          timeStart: compiled.timeStart,
          timeEnd: compiled.timeEnd,
          departure: null,
          arrival: null,
          bbox: compiled.bbox,
          skyRoad: summarizeSkyRoad(keys, this.deps.config.airspace),
          grantedZones: [],
        },
        reference.state satisfies PlanState,
        toKeyArrays(keys),
        windows,
        now,
      );
      if (!plan) throw new Forbidden(`operational intent ${reference.id} is not ${reference.manager}’s here`);
      await putPeerIntent(tx, {
        id: reference.id,
        manager: reference.manager,
        ussBaseUrl: reference.uss_base_url,
        version: reference.version,
        ovn,
        at: now,
      });
      return plan;
    });
    if (typeof outcome === 'string') return outcome;
    this.learn(outcome, keys);
    return 'held';
  }

  /** The peer ended its intent (or its DSS reference is gone): its sky road is freed here. */
  async remove(id: string, manager: string, reason: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const ended = await this.deps.db.transaction(async (tx) => {
      await lockIntent(tx, id);
      const held = await this.requireManager(tx, id, manager);
      if (!held) return [];
      return transition(tx, [id], [...LIVE_STATES, 'Preempted'], 'Ended', reason, now);
    });
    for (const plan of ended) this.learn(plan, null);
    return ended.length > 0;
  }

  /** Ends the peers' intents whose time is over; returns how many. */
  async expire(): Promise<number> {
    const now = this.deps.clock.now();
    const ids = await expiredPeerIntentIds(this.deps.db, now);
    const ended = await transition(this.deps.db, ids, LIVE_STATES, 'Ended', 'its time is over', now);
    for (const plan of ended) this.learn(plan, null);
    return ended.length;
  }

  /**
   * The intent held for `manager` (null when not held at all); Forbidden when the id is a plan of
   * this USS, or another manager's intent.
   */
  private async requireManager(tx: Queryable, id: string, manager: string): Promise<PeerIntentRecord | null> {
    const owner = await planOwner(tx, id);
    if (owner === null) return null;
    if (!isPeerOwner(owner)) throw new Forbidden(`operational intent ${id} is managed by this USS`);
    const held = await getPeerIntent(tx, id);
    if (held && held.manager !== manager) {
      throw new Forbidden(`operational intent ${id} is managed by ${held.manager}, not ${manager}`);
    }
    return held;
  }

  /** The intent as a plan request: its volumes (off-nominal ones too) in the native terms, its priority. */
  private request(intent: F3548OperationalIntent, path: string): FlightPlanRequest {
    const { details, reference } = intent;
    const convert = (volumes: readonly F3548Volume4D[], field: string) => {
      if (volumes.length === 0) return [];
      const at = `${path}.details.${field}`;
      const native = fromF3548Volumes(volumes, this.deps.datum, at);
      return within(at, () => parse(NativeVolumes, native, 'body'));
    };
    const volumes = [
      ...convert(details.volumes, 'volumes'),
      ...convert(details.off_nominal_volumes, 'off_nominal_volumes'),
    ];
    if (volumes.length === 0) {
      throw BadRequest.field(`${path}.details.volumes`, 'an operational intent needs at least one volume');
    }
    const request: FlightPlanRequest = {
      droneId: peerOwner(reference.manager).slice(0, 64),
      priority: details.priority,
      volumes,
      authorizations: [],
      purpose: `operational intent of the USS ${reference.manager}`.slice(0, 200),
    };
    within(`${path}.details`, () => checkVolumes(request));
    return request;
  }

  /** After a commit: this instance's mirror holds it at once, and listeners hear of it. */
  private learn(plan: PlanRecord, keys: readonly SkyKey[] | null): void {
    this.deps.mirror.apply({ id: plan.id, version: plan.version, priority: plan.priority, keys });
    this.deps.events.emit('plan', plan);
  }
}

async function lockIntent(tx: Queryable, id: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PEER_INTENT_LOCK_CLASS, id]);
}

/** Runs `fn`; a refusal of one field comes back with the field's path under `prefix`. */
function within<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof BadRequest)) throw err;
    const issues = err.issues.map((i) => ({ ...i, path: `${prefix}.${i.path}` }));
    throw new BadRequest(issues.length ? `${issues[0]!.path}: ${issues[0]!.message}` : err.message, issues);
  }
}
