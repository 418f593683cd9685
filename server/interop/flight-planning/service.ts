import type { Datum } from '../../airspace/altitude.ts';
import { can, hasScope } from '../../auth/policy.ts';
import { system, type Principal } from '../../auth/principal.ts';
import type { Clock } from '../../clock.ts';
import { BadRequest, Forbidden, StateConflict } from '../../errors.ts';
import type { AirspaceEvents } from '../../events.ts';
import type { Operation } from '../../flights/lifecycle.ts';
import type { Decision, FlightPlans } from '../../flights/service.ts';
import type { DroneRegistry } from '../../rights/drones.ts';
import type { Logger } from '../../log.ts';
import {
  LIVE_STATES,
  type ErrorBody,
  type FlightPlanRequest,
  type InterussClearAreaRequest,
  type InterussClearAreaResponse,
  type InterussFlightPlanStatus,
  type InterussPlanningResponse,
  type InterussUpsertFlightPlanRequest,
  type InterussUserNotificationsResponse,
  type PlanState,
} from '../../protocol/index.ts';
import type { Db } from '../../store/db.ts';
import {
  findInterussFlight,
  forgetInterussFlight,
  interussFlightsIn,
  interussNotifications,
  notifyInterussOwner,
  pointInterussFlight,
  type InterussFlight,
} from '../../store/interuss.ts';
import type { PlanRecord } from '../../store/plans.ts';
import { extentOf } from '../f3548/volumes.ts';
import { statusOf, stepsBetween, targetState } from './lifecycle.ts';
import { toPlanRequest, UnsupportedPriority } from './request.ts';

export interface FlightPlanningDeps {
  db: Db;
  flights: FlightPlans;
  /** Each flight's drone is registered to the test director that plans it. */
  drones: DroneRegistry;
  datum: Datum;
  events: AirspaceEvents;
  clock: Clock;
  log: Logger;
}

/** A concurrent request on the same flight changed it first; nothing of this one was kept. */
export class Overtaken extends Error {}

/**
 * The interface's answer to a close. An unknown flight is 404 with the interface's body (the
 * qualifier reads it) that also carries `error` and `message`, as every refusal here does.
 */
export type CloseAnswer =
  { found: true; body: InterussPlanningResponse } | { found: false; body: InterussPlanningResponse & ErrorBody };

const AREA = 'flight_plan.basic_information.area';
/** How many flights one clear-area request closes at most; the director asks again for more. */
const CLEAR_AREA_LIMIT = 10_000;
const NOTIFICATIONS_LIMIT = 1000;

const isLive = (state: PlanState) => (LIVE_STATES as readonly string[]).includes(state);
/** The native service names the request's volumes; the user named them area. */
const inInterfaceTerms = (message: string) => message.replace(/\bvolumes\b/g, AREA);

/** JSON with sorted keys: the stored request comes back from jsonb in another key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

const rejected = (notes: string, state: PlanState | null): InterussPlanningResponse => ({
  planning_result: 'Rejected',
  notes,
  flight_plan_status: statusOf(state),
  includes_advisories: 'Unknown',
});

const advisoriesOf = (d: Decision): InterussPlanningResponse['includes_advisories'] =>
  (d.accepted ? d.advisories : d.rejection.advisories).length > 0
    ? 'AtLeastOneAdvisoryOrCondition'
    : 'NoAdvisoriesOrConditions';

/**
 * InterUSS flight_planning/v1 on top of the sky-road engine: a user's flight becomes a plan
 * request decided by the same arbiter as any other (FlightPlans), its usage and UAS states become
 * the plan's lifecycle operations, and the caller's flight_plan_id stays pointed at the plan.
 * Conflicts and unplannable intents are Rejected; only a fault is Failed.
 */
export class FlightPlanning {
  private readonly onPlan = (plan: PlanRecord) => {
    this.notice(plan).catch((err: unknown) =>
      this.deps.log.error({ err, planId: plan.id }, 'could not keep an InterUSS user notification'),
    );
  };

  constructor(private readonly deps: FlightPlanningDeps) {}

  /** Starts telling users of the interface's flights what happens to them (pre-emption, conformance). */
  start(): void {
    this.deps.events.on('plan', this.onPlan);
  }

  stop(): void {
    this.deps.events.off('plan', this.onPlan);
  }

  /** The flight's status now, as the user would see it. */
  async status(flightPlanId: string): Promise<InterussFlightPlanStatus> {
    const flight = await findInterussFlight(this.deps.db, flightPlanId);
    return statusOf(flight ? (await this.deps.flights.get(flight.planId)).plan.state : null);
  }

  async upsert(
    flightPlanId: string,
    req: InterussUpsertFlightPlanRequest,
    who: Principal,
  ): Promise<InterussPlanningResponse> {
    const hypothetical = req.execution_style === 'Hypothetical';
    const flight = await findInterussFlight(this.deps.db, flightPlanId);
    if (flight) this.requireOwner(flight, who, false);
    const current = flight ? (await this.deps.flights.get(flight.planId)).plan : null;
    const live = current && isLive(current.state) ? current : null;

    const target = targetState(req.flight_plan.basic_information);
    if ('invalid' in target) return rejected(target.invalid, live?.state ?? null);
    if (target.state === 'Ended') return this.closeFromUpsert(live, who, hypothetical);

    let request: FlightPlanRequest;
    try {
      request = toPlanRequest(req.flight_plan, flightPlanId, this.deps.datum, this.deps.clock.now());
    } catch (err) {
      if (err instanceof UnsupportedPriority) {
        return {
          planning_result: 'NotSupported',
          notes: err.message,
          flight_plan_status: statusOf(live?.state ?? null),
        };
      }
      if (err instanceof BadRequest) return rejected(err.message, live?.state ?? null);
      throw err;
    }
    return live
      ? this.modify(flight!, live, request, target.state, who, hypothetical)
      : this.plan(flightPlanId, flight, request, target.state, who, hypothetical);
  }

  /** A flight with no live plan: the arbiter decides a new one, and the flight_plan_id points at it. */
  private async plan(
    flightPlanId: string,
    flight: InterussFlight | null,
    request: FlightPlanRequest,
    target: PlanState,
    who: Principal,
    hypothetical: boolean,
  ): Promise<InterussPlanningResponse> {
    const steps = stepsBetween('Accepted', target);
    if ('invalid' in steps) return rejected(steps.invalid, null);
    const decision = await this.decide(async () => {
      // The flight's own drone (request.ts says why), the test director's to fly.
      await this.deps.drones.ensureOwn(request.droneId, who);
      return this.deps.flights.create(request, who, { dryRun: hypothetical }, async (tx, { plan }) => {
        const pointed = { flightPlanId, planId: plan.id, owner: flight?.owner ?? who.subject };
        if (!(await pointInterussFlight(tx, pointed, flight?.planId ?? null, this.deps.clock.now()))) {
          throw new Overtaken(`flight plan ${flightPlanId} was planned by a concurrent request`);
        }
      });
    });
    if ('answer' in decision) return { ...decision.answer, flight_plan_status: statusOf(null) };
    if (!decision.accepted) return this.rejection(decision, null);
    if (!hypothetical) {
      const refused = await this.run(decision.plan.id, steps.steps, who);
      if (refused) return rejected(refused, decision.plan.state);
    }
    return this.completed(decision, target);
  }

  /**
   * A live flight changed: a new area or priority is decided by the arbiter as a replan (the old
   * sky road stays on refusal), then the state moves as the user says.
   */
  private async modify(
    flight: InterussFlight,
    live: PlanRecord,
    request: FlightPlanRequest,
    target: PlanState,
    who: Principal,
    hypothetical: boolean,
  ): Promise<InterussPlanningResponse> {
    const steps = stepsBetween(live.state, target);
    if ('invalid' in steps) return rejected(steps.invalid, live.state);
    const unchanged = canonical(live.request) === canonical(request);
    let decision: Decision | null = null;
    if (!unchanged) {
      const d = await this.decide(() =>
        this.deps.flights.replan(flight.planId, request, who, { dryRun: hypothetical }),
      );
      if ('answer' in d) return { ...d.answer, flight_plan_status: statusOf(live.state) };
      if (!d.accepted) return this.rejection(d, live.state);
      decision = d;
    }
    if (!hypothetical) {
      const refused = await this.run(flight.planId, steps.steps, who);
      if (refused) return rejected(refused, (await this.deps.flights.get(flight.planId)).plan.state);
    }
    return decision
      ? this.completed(decision, target)
      : { planning_result: 'Completed', flight_plan_status: statusOf(target), includes_advisories: 'Unknown' };
  }

  /** usage_state Closed: the flight ends (or, never flown, is cancelled). */
  private async closeFromUpsert(
    live: PlanRecord | null,
    who: Principal,
    hypothetical: boolean,
  ): Promise<InterussPlanningResponse> {
    if (live && !hypothetical) {
      const refused = await this.run(live.id, [live.state === 'Accepted' ? 'cancel' : 'end'], who);
      if (refused) return rejected(refused, (await this.deps.flights.get(live.id)).plan.state);
    }
    return { planning_result: 'Completed', flight_plan_status: 'Closed', includes_advisories: 'Unknown' };
  }

  /** DELETE: the user (or the test director) closes the flight and its id is forgotten. */
  async close(flightPlanId: string, who: Principal): Promise<CloseAnswer> {
    const flight = await findInterussFlight(this.deps.db, flightPlanId);
    if (!flight) {
      const message = `no flight plan ${flightPlanId} here (it may have been closed already)`;
      return {
        found: false,
        body: {
          error: 'not_found',
          message,
          planning_result: 'Completed',
          notes: message,
          flight_plan_status: 'Closed',
        },
      };
    }
    const actor = this.requireOwner(flight, who, true);
    await this.closePlan(flight, actor);
    return { found: true, body: { planning_result: 'Completed', flight_plan_status: 'Closed' } };
  }

  /** The test director's clean-up: every flight of this interface whose plan meets the extent is closed. */
  async clearArea(req: InterussClearAreaRequest): Promise<InterussClearAreaResponse> {
    const { bbox, from, to } = extentOf(req.extent);
    const flights = await interussFlightsIn(this.deps.db, bbox, from, to, CLEAR_AREA_LIMIT);
    const failed: string[] = [];
    for (const flight of flights) {
      try {
        await this.closePlan(flight, system('interuss-clear-area'));
      } catch (err) {
        this.deps.log.error({ err, flightPlanId: flight.flightPlanId }, 'could not clear an InterUSS flight');
        failed.push(flight.flightPlanId);
      }
    }
    if (failed.length > 0) {
      return {
        outcome: {
          success: false,
          message: `${failed.length} of ${flights.length} flight plans could not be closed`,
          details: { flight_plan_ids: failed },
        },
      };
    }
    const more = flights.length === CLEAR_AREA_LIMIT;
    return {
      outcome: {
        success: !more,
        message: more
          ? `closed ${flights.length} flight plans; more remain, ask again`
          : `closed ${flights.length} flight plans`,
      },
    };
  }

  async notifications(
    who: Principal,
    after: number,
    before: number | null,
  ): Promise<InterussUserNotificationsResponse> {
    const until = before ?? this.deps.clock.now();
    const found = await interussNotifications(this.deps.db, who.subject, after, until, NOTIFICATIONS_LIMIT);
    return {
      user_notifications: found.map((n) => ({
        observed_at: { value: new Date(n.observedAt).toISOString(), format: 'RFC3339' },
        message: n.message,
        conflicts: n.conflicts,
      })),
    };
  }

  /**
   * The caller's own flight, or any flight for the test director closing it; returns who acts on
   * the plan (the director acts as the interface itself: its token is no operator's).
   */
  private requireOwner(flight: InterussFlight, who: Principal, closing: boolean): Principal {
    if (who.role === 'admin' || (flight.owner === who.subject && can(who, 'plans:file'))) return who;
    if (closing && hasScope(who, 'interuss:direct-test')) return system('interuss-test-director');
    throw new Forbidden(`flight plan ${flight.flightPlanId} belongs to another user`);
  }

  private async closePlan(flight: InterussFlight, actor: Principal): Promise<void> {
    const { plan } = await this.deps.flights.get(flight.planId);
    if (isLive(plan.state)) {
      try {
        await this.deps.flights.operate(plan.id, plan.state === 'Accepted' ? 'cancel' : 'end', actor);
      } catch (err) {
        // Closed meanwhile (expired, pre-empted, a concurrent close): the end state holds.
        if (!(err instanceof StateConflict)) throw err;
      }
    }
    await forgetInterussFlight(this.deps.db, flight.flightPlanId);
  }

  /** Runs a decision; a request the arbiter cannot plan (times out of reach, a bad outline) is Rejected. */
  /**
   * Decides through the native service; a request it refuses (bad input, or a right this user
   * was not granted: a priority above the normal level needs an administrator's grant to the
   * test director's subject) is Rejected with the reason in the notes.
   */
  private async decide(run: () => Promise<Decision>): Promise<Decision | { answer: InterussPlanningResponse }> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof BadRequest || err instanceof Forbidden) {
        return { answer: rejected(inInterfaceTerms(err.message), null) };
      }
      throw err;
    }
  }

  /** Moves the plan through the steps; the refusal of one (the plan's state moved on meanwhile) is returned. */
  private async run(planId: string, steps: readonly Operation[], who: Principal): Promise<string | null> {
    try {
      for (const op of steps) await this.deps.flights.operate(planId, op, who);
      return null;
    } catch (err) {
      if (err instanceof StateConflict) return err.message;
      throw err;
    }
  }

  private rejection(d: Decision & { accepted: false }, state: PlanState | null): InterussPlanningResponse {
    return {
      planning_result: 'Rejected',
      notes: d.rejection.message,
      flight_plan_status: statusOf(state),
      includes_advisories: advisoriesOf(d),
    };
  }

  private completed(d: Decision, target: PlanState): InterussPlanningResponse {
    return { planning_result: 'Completed', flight_plan_status: statusOf(target), includes_advisories: advisoriesOf(d) };
  }

  /** A change the user did not ask for, told to the user of an interface flight once. */
  private async notice(plan: PlanRecord): Promise<void> {
    const told =
      plan.state === 'Preempted'
        ? {
            message: `Flight pre-empted: ${plan.stateReason ?? 'a higher-priority flight needs its airspace'}`,
            conflicts: 'Single' as const,
          }
        : plan.state === 'Nonconforming' || plan.state === 'Contingent'
          ? { message: `Flight ${plan.state}: ${plan.stateReason ?? 'off its plan'}`, conflicts: 'Unknown' as const }
          : null;
    if (!told) return;
    await notifyInterussOwner(this.deps.db, plan.id, plan.version, { observedAt: plan.updatedAt, ...told });
  }
}
