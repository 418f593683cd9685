import { randomUUID } from 'node:crypto';
import type { Datum } from '../airspace/altitude.ts';
import { mayManagePlan } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Conflict as CoreConflict } from '../airspace/index.ts';
import { compilePlan, type CompiledPlan } from '../airspace/plan.ts';
import { judge, type Claimant, type Verdict } from '../airspace/priority.ts';
import type { SkyKey } from '../airspace/types.ts';
import type { Config } from '../config.ts';
import type { AuditTrail } from '../audit/trail.ts';
import { BadRequest, Forbidden, NotFound, StateConflict } from '../errors.ts';
import type { AirspaceEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import {
  AIRBORNE_STATES,
  LIVE_STATES,
  type Conflict,
  type FlightPlanRequest,
  type Rejection,
} from '../protocol/index.ts';
import type { Vault } from '../privacy/vault.ts';
import type { Db, Queryable } from '../store/db.ts';
import { stripeWindows, toKeyArrays, type KeyArrays, type StripeWindows } from '../store/keys-sql.ts';
import {
  expiredPlanIds,
  findCandidates,
  getPlan,
  getPlans,
  insertPlan,
  listPlans,
  liveVersions,
  lockDrone,
  lockForDecision,
  overlappingPlanOfDrone,
  planEvents,
  planKeys,
  replacePlan,
  transition,
  type NewPlan,
  type PlanEventRecord,
  type PlanFilter,
  type PlanRecord,
  withdrawGrantedZone,
} from '../store/plans.ts';
import { proposeAlternatives } from './alternatives.ts';
import { conflictSummary, explainConflicts } from './explain.ts';
import { checkVolumes } from './extent.ts';
import { toGeometry } from './geometry.ts';
import { OPERATIONS, REPLANNABLE, type Operation } from './lifecycle.ts';
import type { AirspaceMirror } from './mirror.ts';
import { summarizeSkyRoad } from './summary.ts';
import type { DroneRegistry } from '../rights/drones.ts';
import type { PriorityGrants } from '../rights/priority.ts';
import type { ZoneAuthorizations } from '../rights/zones.ts';
import { type Clock } from '../clock.ts';

export type Decision =
  | { accepted: true; plan: PlanRecord; preempted: string[]; overlapped: string[]; advisories: Conflict[] }
  | { accepted: false; rejection: Rejection };

/** The rights a decision checks: who flies the drone, who may claim a priority or a restricted zone. */
export interface Rights {
  drones: DroneRegistry;
  priorities: PriorityGrants;
  zones: ZoneAuthorizations;
}

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
  rights: Rights;
  /** Pre-emptions and overlaps are audited with the decision that made them. */
  audit: AuditTrail;
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

/** What the arbiter transaction concluded. */
interface Outcome {
  verdict: Verdict;
  conflicts: CoreConflict[];
  plan: PlanRecord | null;
  preempted: PlanRecord[];
  /** Lower-priority plans in the air that the accepted plan shares airspace with. */
  overlapped: PlanRecord[];
  /** What the filer was found to hold the rights to. */
  entitled: Entitlement;
  /** For an accepted plan, the advisory zones it enters, explained once for both the hook and the answer. */
  advisories: Conflict[];
}

/** The claimant as the rights allow, and the grant that allows its priority (null: the normal level). */
interface Entitlement {
  claimant: Claimant;
  grant: string | null;
}

/** Who files a plan, for whom, and which plan it replaces (null for a new one). */
interface Filer {
  who: Principal;
  owner: string;
  planId: string | null;
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
    const compiled = this.compile(req, now);
    const id = randomUUID();
    return this.decide(
      req,
      compiled,
      { who, owner: who.subject, planId: null },
      (tx, road, granted) =>
        insertPlan(tx, this.newPlan(id, req, compiled, who.subject, granted), road.keys, road.windows, now),
      [],
      withAcceptance,
    );
  }

  /** Replaces a live plan's sky road atomically; on conflict the old one stays untouched. */
  async replan(id: string, req: FlightPlanRequest, who: Principal): Promise<Decision> {
    const current = await this.requireManaged(id, who);
    if (!REPLANNABLE.includes(current.state)) throw new StateConflict(`a ${current.state} plan cannot be replanned`);
    const now = this.deps.clock.now();
    const compiled = this.compile(req, now);
    const oldKeys = this.deps.mirror.index.plan(id)?.keys ?? (await planKeys(this.deps.db, id));
    return this.decide(
      req,
      compiled,
      { who, owner: current.owner, planId: id },
      async (tx, road, granted) => {
        const next = this.newPlan(id, req, compiled, current.owner, granted);
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

  private compile(req: FlightPlanRequest, now: number): CompiledPlan {
    this.checkTimes(req, now);
    checkVolumes(req);
    const compiled = compilePlan(toGeometry(req), this.deps.datum, this.deps.config.airspace);
    if (compiled.keys.length === 0) throw BadRequest.field(req.route ? 'route' : 'volumes', 'covers no airspace');
    return compiled;
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
  private newPlan(
    id: string,
    req: FlightPlanRequest,
    compiled: CompiledPlan,
    owner: string,
    grantedZones: ReadonlySet<string>,
  ): NewPlan {
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
      grantedZones: [...grantedZones],
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
    filer: Filer,
    write: (tx: Queryable, road: Road, grantedZones: ReadonlySet<string>) => Promise<PlanRecord>,
    alsoLock: readonly SkyKey[] = [],
    withAcceptance?: WithAcceptance,
  ): Promise<Decision> {
    const { db, mirror } = this.deps;
    const exceptPlanId = filer.planId;
    const entitled = await this.entitle(db, req, compiled, filer);
    const { claimant } = entitled;
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
          {
            verdict: foreseen,
            conflicts: predicted,
            plan: null,
            preempted: [],
            overlapped: [],
            advisories: [],
            entitled,
          },
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
      await lockDrone(tx, req.droneId);
      await this.requireDroneFree(tx, req, compiled, filer);
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
      const airborne = new Set(
        candidates.filter((c) => (AIRBORNE_STATES as readonly string[]).includes(c.state)).map((c) => c.id),
      );
      const verdict = judge(conflicts, claimant, airborne);
      if (verdict.blocking.length > 0) {
        return { verdict, conflicts, plan: null, preempted: [], overlapped: [], advisories: [], entitled };
      }
      const reason = `pre-empted by a priority ${req.priority} plan`;
      const preempted = await transition(
        tx,
        verdict.preempted,
        LIVE_STATES,
        'Preempted',
        reason,
        this.deps.clock.now(),
      );
      const plan = await write(tx, road, claimant.authorizations);
      const overlapped = await getPlans(tx, verdict.overlapped);
      await this.auditPriority(tx, filer.who, plan, entitled.grant, preempted, overlapped);
      const advisories = explainConflicts(verdict.advisories, this.deps.config.airspace.bandHeightM);
      await withAcceptance?.(tx, {
        plan,
        preempted: preempted.map((p) => p.id),
        overlapped: overlapped.map((p) => p.id),
        advisories,
      });
      return { verdict, conflicts, plan, preempted, overlapped, advisories, entitled };
    });

    if (!outcome.plan) return this.reject(req, compiled, outcome, outcome.entitled.claimant, except);
    this.learn([...outcome.preempted.map((plan) => ({ plan })), { plan: outcome.plan, keys: compiled.keys }]);
    for (const kept of outcome.overlapped) {
      this.deps.events.emit('priority-over-active-plan', {
        plan: kept,
        by: outcome.plan,
        message: `a priority ${outcome.plan.priority} plan (${outcome.plan.id}) was accepted through the sky road of ${kept.droneId}, which is in the air: give way`,
      });
    }
    return {
      accepted: true,
      plan: outcome.plan,
      preempted: outcome.preempted.map((p) => p.id),
      overlapped: outcome.overlapped.map((p) => p.id),
      advisories: outcome.advisories,
    };
  }

  /**
   * What the filer holds the rights to, before anything is decided (a forecast refusal too is
   * given only to whom the rights allow, with the rights granted): the drone must be theirs, a
   * priority above the normal level must be granted, and the restricted zones the plan may enter
   * are those its authorisations cover (a zone only claimed is refused).
   */
  private async entitle(
    q: Queryable,
    req: FlightPlanRequest,
    compiled: CompiledPlan,
    filer: Filer,
  ): Promise<Entitlement> {
    const { drones, priorities, zones } = this.deps.rights;
    await drones.requireOperator(q, req.droneId, filer.who);
    const grant = await priorities.entitlement(q, filer.who, req.priority);
    const authorizations = await zones.claimable(q, filer.who, {
      operator: filer.owner,
      droneId: req.droneId,
      from: compiled.timeStart,
      to: compiled.timeEnd,
      requested: req.authorizations,
    });
    return { claimant: { priority: req.priority, authorizations }, grant };
  }

  /** One drone flies one plan at a time: checked under the drone's lock, so two filings cannot both pass. */
  private async requireDroneFree(
    tx: Queryable,
    req: FlightPlanRequest,
    compiled: CompiledPlan,
    filer: Filer,
  ): Promise<void> {
    const other = await overlappingPlanOfDrone(tx, {
      droneId: req.droneId,
      from: compiled.timeStart,
      to: compiled.timeEnd,
      exceptPlanId: filer.planId,
    });
    if (other) {
      throw StateConflict.field(
        'droneId',
        `drone ${req.droneId} already holds plan ${other.id} from ${new Date(other.timeStart).toISOString()} to ${new Date(other.timeEnd).toISOString()}; a drone flies one plan at a time`,
      );
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
