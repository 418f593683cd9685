import { groundW84, type Datum } from '../airspace/altitude.ts';
import type { LatLon } from '../airspace/types.ts';
import type { AirspaceEvents } from '../events.ts';
import type { AirspaceMirror } from '../flights/mirror.ts';
import type { Logger } from '../log.ts';
import type { AlertKind, DroneState, PlanState } from '../protocol/index.ts';
import type { Db } from '../store/db.ts';
import type { PlanRecord } from '../store/plans.ts';
import type { FlightPlans } from '../flights/service.ts';
import { conditionOf, type AlertBook, type AlertDraft } from './alerts.ts';
import { Batch } from '../store/batch.ts';
import { drainRate } from './battery.ts';
import {
  assess,
  describeExit,
  exitReason,
  isAirborne,
  locate,
  matchPlan,
  type ConformanceParams,
  type Fix,
  type RoadCheck,
} from './conformance.ts';
import { DronePlans, type DronePlan, type LiveState } from './drone-plans.ts';
import type { DroneEvents } from './events.ts';
import type { SafeActions } from './policy.ts';
import { DroneGrid } from './proximity.ts';
import type { Clock } from '../clock.ts';
import { AirspaceAlerts } from './airspace-alerts.ts';
import { AlertSync, position } from './alert-sync.ts';
import { Deadlines } from './deadlines.ts';
import type { Background } from '../background.ts';

export interface MonitorDeps {
  /** Plans change state only through the flight-plan service, whoever asks. */
  flights: Pick<FlightPlans, 'conform' | 'refresh'>;
  /** Where failures of work nobody awaits are reported. */
  background: Background;
  db: Db;
  droneEvents: DroneEvents;
  airspaceEvents: AirspaceEvents;
  mirror: AirspaceMirror;
  book: AlertBook;
  actions: SafeActions;
  datum: Datum;
  params: ConformanceParams;
  /** A flying drone silent this long raises lost_link. */
  lostLinkMs: number;
  /** How long a Nonconforming plan has to come back before it is Contingent. */
  contingentAfterMs: number;
  clock: Clock;
  log: Logger;
}

/** Kinds each sample decides afresh: open while its checks find them, closed when they stop. */
const SAMPLE_KINDS: ReadonlySet<AlertKind> = new Set([
  'geofence_breach',
  'proximity',
  'unplanned_flight',
  'low_battery',
]);
/** Kinds that belong to a plan, and end with it. */
const PLAN_KINDS: ReadonlySet<AlertKind> = new Set([
  'nonconforming',
  'contingent',
  'zone_over_active_plan',
  'priority_over_active_plan',
]);

/** What monitoring remembers of one drone between its samples. */
interface Watch {
  droneId: string;
  /** Time of the newest sample checked: older ones (a late replay) change nothing. */
  lastT: number;
  fix: Fix | null;
  airborne: boolean;
  /** This flight: where it took off and its battery then. */
  flight: { home: LatLon; battery: { t: number; percent: number } | null } | null;
  /** The plan the last sample was matched to. */
  flying: string | null;
  /** Checks of one drone run one after the other, in sample order. */
  queue: Promise<void>;
}

/**
 * Live conformance monitoring. Fed by the ingest path (each accepted sample, each link change),
 * it matches every sample to the drone's plan, activates a plan on take-off inside its sky road,
 * runs the pure checks, moves plans between Activated, Nonconforming and Contingent through the
 * store (so every instance follows), and opens and closes alerts, with the policy's safe action.
 * No polling: the only timers are a drone's silence (lost link) and a plan's time to come back.
 */
export class ConformanceMonitor {
  readonly plans: DronePlans;
  private readonly grid: DroneGrid;
  private readonly watches = new Map<string, Watch>();
  private readonly deadlines: Deadlines;
  private readonly alerts: AlertSync;
  private readonly airspaceAlerts: AirspaceAlerts;
  /** Plans moved alike (same states, same reason) while one batch of samples is checked: one statement. */
  private readonly moves = new Map<string, Batch<string, PlanRecord | null>>();
  private readonly onState = (s: DroneState) => this.enqueue(s.droneId, (w) => this.check(w, s));
  private readonly onLink = (e: { droneId: string; gatewayId: string; link: DroneState['link'] }) => {
    if (e.link === 'lost') this.enqueue(e.droneId, async (w) => this.linkLost(w, e.gatewayId));
  };

  constructor(private readonly deps: MonitorDeps) {
    this.deadlines = new Deadlines({
      clock: deps.clock,
      graceMs: deps.contingentAfterMs,
      silenceMs: deps.lostLinkMs,
    });
    this.alerts = new AlertSync(deps);
    this.airspaceAlerts = new AirspaceAlerts({
      ...deps,
      alerts: this.alerts,
      isRaised: (match) => deps.book.conditions(match).length > 0,
      fixOf: (droneId) => this.watches.get(droneId)?.fix ?? null,
    });
    const { proximity } = deps.params;
    this.grid = new DroneGrid(proximity.horizontalM * proximity.releaseFactor, deps.params.h3Resolution);
    this.plans = new DronePlans({
      db: deps.db,
      mirror: deps.mirror,
      events: deps.airspaceEvents,
      changed: (plan) => this.planChanged(plan),
    });
  }

  async start(): Promise<void> {
    await this.plans.start();
    this.deps.droneEvents.on('state', this.onState);
    this.deps.droneEvents.on('link', this.onLink);
    this.airspaceAlerts.start();
  }

  /** Stops listening, waits for the checks under way, and sets no timer again. */
  async stop(): Promise<void> {
    this.deps.droneEvents.off('state', this.onState);
    this.deps.droneEvents.off('link', this.onLink);
    this.airspaceAlerts.stop();
    this.plans.stop();
    await this.idle();
    this.deadlines.stop();
  }

  /** Resolves once the checks queued so far have run. */
  idle(): Promise<void> {
    return Promise.all([...this.watches.values()].map((w) => w.queue)).then(() => undefined);
  }

  private watch(droneId: string): Watch {
    let w = this.watches.get(droneId);
    if (!w) {
      w = {
        droneId,
        lastT: -Infinity,
        fix: null,
        airborne: false,
        flight: null,
        flying: null,
        queue: Promise.resolve(),
      };
      this.watches.set(droneId, w);
    }
    return w;
  }

  private enqueue(droneId: string, work: (w: Watch) => Promise<void>): void {
    const w = this.watch(droneId);
    w.queue = w.queue.then(() => work(w)).catch(this.deps.background.failed('conformance check', { droneId }));
  }

  private async check(w: Watch, s: DroneState): Promise<void> {
    const t = Date.parse(s.time);
    if (t <= w.lastT) return;
    w.lastT = t;
    const { params, datum } = this.deps;
    const fix: Fix = {
      droneId: s.droneId,
      lat: s.lat,
      lon: s.lon,
      altW84: s.altW84,
      t,
      armed: s.armed,
      heightM: s.altRelative ?? s.altW84 - groundW84(s.lat, s.lon, datum),
      groundSpeedMps: s.groundSpeedMps,
      batteryPercent: s.batteryPercent,
    };
    w.fix = fix;
    this.heard(w);

    const { cell, band } = locate(fix, params);
    const airborne = isAirborne(fix, params);
    if (airborne && !w.airborne) {
      w.flight = {
        home: { lat: fix.lat, lon: fix.lon },
        battery: fix.batteryPercent === null ? null : { t, percent: fix.batteryPercent },
      };
    }
    if (!airborne) w.flight = null;
    w.airborne = airborne;

    let plan: DronePlan | null = null;
    if (airborne) {
      const candidates = this.plans.of(s.droneId).flatMap((p) => {
        const road = this.plans.road(p.id);
        return road ? [{ ...p, road }] : [];
      });
      const match = matchPlan(candidates, cell, band, t);
      if (match) plan = await this.follow(match.plan, match.check, match.activate, fix);
    }
    w.flying = plan?.id ?? null;

    const open = this.deps.book.openFor(s.droneId);
    const closeTo = new Set(open.flatMap((o) => (o.kind === 'proximity' && o.subjectId ? [o.subjectId] : [])));
    const battery = w.flight?.battery;
    const { conditions } = assess({
      fix,
      cell,
      band,
      plan: plan && {
        id: plan.id,
        authorizations: plan.authorizations,
        route: plan.route,
        speedMps: plan.speedMps ?? params.battery.fallbackSpeedMps,
      },
      zonesAt: (c) => this.deps.mirror.index.zonesAt(c),
      grid: this.grid,
      closeTo,
      home: w.flight?.home ?? null,
      drainPercentPerS:
        battery && fix.batteryPercent !== null ? drainRate(battery, { t, percent: fix.batteryPercent }) : null,
      params,
    });
    if (airborne) this.grid.put(fix, cell);
    else this.grid.remove(s.droneId);

    const found = new Set<string>();
    for (const c of conditions) {
      const draft: AlertDraft = { ...c, droneId: s.droneId, planId: plan?.id ?? null, ...position(fix) };
      found.add(conditionOf(draft));
      if (!this.deps.book.isOpen(conditionOf(draft))) this.alerts.raise(draft);
    }
    for (const o of open) if (SAMPLE_KINDS.has(o.kind) && !found.has(o.condition)) this.alerts.resolve(o.condition);
    this.arm(w);
  }

  /**
   * Follows the plan a sample matched through the F3548 states: activated on take-off inside it,
   * Nonconforming the moment it is outside, Activated again when it is back in time, Contingent
   * (by timer) when it is not. Returns the plan as it now stands.
   */
  private async follow(plan: DronePlan, check: RoadCheck, activate: boolean, fix: Fix): Promise<DronePlan> {
    let state: PlanState = plan.state;
    if (activate) {
      const moved = await this.move(plan, ['Accepted'], 'Activated', 'took off inside its sky road');
      state = moved?.state ?? this.plans.get(plan.id)?.state ?? state;
    }
    if (state === 'Activated' && !check.inside) {
      const moved = await this.move(plan, ['Activated'], 'Nonconforming', exitReason(check));
      if (moved) {
        this.alerts.raise({
          kind: 'nonconforming',
          droneId: plan.droneId,
          planId: plan.id,
          subjectId: plan.id,
          message: `${plan.droneId} ${describeExit(check, fix, this.deps.params.bandHeightM)}`,
          ...position(fix),
        });
        this.startGrace(plan);
      }
    } else if (state === 'Nonconforming' && check.inside) {
      if (await this.move(plan, ['Nonconforming'], 'Activated', 'back inside its sky road')) {
        this.deadlines.stopGrace(plan.id);
        this.alerts.resolve(conditionOf({ kind: 'nonconforming', droneId: plan.droneId, subjectId: plan.id }));
      }
    } else if (state === 'Nonconforming' && !this.deadlines.hasGrace(plan.id)) {
      // Made Nonconforming elsewhere (another instance, before a restart): its time runs from now.
      this.startGrace(plan);
    }
    return this.plans.get(plan.id) ?? plan;
  }

  /** When the plan's time to come back runs out, it is Contingent (checked in the drone's queue). */
  private startGrace(plan: DronePlan): void {
    this.deadlines.startGrace(plan.id, () =>
      this.enqueue(plan.droneId, async () => {
        const current = this.plans.get(plan.id);
        if (current?.state !== 'Nonconforming') return;
        const seconds = Math.round(this.deps.contingentAfterMs / 1000);
        const moved = await this.move(
          current,
          ['Nonconforming'],
          'Contingent',
          `not back inside its sky road within ${seconds} s`,
        );
        if (!moved) return;
        this.alerts.resolve(conditionOf({ kind: 'nonconforming', droneId: plan.droneId, subjectId: plan.id }));
        this.alerts.raise({
          kind: 'contingent',
          droneId: plan.droneId,
          planId: plan.id,
          subjectId: plan.id,
          message: `${plan.droneId} did not return to its sky road within ${seconds} s: plan ${plan.id} is Contingent`,
          ...position(this.watches.get(plan.droneId)?.fix ?? null),
        });
      }),
    );
  }

  /**
   * Moves a plan through the flight-plan service (which tells every instance, the mirror and the
   * listeners); the moves of one batch of samples go together. Null when the plan was no longer
   * in a `from` state.
   */
  private async move(plan: DronePlan, from: PlanState[], to: LiveState, reason: string): Promise<PlanRecord | null> {
    const { flights } = this.deps;
    const key = JSON.stringify([from, to, reason]);
    let batch = this.moves.get(key);
    if (!batch) {
      batch = new Batch(async (ids: string[]) => {
        const moved = new Map((await flights.conform(ids, from, to, reason)).map((p) => [p.id, p]));
        return ids.map((id) => moved.get(id) ?? null);
      });
      this.moves.set(key, batch);
    }
    const moved = await batch.add(plan.id);
    if (!moved) {
      await flights.refresh([plan.id]);
      return null;
    }
    this.plans.learn(moved);
    return moved;
  }

  /** A plan changed anywhere: when it no longer holds its sky road, its alerts and its timer end with it. */
  private planChanged(plan: PlanRecord): void {
    if (plan.state !== 'Ended' && plan.state !== 'Cancelled' && plan.state !== 'Preempted') return;
    this.deadlines.stopGrace(plan.id);
    this.alerts.resolveWhere(
      (t) =>
        (PLAN_KINDS.has(t.kind) && t.planId === plan.id) ||
        (t.kind === 'priority_over_active_plan' && t.subjectId === plan.id),
    );
  }

  /** A sample arrived: the drone is heard again. */
  private heard(w: Watch): void {
    this.deadlines.heard(w.droneId);
    const lost = conditionOf({ kind: 'lost_link', droneId: w.droneId, subjectId: null });
    if (this.deps.book.isOpen(lost)) this.alerts.resolve(lost);
  }

  /** While a drone flies (a plan, or in the air), its silence is timed. */
  private arm(w: Watch): void {
    if (!w.airborne && !w.flying) return;
    this.deadlines.armSilence(w.droneId, () =>
      this.enqueue(w.droneId, async () => {
        const seconds = Math.round(this.deps.lostLinkMs / 1000);
        this.raiseLostLink(w, `no telemetry from ${w.droneId} for ${seconds} s`);
      }),
    );
  }

  private async linkLost(w: Watch, gatewayId: string): Promise<void> {
    if (!w.airborne && !w.flying) return;
    this.raiseLostLink(w, `gateway ${gatewayId} lost the heartbeat of ${w.droneId}`);
  }

  private raiseLostLink(w: Watch, message: string): void {
    this.alerts.raise({
      kind: 'lost_link',
      droneId: w.droneId,
      planId: w.flying,
      subjectId: null,
      message,
      ...position(w.fix),
    });
  }
}
