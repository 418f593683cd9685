import { randomUUID } from 'node:crypto';
import type { Datum } from '../airspace/altitude.ts';
import { mayManagePlan } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Conflict as CoreConflict } from '../airspace/index.ts';
import type { CompiledPlan } from '../airspace/plan.ts';
import { earliestDelay } from '../airspace/alternatives.ts';
import { judge, type Claimant, type Verdict } from '../airspace/priority.ts';
import type { SkyKey } from '../airspace/types.ts';
import { cellHours } from '../airspace/usage.ts';
import type { Config } from '../config.ts';
import { BadRequest, Forbidden, NotFound, StateConflict } from '../errors.ts';
import type { AirspaceEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import {
  AIRBORNE_STATES,
  LIVE_STATES,
  type CandidatePlans,
  type CandidateRefusal,
  type Conflict,
  type Contact,
  type DipsFlightPlan,
  type EarliestSlot,
  type EarliestSlotRequest,
  type FlightPlanRequest,
  type Pilot,
  type PlanState,
  type RefusalReason,
  type Rejection,
} from '../protocol/index.ts';
import type { Vault } from '../privacy/vault.ts';
import type { Db, Queryable } from '../store/db.ts';
import { stripeWindows, toKeyArrays, type KeyArrays, type StripeWindows } from '../store/keys-sql.ts';
import { recordDecisions, type DecisionRecord } from '../store/decisions.ts';
import { isPeerOwner } from '../store/f3548.ts';
import {
  confirmHold,
  expiredHoldIds,
  expiredPlanIds,
  getPlan,
  getPlans,
  insertPlan,
  listPlans,
  liveVersions,
  lockedUsage,
  overlappingPlanOfDrone,
  planEvents,
  planKeys,
  replacePlan,
  transition,
  withdrawGrantedZone,
  type NewPlan,
  type PlanEventRecord,
  type PlanFilter,
  type PlanRecord,
} from '../store/plans.ts';
import { lockAndFindCandidates, skyLocks } from '../store/sky-locks.ts';
import { proposeAlternatives } from './alternatives.ts';
import { conflictSummary, explainConflicts } from './explain.ts';
import type { DecisionLog } from './decision-log.ts';
import { dipsFlightPlan } from './dips.ts';
import { delayed, requestedStart } from './geometry.ts';
import { OPERATIONS, REPLANNABLE, type Operation } from './lifecycle.ts';
import type { AirspaceMirror } from './mirror.ts';
import { rankCandidates } from './ranking.ts';
import { summarizeSkyRoad } from './summary.ts';
import { type Clock } from '../clock.ts';
import { hours as limitHours, LIMITS } from '../limits.ts';
import type { Compilers } from '../workers/compilers.ts';
import type { AuditTrail } from '../audit/trail.ts';
import type { DroneRegistry } from '../rights/drones.ts';
import type { PriorityGrants } from '../rights/priority.ts';
import type { ZoneAuthorizations } from '../rights/zones.ts';

export type Decision =
  | { accepted: true; plan: PlanRecord; preempted: string[]; overlapped: string[]; advisories: Conflict[] }
  | { accepted: false; rejection: Rejection };

/** The rights a decision checks: who flies the drone, who may claim a priority or a restricted zone. */
export interface Rights {
  drones: DroneRegistry;
  priorities: PriorityGrants;
  zones: ZoneAuthorizations;
}

export type CandidatesDecision =
  | {
      accepted: true;
      chosen: number;
      cost: number;
      plan: PlanRecord;
      preempted: string[];
      overlapped: string[];
      advisories: Conflict[];
      refused: CandidateRefusal[];
    }
  | { accepted: false; refused: CandidateRefusal[]; message: string };

export interface FlightPlansDeps {
  db: Db;
  mirror: AirspaceMirror;
  datum: Datum;
  config: Pick<
    Config,
    | 'airspace'
    | 'stripeResolution'
    | 'lockBucketMs'
    | 'planningHorizonMs'
    | 'departureGraceMs'
    | 'holdMs'
    | 'defaultCapCellHours'
  >;
  clock: Clock;
  log: Logger;
  events: AirspaceEvents;
  /** Seals the operator's contact and pilot details before they are stored. */
  vault: Vault;
  /** Where refusals go for the decisions report. */
  decisions: DecisionLog;
  rights: Rights;
  /** Pre-emptions and overlaps are audited with the decision that made them. */
  audit: AuditTrail;
  /** Requests into sky roads, off the event loop. */
  compilers: Pick<Compilers, 'plan'>;
  /** The sky other USSs share with this one (ASTM F3548, through a DSS), when one is configured. */
  shared?: SharedSky;
}

/**
 * Other USSs' share of the sky, learnt where and when plans would fly before they are decided:
 * their intents become plans the arbiter respects like any other.
 */
export interface SharedSky {
  learnAround(plans: readonly CompiledPlan[]): Promise<void>;
}

/**
 * How a plan is filed: held for a while until its operator confirms it, or accepted outright;
 * `dryRun` decides exactly as for real, then keeps nothing (InterUSS's Hypothetical).
 */
export interface FileOptions {
  hold?: boolean;
  dryRun?: boolean;
}

/** Thrown inside the arbiter's transaction to undo a decision that was only asked for. */
class DryRun extends Error {
  constructor(readonly outcome: Outcome) {
    super('dry run');
  }
}

/**
 * Work the caller needs done in the same transaction as an acceptance (an Idempotency-Key's
 * answer): committed with the plan, or rolled back with it when it throws.
 */
export type WithAcceptance = (
  tx: Queryable,
  accepted: { plan: PlanRecord; preempted: string[]; overlapped: string[]; advisories: Conflict[] },
) => Promise<void>;

/** Lowest cruise height above the ground an alternative may propose. */
const MIN_CLEARANCE_M = 10;
/** The earliest slot is searched on whole minutes, as operators plan departures. */
const SLOT_STEP_MS = 60_000;
const DAY_MS = 86_400_000;
const HOLD_EXPIRED = 'hold expired without confirmation';

/** One plan the arbiter may accept, with its place in the request and its cost. */
interface Attempt {
  index: number;
  cost: number;
  req: FlightPlanRequest;
  compiled: CompiledPlan;
  /** The claimant as the rights allow: the priority granted, the restricted zones authorised. */
  claimant: Claimant;
  /** What entitles its priority (null at the normal level), for the audit of what it pre-empts. */
  grant: string | null;
  cellHours: number;
}

/** Who files, for whom, and which plan it replaces (null for a new one). */
interface Filer {
  who: Principal;
  owner: string;
  planId: string | null;
}

/** Why the arbiter passed an attempt over. */
interface Miss {
  attempt: Attempt;
  reason: RefusalReason;
  verdict: Verdict;
  /** For a cap: the cap and what the operator held without this plan. */
  cap?: { cellHours: number; held: number };
  /** For a drone already flying then: that plan. */
  busy?: PlanRecord;
}

/** What the arbiter transaction concluded. */
interface Outcome {
  misses: Miss[];
  accepted: {
    attempt: Attempt;
    plan: PlanRecord;
    preempted: PlanRecord[];
    /** Lower-priority plans in the air that the accepted plan shares airspace with. */
    overlapped: PlanRecord[];
    advisories: Conflict[];
  } | null;
  /** Holds found expired on the way, released in the same transaction. */
  released: PlanRecord[];
}

/** A sky road as the store writes it. */
interface Road {
  keys: KeyArrays;
  windows: StripeWindows;
}

type Write = (tx: Queryable, attempt: Attempt, road: Road) => Promise<PlanRecord>;

const flightIds = (conflicts: readonly CoreConflict[]) => [
  ...new Set(conflicts.flatMap((c) => (c.type === 'flight' ? [c.id] : []))),
];

const conflictReason = (blocking: readonly CoreConflict[]): RefusalReason =>
  blocking.some((c) => c.type === 'geofence') ? 'zone_conflict' : 'flight_conflict';

const iso = (ms: number) => new Date(ms).toISOString();
const hours = (h: number) => (Math.round(h * 100) / 100).toString();

/** Runs `fn`; a refusal of one field comes back with the field's path under `prefix`. */
async function within<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw underPrefix(prefix, err);
  }
}

function underPrefix(prefix: string, err: unknown): unknown {
  for (const Kind of [BadRequest, Forbidden, StateConflict]) {
    if (!(err instanceof Kind)) continue;
    const issues = err.issues.map((i) => ({ ...i, path: `${prefix}.${i.path}` }));
    return new Kind(issues.length ? `${issues[0]!.path}: ${issues[0]!.message}` : err.message, issues);
  }
  return err;
}

/**
 * The plan lifecycle: a request becomes a sky road (airspace core), the database decides in one
 * transaction whether it may hold it, and the mirror and the event stream learn the outcome.
 */
export class FlightPlans {
  constructor(private readonly deps: FlightPlansDeps) {}

  async create(
    req: FlightPlanRequest,
    who: Principal,
    options: FileOptions = {},
    withAcceptance?: WithAcceptance,
  ): Promise<Decision> {
    const now = this.deps.clock.now();
    const filer = { who, owner: who.subject, planId: null };
    const attempt = await this.attempt(filer, req, await this.compile(req, now), 0, 0);
    const id = randomUUID();
    const heldUntil = options.hold ? now + this.deps.config.holdMs : null;
    return this.decide(
      attempt,
      filer,
      (tx, a, road) => insertPlan(tx, this.newPlan(id, a, who.subject), road.keys, road.windows, now, heldUntil),
      [],
      withAcceptance,
      options.dryRun,
    );
  }

  /**
   * Several candidates for one flight, decided in one transaction: the first (in the order asked
   * for) that fits is accepted, and every one tried before it is explained.
   */
  async createFirstFitting(body: CandidatePlans, who: Principal, options: FileOptions): Promise<CandidatesDecision> {
    const now = this.deps.clock.now();
    const compiled: Array<{ req: FlightPlanRequest; compiled: CompiledPlan }> = [];
    for (const [i, req] of body.candidates.entries()) {
      compiled.push({ req, compiled: await within(`candidates.${i}`, () => this.compile(req, now)) });
    }
    await this.deps.shared?.learnAround(compiled.map((c) => c.compiled));
    const ranked = rankCandidates(compiled, body.rank, this.deps.config.airspace.bandHeightM);
    const filer = { who, owner: who.subject, planId: null };
    const attempts: Attempt[] = [];
    for (const r of ranked) {
      const compiledOne = r.item.compiled;
      attempts.push(
        await within(`candidates.${r.index}`, () => this.attempt(filer, r.item.req, compiledOne, r.index, r.cost)),
      );
    }
    const id = randomUUID();
    const heldUntil = options.hold ? now + this.deps.config.holdMs : null;
    const outcome = await this.arbitrate(attempts, filer, (tx, a, road) =>
      insertPlan(tx, this.newPlan(id, a, who.subject), road.keys, road.windows, now, heldUntil),
    );
    this.learnOutcome(outcome);
    const refused = outcome.misses.map((m, i) => ({
      index: m.attempt.index,
      cost: m.attempt.cost,
      // Alternatives only for the preferred candidate, and only when none fits: one search, not twenty.
      rejection: this.rejection(m, undefined, !outcome.accepted && i === 0),
    }));
    if (outcome.accepted) {
      const { attempt, plan, preempted, overlapped, advisories } = outcome.accepted;
      return {
        accepted: true,
        chosen: attempt.index,
        cost: attempt.cost,
        plan,
        preempted: preempted.map((p) => p.id),
        overlapped: overlapped.map((p) => p.id),
        advisories,
        refused,
      };
    }
    this.recordRefusal(who.subject, outcome.misses[0]!.reason, now);
    const why = refused.map((r) => `#${r.index}: ${r.rejection.message}`).join('; ');
    return { accepted: false, refused, message: `none of the ${attempts.length} candidates fits (${why})` };
  }

  /** Replaces a live plan's sky road atomically; on conflict the old one stays untouched. */
  async replan(id: string, req: FlightPlanRequest, who: Principal, options: FileOptions = {}): Promise<Decision> {
    const current = await this.requireManaged(id, who);
    if (!REPLANNABLE.includes(current.state)) throw new StateConflict(`a ${current.state} plan cannot be replanned`);
    const now = this.deps.clock.now();
    if (current.heldUntil !== null && current.heldUntil <= now) {
      throw new StateConflict(`the hold expired at ${iso(current.heldUntil)}; file the plan again`);
    }
    const filer = { who, owner: current.owner, planId: id };
    const attempt = await this.attempt(filer, req, await this.compile(req, now), 0, 0);
    const oldKeys = this.deps.mirror.index.plan(id)?.keys ?? (await planKeys(this.deps.db, id));
    return this.decide(
      attempt,
      filer,
      async (tx, a, road) => {
        const next = this.newPlan(id, a, current.owner);
        const plan = await replacePlan(tx, next, road.keys, road.windows, current.version, now);
        if (!plan) throw new StateConflict('the plan changed while it was being replanned; read it and try again');
        return plan;
      },
      oldKeys,
      undefined,
      options.dryRun,
    );
  }

  /**
   * Confirms a held plan (仮押さえ → 確定): it becomes Accepted with the sky road it holds. Never
   * refused for a hold that has not expired: the sky road and the cap's share are already its own.
   */
  async confirm(id: string, who: Principal): Promise<PlanRecord> {
    const current = await this.requireManaged(id, who);
    const refuse = (plan: PlanRecord) =>
      new StateConflict(
        plan.state === 'Held' || plan.stateReason === HOLD_EXPIRED
          ? 'the hold expired before it was confirmed; file the plan again'
          : `cannot confirm a ${plan.state} plan`,
      );
    if (current.state !== 'Held') throw refuse(current);
    const confirmed = await confirmHold(this.deps.db, id, this.deps.clock.now());
    if (!confirmed) throw refuse(await this.require(id));
    this.learn([{ plan: confirmed }]);
    return confirmed;
  }

  async operate(id: string, op: Operation, who: Principal): Promise<PlanRecord> {
    const { from, to } = OPERATIONS[op];
    const current = await this.requireManaged(id, who);
    if (op === 'activate' && current.timeEnd <= this.deps.clock.now()) {
      throw new StateConflict('the plan’s reservation has already ended');
    }
    const now = this.deps.clock.now();
    const [moved] = await transition(this.deps.db, [id], from, to, null, now);
    if (!moved) throw new StateConflict(`cannot ${op} a ${current.state} plan`);
    this.learn([{ plan: moved }]);
    return moved;
  }

  /**
   * Conformance monitoring's moves (F3548: Activated, Nonconforming, Contingent, as the drone
   * flies): the plans still in a `from` state move, and the mirror and listeners learn it as for
   * every other change of a plan. Returns the plans that moved.
   */
  async conform(ids: readonly string[], from: PlanState[], to: PlanState, reason: string): Promise<PlanRecord[]> {
    const moved = await transition(this.deps.db, ids, from, to, reason, this.deps.clock.now());
    this.learn(moved.map((plan) => ({ plan })));
    return moved;
  }

  /** Catches the mirror up with plans another instance changed (listeners hear of what is news). */
  async refresh(ids: readonly string[]): Promise<void> {
    for (const r of await this.deps.mirror.refreshPlans(this.deps.db, ids)) this.deps.events.emit('plan', r);
  }

  /** Ends accepted plans whose reservation is over and releases expired holds; returns how many. */
  async expire(): Promise<number> {
    const now = this.deps.clock.now();
    const ids = await expiredPlanIds(this.deps.db, now);
    const ended = await transition(
      this.deps.db,
      ids,
      ['Accepted'],
      'Ended',
      'reservation expired without activation',
      now,
    );
    this.learn(ended.map((plan) => ({ plan })));
    return ended.length + (await this.expireHolds());
  }

  /**
   * Releases the holds that are over (those among `due` when given): their sky roads are freed
   * in the store and in this instance's mirror at once, whichever instance's release committed.
   * Returns how many this instance released.
   */
  async expireHolds(due?: readonly string[]): Promise<number> {
    const { db, mirror, events } = this.deps;
    const now = this.deps.clock.now();
    const ids = await expiredHoldIds(db, now, due);
    const released = await transition(db, ids, ['Held'], 'Cancelled', HOLD_EXPIRED, now);
    this.learn(released.map((plan) => ({ plan })));
    const moved = new Set(released.map((p) => p.id));
    const elsewhere = (due ?? []).filter((id) => !moved.has(id));
    for (const plan of await mirror.refreshPlans(db, elsewhere)) events.emit('plan', plan);
    return released.length;
  }

  /**
   * The earliest departure, on a whole minute from the one asked, at which the plan meets nothing
   * that blocks it, as the airspace stands now (filing still decides).
   */
  async earliest(body: EarliestSlotRequest): Promise<EarliestSlot> {
    const now = this.deps.clock.now();
    const req = body.plan;
    const compiled = await within('plan', () => this.compile(req, now));
    const start = requestedStart(req);
    const latest = Math.min(
      body.notAfter ? Date.parse(body.notAfter) : start + DAY_MS,
      now + this.deps.config.planningHorizonMs,
    );
    if (latest < start) throw BadRequest.field('notAfter', 'must not be before the plan’s departure');
    const claimant = { priority: req.priority, authorizations: new Set(req.authorizations) };
    const delay = earliestDelay(this.deps.mirror.index, compiled.keys, {
      claimant,
      maxShiftMs: latest - start,
      stepMs: SLOT_STEP_MS,
    });
    if (delay === null) {
      return {
        departure: null,
        delaySeconds: null,
        request: null,
        message: `nothing fits between ${iso(start)} and ${iso(latest)}`,
      };
    }
    return {
      departure: iso(start + delay),
      delaySeconds: delay / 1000,
      request: delay === 0 ? req : delayed(req, delay),
      message: delay === 0 ? 'the plan fits as it is' : `the plan fits ${delay / 60_000} min later`,
    };
  }

  /**
   * The plan as the national flight-plan filing asks for it (飛行計画の通報, DIPS 2.0), pilot and
   * contact included: for its operator alone, who files it.
   */
  async dipsFiling(id: string, who: Principal): Promise<DipsFlightPlan> {
    const plan = await this.require(id);
    if (plan.owner !== who.subject) {
      throw new Forbidden(`flight plan ${id} belongs to another operator: only its operator exports its filing`);
    }
    const { vault, datum, config } = this.deps;
    const personal = {
      contact: plan.contact ? vault.open<Contact>(plan.contact) : null,
      pilot: plan.pilot ? vault.open<Pilot>(plan.pilot) : null,
    };
    return dipsFlightPlan(plan, personal, datum, config.airspace.climbRateMps);
  }

  async get(id: string): Promise<{ plan: PlanRecord; history: PlanEventRecord[] }> {
    const plan = await this.require(id);
    return { plan, history: await planEvents(this.deps.db, id) };
  }

  list(filter: PlanFilter): Promise<PlanRecord[]> {
    return listPlans(this.deps.db, filter);
  }

  async skyRoad(id: string): Promise<{ plan: PlanRecord; keys: SkyKey[] }> {
    const plan = await this.require(id);
    return { plan, keys: await planKeys(this.deps.db, id) };
  }

  private async require(id: string): Promise<PlanRecord> {
    const plan = await getPlan(this.deps.db, id);
    if (!plan) throw new NotFound(`no flight plan ${id}`);
    return plan;
  }

  private async requireManaged(id: string, who: Principal): Promise<PlanRecord> {
    const plan = await this.require(id);
    if (isPeerOwner(plan.owner)) {
      throw new Forbidden(`flight plan ${id} is another USS’s operational intent: only that USS changes it`);
    }
    if (!mayManagePlan(who, plan.owner)) throw new Forbidden(`flight plan ${id} belongs to another operator`);
    return plan;
  }

  private async compile(req: FlightPlanRequest, now: number): Promise<CompiledPlan> {
    this.checkTimes(req, now);
    const compiled = await this.deps.compilers.plan(req);
    if (compiled.keys.length === 0) throw BadRequest.field(req.route ? 'route' : 'volumes', 'covers no airspace');
    if (compiled.path) this.checkFlight(compiled.path[0]!.t, compiled.path[compiled.path.length - 1]!.t, now);
    return compiled;
  }

  /**
   * A route's whole flight, climbs and terrain following included (known once it is timed): no
   * longer than a flight may be, and landed within the planning horizon, so that no reservation
   * reaches past it however slow the drone.
   */
  private checkFlight(departure: number, arrival: number, now: number): void {
    const { maxFlightDurationMs } = LIMITS;
    const { planningHorizonMs } = this.deps.config;
    if (arrival - departure > maxFlightDurationMs) {
      const took = ((arrival - departure) / 3_600_000).toFixed(1);
      throw BadRequest.field('route', `the flight takes ${took} h; at most ${limitHours(maxFlightDurationMs)}`);
    }
    if (arrival > now + planningHorizonMs) {
      const days = Math.round(planningHorizonMs / 86_400_000);
      throw BadRequest.field(
        'route.departure',
        `the flight lands at ${new Date(arrival).toISOString()}, after the ${days}-day planning horizon`,
      );
    }
  }

  /**
   * An attempt as the filer's rights allow it, checked before anything is decided (a forecast
   * refusal too is given only to whom the rights allow): the drone must be theirs, a priority
   * above the normal level must be granted, and the restricted zones the plan may enter are those
   * its authorisations cover (a zone only claimed is refused).
   */
  private async attempt(
    filer: Filer,
    req: FlightPlanRequest,
    compiled: CompiledPlan,
    index: number,
    cost: number,
  ): Promise<Attempt> {
    const { drones, priorities, zones } = this.deps.rights;
    const { db } = this.deps;
    await drones.requireOperator(db, req.droneId, filer.who);
    const grant = await priorities.entitlement(db, filer.who, req.priority);
    const authorizations = await zones.claimable(db, filer.who, {
      operator: filer.owner,
      droneId: req.droneId,
      from: compiled.timeStart,
      to: compiled.timeEnd,
      requested: req.authorizations,
    });
    return {
      index,
      cost,
      req,
      compiled,
      claimant: { priority: req.priority, authorizations },
      grant,
      cellHours: cellHours(compiled.keys),
    };
  }

  /** Departures may not be in the past (beyond a grace for clock drift) nor beyond the planning horizon. */
  private checkTimes(req: FlightPlanRequest, now: number): void {
    const { departureGraceMs, planningHorizonMs } = this.deps.config;
    const days = Math.round(planningHorizonMs / 86_400_000);
    const check = (path: string, iso: string, role: 'start' | 'end') => {
      const t = Date.parse(iso);
      if (role === 'start' && t < now - departureGraceMs) throw BadRequest.field(path, 'must not be in the past');
      if (role === 'end' && t < now) throw BadRequest.field(path, 'must not be in the past');
      if (t > now + planningHorizonMs) throw BadRequest.field(path, `must be within the ${days}-day planning horizon`);
    };
    if (req.route) check('route.departure', req.route.departure, 'start');
    req.volumes?.forEach((v, i) => {
      check(`volumes.${i}.time_start.value`, v.time_start.value, 'start');
      check(`volumes.${i}.time_end.value`, v.time_end.value, 'end');
    });
  }

  /** The plan as stored: contact and pilot details leave the request and are sealed on their own. */
  private newPlan(id: string, attempt: Attempt, owner: string): NewPlan {
    const { req, compiled } = attempt;
    const path = compiled.path;
    const { contact, pilot, ...request } = req;
    return {
      id,
      priority: req.priority,
      droneId: req.droneId,
      owner,
      request,
      contact: contact ? this.deps.vault.seal(contact) : null,
      pilot: pilot ? this.deps.vault.seal(pilot) : null,
      cellHours: attempt.cellHours,
      timeStart: compiled.timeStart,
      timeEnd: compiled.timeEnd,
      departure: path ? path[0]!.t : null,
      arrival: path ? path[path.length - 1]!.t : null,
      bbox: compiled.bbox,
      skyRoad: summarizeSkyRoad(compiled.keys, this.deps.config.airspace),
      grantedZones: [...attempt.claimant.authorizations],
    };
  }

  /**
   * One plan. A refusal the mirror predicts is given at once when the database confirms that
   * every blocker still holds the version the prediction was made on (keys of a version never change), no
   * blocker is a hold past its expiry, and the zones are current; otherwise the mirror catches up
   * and the plan goes to the arbiter.
   */
  private async decide(
    attempt: Attempt,
    filer: Filer,
    write: Write,
    alsoLock: readonly SkyKey[] = [],
    withAcceptance?: WithAcceptance,
    dryRun = false,
  ): Promise<Decision> {
    const { db, mirror } = this.deps;
    const { owner } = filer;
    const except = filer.planId ?? undefined;
    await this.deps.shared?.learnAround([attempt.compiled]);

    const foreseen = judge(mirror.index.conflicts(attempt.compiled.keys, except), attempt.claimant);
    if (foreseen.blocking.length > 0) {
      const blockers = flightIds(foreseen.blocking);
      // The versions the prediction was made on: the mirror may move on while the database answers.
      const seen = new Map(blockers.map((id) => [id, mirror.index.plan(id)?.version]));
      const { revision, versions } = await liveVersions(db, blockers);
      const now = this.deps.clock.now();
      const stale = blockers.filter((id) => versions.get(id)?.version !== seen.get(id));
      const lapsed = [...versions.values()].some((v) => v.heldUntil !== null && v.heldUntil <= now);
      if (stale.length === 0 && !lapsed && revision === mirror.zoneRevision) {
        const reason = conflictReason(foreseen.blocking);
        if (!dryRun) this.recordRefusal(owner, reason, now);
        return { accepted: false, rejection: this.rejection({ attempt, reason, verdict: foreseen }, except, true) };
      }
      await mirror.refreshPlans(db, stale);
      await mirror.syncZones(db, revision);
    }

    const outcome = await this.arbitrate([attempt], filer, write, alsoLock, withAcceptance, dryRun);
    if (!dryRun) this.learnOutcome(outcome);
    if (outcome.accepted) {
      const { plan, preempted, overlapped, advisories } = outcome.accepted;
      return {
        accepted: true,
        plan,
        preempted: preempted.map((p) => p.id),
        overlapped: overlapped.map((p) => p.id),
        advisories,
      };
    }
    const miss = outcome.misses[0]!;
    if (!dryRun) this.recordRefusal(owner, miss.reason, this.deps.clock.now());
    return { accepted: false, rejection: this.rejection(miss, except, true) };
  }

  /**
   * The arbiter: every decision is taken here, in one transaction, under the locks, by the
   * database's own copy of every live key. The attempts are tried in order and the first that
   * meets nothing blocking it, and fits its operator's cap, is written. An acceptance is never
   * decided anywhere else.
   */
  private async arbitrate(
    attempts: readonly Attempt[],
    filer: Filer,
    write: Write,
    alsoLock: readonly SkyKey[] = [],
    withAcceptance?: WithAcceptance,
    dryRun = false,
  ): Promise<Outcome> {
    const { db, mirror } = this.deps;
    const { stripeResolution, lockBucketMs, airspace } = this.deps.config;
    const { owner, planId: exceptPlanId } = filer;
    const except = exceptPlanId ?? undefined;
    const drones = [...new Set(attempts.map((a) => a.req.droneId))];
    const single = attempts.length === 1;
    const keys = single ? attempts[0]!.compiled.keys : attempts.flatMap((a) => a.compiled.keys);
    const windows = stripeWindows(keys, stripeResolution);
    // A replan also locks where and when its old road was (alsoLock), bucket by bucket: moving
    // a plan from one hour to another holds off decisions about either, not the hours between.
    const locks = skyLocks(
      alsoLock.length ? [windows, stripeWindows(alsoLock, stripeResolution)] : [windows],
      lockBucketMs,
    );
    const decided = db.transaction(async (tx): Promise<Outcome> => {
      const found = await lockAndFindCandidates(tx, { drones, locks, windows, exceptPlanId, owner });
      const now = this.deps.clock.now();
      const lapsed = new Set(
        found.candidates.filter((c) => c.heldUntil !== null && c.heldUntil <= now).map((c) => c.id),
      );
      const released = await transition(tx, [...lapsed], ['Held'], 'Cancelled', HOLD_EXPIRED, now);
      const live = found.candidates.filter((c) => !lapsed.has(c.id));
      await mirror.syncZones(tx, found.revision);
      await mirror.refreshPlans(
        tx,
        live.filter((c) => mirror.heldVersion(c.id) !== c.version).map((c) => c.id),
      );
      const ids = new Set(live.map((c) => c.id));
      const airborne = new Set(
        live.filter((c) => (AIRBORNE_STATES as readonly string[]).includes(c.state)).map((c) => c.id),
      );
      const cap = found.cap ?? this.deps.config.defaultCapCellHours;
      let held: number | null = null;
      const misses: Miss[] = [];
      for (const attempt of attempts) {
        const conflicts = [
          ...mirror.index.flightConflicts(attempt.compiled.keys, except).filter((c) => ids.has(c.id)),
          ...mirror.index.zoneConflicts(attempt.compiled.keys),
        ];
        const verdict = judge(conflicts, attempt.claimant, airborne);
        if (verdict.blocking.length > 0) {
          misses.push({ attempt, reason: conflictReason(verdict.blocking), verdict });
          continue;
        }
        // One drone flies one plan at a time: checked under the drone's lock.
        const busy = await overlappingPlanOfDrone(tx, {
          droneId: attempt.req.droneId,
          from: attempt.compiled.timeStart,
          to: attempt.compiled.timeEnd,
          exceptPlanId,
        });
        if (busy) {
          misses.push({ attempt, reason: 'drone_busy', verdict, busy });
          continue;
        }
        if (cap !== null) {
          held ??= await lockedUsage(tx, owner, exceptPlanId);
          if (held + attempt.cellHours > cap) {
            misses.push({ attempt, reason: 'cap_exceeded', verdict, cap: { cellHours: cap, held } });
            continue;
          }
        }
        const reason = `pre-empted by a priority ${attempt.req.priority} plan`;
        const preempted = await transition(tx, verdict.preempted, LIVE_STATES, 'Preempted', reason, now);
        const road = {
          keys: toKeyArrays(attempt.compiled.keys),
          windows: single ? windows : stripeWindows(attempt.compiled.keys, stripeResolution),
        };
        const plan = await write(tx, attempt, road);
        const overlapped = await getPlans(tx, verdict.overlapped);
        await this.auditPriority(tx, filer.who, plan, attempt.grant, preempted, overlapped);
        const advisories = explainConflicts(verdict.advisories, airspace.bandHeightM);
        await withAcceptance?.(tx, {
          plan,
          preempted: preempted.map((p) => p.id),
          overlapped: overlapped.map((p) => p.id),
          advisories,
        });
        await recordDecisions(tx, [
          {
            at: now,
            operator: owner,
            outcome: 'accepted',
            reason: null,
            planId: plan.id,
            cellHours: attempt.cellHours,
          },
          ...preempted.map((p): DecisionRecord => ({
            at: now,
            operator: p.owner,
            outcome: 'preempted',
            reason: null,
            planId: p.id,
            cellHours: p.cellHours,
          })),
        ]);
        const outcome = { misses, accepted: { attempt, plan, preempted, overlapped, advisories }, released };
        if (dryRun) throw new DryRun(outcome);
        return outcome;
      }
      return { misses, accepted: null, released };
    });
    return decided.catch((err: unknown) => {
      if (err instanceof DryRun) return err.outcome;
      throw err;
    });
  }

  private learnOutcome(outcome: Outcome): void {
    const a = outcome.accepted;
    this.learn([
      ...outcome.released.map((plan) => ({ plan })),
      ...(a ? [...a.preempted.map((plan) => ({ plan })), { plan: a.plan, keys: a.attempt.compiled.keys }] : []),
    ]);
    for (const kept of a?.overlapped ?? []) {
      this.deps.events.emit('priority-over-active-plan', {
        plan: kept,
        by: a!.plan,
        message: `a priority ${a!.plan.priority} plan (${a!.plan.id}) was accepted through the sky road of ${kept.droneId}, which is in the air: give way`,
      });
    }
  }

  /** Every plan pre-empted or overlapped is audited with who asked and under which grant. */
  private async auditPriority(
    tx: Queryable,
    who: Principal,
    plan: PlanRecord,
    grant: string | null,
    preempted: readonly PlanRecord[],
    overlapped: readonly PlanRecord[],
  ): Promise<void> {
    const entry = (p: PlanRecord, action: string, outcome: string) => ({
      who,
      action,
      target: p.id,
      outcome,
      remote: null,
      detail: { by: plan.id, priority: plan.priority, over: p.priority, operator: p.owner, grant },
    });
    await this.deps.audit.recordWithin(tx, [
      ...preempted.map((p) => entry(p, 'plan preempted', 'Preempted')),
      ...overlapped.map((p) => entry(p, 'plan overlapped in the air', 'kept its sky road; told to give way')),
    ]);
  }

  /**
   * An authorisation to enter a zone was revoked: the live plans of that drone and operator no
   * longer hold it, so the monitor judges the drone there as unauthorised from now on.
   */
  async withdrawZone(a: { zoneId: string; operator: string; droneId: string; id: string }): Promise<PlanRecord[]> {
    const changed = await withdrawGrantedZone(this.deps.db, {
      ...a,
      reason: `authorisation ${a.id} to enter zone ${a.zoneId} revoked`,
      at: this.deps.clock.now(),
    });
    this.learn(changed.map((plan) => ({ plan })));
    return changed;
  }

  /** A refusal leaves no plan behind: it is kept for the fairness report once decided. */
  private recordRefusal(owner: string, reason: RefusalReason, at: number): void {
    this.deps.decisions.record({ at, operator: owner, outcome: 'refused', reason, planId: null, cellHours: 0 });
  }

  private rejection(miss: Miss, exceptPlanId: string | undefined, withAlternatives: boolean): Rejection {
    const { attempt, verdict, reason } = miss;
    const bandHeightM = this.deps.config.airspace.bandHeightM;
    const advisories = explainConflicts(verdict.advisories, bandHeightM);
    if (miss.busy) {
      const other = miss.busy;
      return {
        error: 'rejected',
        state: 'Rejected',
        reason,
        message: `drone ${attempt.req.droneId} already holds plan ${other.id} from ${iso(other.timeStart)} to ${iso(other.timeEnd)}; a drone flies one plan at a time`,
        conflicts: [],
        alternatives: [],
        advisories,
      };
    }
    if (miss.cap) {
      return {
        error: 'rejected',
        state: 'Rejected',
        reason,
        message:
          `the plan holds ${hours(attempt.cellHours)} cell-hours and its operator already holds ` +
          `${hours(miss.cap.held)} of a cap of ${hours(miss.cap.cellHours)} at once`,
        conflicts: [],
        alternatives: [],
        advisories,
      };
    }
    const conflicts = explainConflicts(verdict.blocking, bandHeightM);
    const alternatives = withAlternatives
      ? proposeAlternatives(
          {
            index: this.deps.mirror.index,
            datum: this.deps.datum,
            params: this.deps.config.airspace,
            now: this.deps.clock.now(),
            horizonMs: this.deps.config.planningHorizonMs,
            minClearanceM: MIN_CLEARANCE_M,
          },
          attempt.req,
          attempt.compiled,
          attempt.claimant,
          exceptPlanId,
        )
      : [];
    return {
      error: 'rejected',
      state: 'Rejected',
      reason,
      message: conflictSummary(conflicts),
      conflicts,
      alternatives,
      advisories,
    };
  }

  /**
   * After a commit: the mirror holds the new state at once, and listeners hear of it once. The
   * change notice may reach this instance before the commit returns; whichever applies a version
   * first announces it.
   */
  private learn(changes: ReadonlyArray<{ plan: PlanRecord; keys?: readonly SkyKey[] }>): void {
    const { mirror, events, db, log } = this.deps;
    for (const { plan, keys } of changes) {
      const live = (LIVE_STATES as readonly string[]).includes(plan.state);
      const held = keys ?? mirror.index.plan(plan.id)?.keys;
      if (live && !held) {
        mirror.refreshPlans(db, [plan.id]).then(
          (changed) => changed.forEach((r) => events.emit('plan', r)),
          (err: unknown) => log.error({ err, planId: plan.id }, 'could not mirror a plan'),
        );
        continue;
      }
      const news = mirror.apply({
        id: plan.id,
        version: plan.version,
        priority: plan.priority,
        keys: live ? held! : null,
      });
      if (news) events.emit('plan', plan);
    }
  }
}
