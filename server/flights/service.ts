import { randomUUID } from 'node:crypto';
import type { Datum } from '../airspace/altitude.ts';
import { mayManagePlan } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Conflict as CoreConflict } from '../airspace/index.ts';
import type { CompiledPlan } from '../airspace/plan.ts';
import { judge, type Claimant, type Verdict } from '../airspace/priority.ts';
import type { SkyKey } from '../airspace/types.ts';
import type { Config } from '../config.ts';
import { BadRequest, Forbidden, NotFound, StateConflict } from '../errors.ts';
import type { AirspaceEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import { LIVE_STATES, type Conflict, type FlightPlanRequest, type Rejection } from '../protocol/index.ts';
import type { Vault } from '../privacy/vault.ts';
import type { Db, Queryable } from '../store/db.ts';
import { stripeWindows, toKeyArrays, type KeyArrays, type StripeWindows } from '../store/keys-sql.ts';
import {
  expiredPlanIds,
  findCandidates,
  getPlan,
  insertPlan,
  listPlans,
  liveVersions,
  lockForDecision,
  planEvents,
  planKeys,
  replacePlan,
  transition,
  type NewPlan,
  type PlanEventRecord,
  type PlanFilter,
  type PlanRecord,
} from '../store/plans.ts';
import { proposeAlternatives } from './alternatives.ts';
import { conflictSummary, explainConflicts } from './explain.ts';
import { OPERATIONS, REPLANNABLE, type Operation } from './lifecycle.ts';
import type { AirspaceMirror } from './mirror.ts';
import { summarizeSkyRoad } from './summary.ts';
import { type Clock } from '../clock.ts';
import { hours, LIMITS } from '../limits.ts';
import type { Compilers } from '../workers/compilers.ts';

export type Decision =
  | { accepted: true; plan: PlanRecord; preempted: string[]; advisories: Conflict[] }
  | { accepted: false; rejection: Rejection };

export interface FlightPlansDeps {
  db: Db;
  mirror: AirspaceMirror;
  datum: Datum;
  config: Pick<Config, 'airspace' | 'stripeResolution' | 'planningHorizonMs' | 'departureGraceMs'>;
  clock: Clock;
  log: Logger;
  events: AirspaceEvents;
  /** Seals the operator's contact details before they are stored. */
  vault: Vault;
  /** Requests into sky roads, off the event loop. */
  compilers: Pick<Compilers, 'plan'>;
}

/**
 * Work the caller needs done in the same transaction as an acceptance (an Idempotency-Key's
 * answer): committed with the plan, or rolled back with it when it throws.
 */
export type WithAcceptance = (
  tx: Queryable,
  accepted: { plan: PlanRecord; preempted: string[]; advisories: Conflict[] },
) => Promise<void>;

/** Lowest cruise height above the ground an alternative may propose. */
const MIN_CLEARANCE_M = 10;

/** What the arbiter transaction concluded. */
interface Outcome {
  verdict: Verdict;
  conflicts: CoreConflict[];
  plan: PlanRecord | null;
  preempted: PlanRecord[];
  /** For an accepted plan, the advisory zones it enters, explained once for both the hook and the answer. */
  advisories: Conflict[];
}

/** A sky road as the store writes it. */
interface Road {
  keys: KeyArrays;
  windows: StripeWindows;
}

const flightIds = (conflicts: readonly CoreConflict[]) => [
  ...new Set(conflicts.flatMap((c) => (c.type === 'flight' ? [c.id] : []))),
];

/**
 * The plan lifecycle: a request becomes a sky road (airspace core), the database decides in one
 * transaction whether it may hold it, and the mirror and the event stream learn the outcome.
 */
export class FlightPlans {
  constructor(private readonly deps: FlightPlansDeps) {}

  async create(req: FlightPlanRequest, who: Principal, withAcceptance?: WithAcceptance): Promise<Decision> {
    const now = this.deps.clock.now();
    const compiled = await this.compile(req, now);
    const id = randomUUID();
    return this.decide(
      req,
      compiled,
      null,
      (tx, road) => insertPlan(tx, this.newPlan(id, req, compiled, who.subject), road.keys, road.windows, now),
      [],
      withAcceptance,
    );
  }

  /** Replaces a live plan's sky road atomically; on conflict the old one stays untouched. */
  async replan(id: string, req: FlightPlanRequest, who: Principal): Promise<Decision> {
    const current = await this.requireManaged(id, who);
    if (!REPLANNABLE.includes(current.state)) throw new StateConflict(`a ${current.state} plan cannot be replanned`);
    const now = this.deps.clock.now();
    const compiled = await this.compile(req, now);
    const oldKeys = this.deps.mirror.index.plan(id)?.keys ?? (await planKeys(this.deps.db, id));
    return this.decide(
      req,
      compiled,
      id,
      async (tx, road) => {
        const next = this.newPlan(id, req, compiled, current.owner);
        const plan = await replacePlan(tx, next, road.keys, road.windows, current.version, now);
        if (!plan) throw new StateConflict('the plan changed while it was being replanned; read it and try again');
        return plan;
      },
      oldKeys,
    );
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

  /** Ends accepted plans whose reservation is over; returns how many. */
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
    return ended.length;
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
      throw BadRequest.field('route', `the flight takes ${took} h; at most ${hours(maxFlightDurationMs)}`);
    }
    if (arrival > now + planningHorizonMs) {
      const days = Math.round(planningHorizonMs / 86_400_000);
      throw BadRequest.field(
        'route.departure',
        `the flight lands at ${new Date(arrival).toISOString()}, after the ${days}-day planning horizon`,
      );
    }
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

  /** The plan as stored: the contact details leave the request and are sealed on their own. */
  private newPlan(id: string, req: FlightPlanRequest, compiled: CompiledPlan, owner: string): NewPlan {
    const path = compiled.path;
    const { contact, ...request } = req;
    return {
      id,
      priority: req.priority,
      droneId: req.droneId,
      owner,
      request,
      contact: contact ? this.deps.vault.seal(contact) : null,
      timeStart: compiled.timeStart,
      timeEnd: compiled.timeEnd,
      departure: path ? path[0]!.t : null,
      arrival: path ? path[path.length - 1]!.t : null,
      bbox: compiled.bbox,
      skyRoad: summarizeSkyRoad(compiled.keys, this.deps.config.airspace),
    };
  }

  /**
   * The arbiter. A refusal the mirror predicts is given at once when the database confirms that
   * every blocker still holds the version the mirror has (keys of a version never change) and the
   * zones are current; otherwise the mirror catches up and the plan goes to the arbiter. An
   * acceptance is only ever decided in the transaction, under the locks, by the database's own
   * copy of every live key.
   */
  private async decide(
    req: FlightPlanRequest,
    compiled: CompiledPlan,
    exceptPlanId: string | null,
    write: (tx: Queryable, road: Road) => Promise<PlanRecord>,
    alsoLock: readonly SkyKey[] = [],
    withAcceptance?: WithAcceptance,
  ): Promise<Decision> {
    const { db, mirror } = this.deps;
    const claimant: Claimant = { priority: req.priority, authorizations: new Set(req.authorizations) };
    const except = exceptPlanId ?? undefined;

    const predicted = mirror.index.conflicts(compiled.keys, except);
    const foreseen = judge(predicted, claimant);
    if (foreseen.blocking.length > 0) {
      const blockers = flightIds(foreseen.blocking);
      const { revision, versions } = await liveVersions(db, blockers);
      const stale = blockers.filter((id) => versions.get(id) !== mirror.index.plan(id)?.version);
      if (stale.length === 0 && revision === mirror.zoneRevision) {
        return this.reject(
          req,
          compiled,
          { verdict: foreseen, conflicts: predicted, plan: null, preempted: [], advisories: [] },
          claimant,
          except,
        );
      }
      await mirror.refreshPlans(db, stale);
      await mirror.syncZones(db, revision);
    }

    const windows = stripeWindows(compiled.keys, this.deps.config.stripeResolution);
    const locks = alsoLock.length
      ? stripeWindows([...compiled.keys, ...alsoLock], this.deps.config.stripeResolution).stripes
      : windows.stripes;
    const road = { keys: toKeyArrays(compiled.keys), windows };
    const outcome = await db.transaction(async (tx): Promise<Outcome> => {
      await lockForDecision(tx, locks);
      const { revision, candidates } = await findCandidates(tx, windows, exceptPlanId);
      await mirror.syncZones(tx, revision);
      await mirror.refreshPlans(
        tx,
        candidates.filter((c) => mirror.heldVersion(c.id) !== c.version).map((c) => c.id),
      );
      const ids = new Set(candidates.map((c) => c.id));
      const conflicts = [
        ...mirror.index.flightConflicts(compiled.keys, except).filter((c) => ids.has(c.id)),
        ...mirror.index.zoneConflicts(compiled.keys),
      ];
      const verdict = judge(conflicts, claimant);
      if (verdict.blocking.length > 0) return { verdict, conflicts, plan: null, preempted: [], advisories: [] };
      const reason = `pre-empted by a priority ${req.priority} plan`;
      const preempted = await transition(
        tx,
        verdict.preempted,
        LIVE_STATES,
        'Preempted',
        reason,
        this.deps.clock.now(),
      );
      const plan = await write(tx, road);
      const advisories = explainConflicts(verdict.advisories, this.deps.config.airspace.bandHeightM);
      await withAcceptance?.(tx, { plan, preempted: preempted.map((p) => p.id), advisories });
      return { verdict, conflicts, plan, preempted, advisories };
    });

    if (!outcome.plan) return this.reject(req, compiled, outcome, claimant, except);
    this.learn([...outcome.preempted.map((plan) => ({ plan })), { plan: outcome.plan, keys: compiled.keys }]);
    return {
      accepted: true,
      plan: outcome.plan,
      preempted: outcome.preempted.map((p) => p.id),
      advisories: outcome.advisories,
    };
  }

  private reject(
    req: FlightPlanRequest,
    compiled: CompiledPlan,
    outcome: Outcome,
    claimant: Claimant,
    exceptPlanId: string | undefined,
  ): Decision {
    const conflicts = explainConflicts(outcome.verdict.blocking, this.deps.config.airspace.bandHeightM);
    const alternatives = proposeAlternatives(
      {
        index: this.deps.mirror.index,
        datum: this.deps.datum,
        params: this.deps.config.airspace,
        now: this.deps.clock.now(),
        horizonMs: this.deps.config.planningHorizonMs,
        minClearanceM: MIN_CLEARANCE_M,
      },
      req,
      compiled,
      claimant,
      exceptPlanId,
    );
    return {
      accepted: false,
      rejection: {
        state: 'Rejected',
        message: conflictSummary(conflicts),
        conflicts,
        alternatives,
        advisories: explainConflicts(outcome.verdict.advisories, this.deps.config.airspace.bandHeightM),
      },
    };
  }

  /** After a commit: the mirror holds the new state at once, and listeners hear of it. */
  private learn(changes: ReadonlyArray<{ plan: PlanRecord; keys?: readonly SkyKey[] }>): void {
    for (const { plan, keys } of changes) {
      const live = (LIVE_STATES as readonly string[]).includes(plan.state);
      const held = keys ?? this.deps.mirror.index.plan(plan.id)?.keys;
      if (live && !held) {
        this.deps.mirror
          .refreshPlans(this.deps.db, [plan.id])
          .catch((err: unknown) => this.deps.log.error({ err, planId: plan.id }, 'could not mirror a plan'));
      } else {
        this.deps.mirror.apply({
          id: plan.id,
          version: plan.version,
          priority: plan.priority,
          keys: live ? held! : null,
        });
      }
      this.deps.events.emit('plan', plan);
    }
  }
}
