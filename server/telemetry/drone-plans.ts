import type { LatLon } from '../airspace/types.ts';
import type { AirspaceEvents } from '../events.ts';
import type { AirspaceMirror } from '../flights/mirror.ts';
import { CLEARED_STATES, type PlanState } from '../protocol/index.ts';
import type { Db } from '../store/db.ts';
import { listPlans, type PlanRecord } from '../store/plans.ts';
import { skyRoad, type SkyRoad } from './conformance.ts';

export type LiveState = (typeof CLEARED_STATES)[number];

/** A live plan as monitoring needs it: whose it is, its state, what it may enter, where it goes. */
export interface DronePlan {
  id: string;
  droneId: string;
  state: LiveState;
  version: number;
  priority: number;
  authorizations: ReadonlySet<string>;
  /** The route's waypoints, null for a plan of volumes. */
  route: readonly LatLon[] | null;
  speedMps: number | null;
  timeStart: number;
  timeEnd: number;
}

/** Live plans loaded at start (every one a city holds). */
const LOAD_LIMIT = 1_000_000;
/** Versions of plans that ended, remembered so a late event cannot bring one back. */
const MAX_ENDED = 10_000;

/** A held sky road is not yet a clearance: a drone flying in it flies no plan. */
const isLive = (s: PlanState): s is LiveState => (CLEARED_STATES as readonly PlanState[]).includes(s);

/**
 * Which live plans each drone holds, kept current from the plan events every instance emits
 * (its own changes and those heard from the others), and each plan's sky road by cell, taken
 * from the instance's mirror and rebuilt only when its version changes.
 */
export class DronePlans {
  private readonly byDrone = new Map<string, Map<string, DronePlan>>();
  private readonly droneOf = new Map<string, string>();
  private readonly versions = new Map<string, number>();
  private readonly ended = new Map<string, number>();
  private readonly roads = new Map<string, { version: number; road: SkyRoad }>();
  private readonly onPlan = (plan: PlanRecord) => this.learn(plan);

  constructor(
    private readonly deps: {
      db: Db;
      mirror: AirspaceMirror;
      events: AirspaceEvents;
      /** Told of every plan that changed, after this knows of the change. */
      changed: (plan: PlanRecord) => void;
    },
  ) {}

  async start(): Promise<void> {
    this.deps.events.on('plan', this.onPlan);
    const plans = await listPlans(this.deps.db, { states: CLEARED_STATES, limit: LOAD_LIMIT });
    for (const p of plans) if (p.version > this.version(p.id)) this.put(p);
  }

  stop(): void {
    this.deps.events.off('plan', this.onPlan);
  }

  of(droneId: string): readonly DronePlan[] {
    const plans = this.byDrone.get(droneId);
    return plans ? [...plans.values()] : [];
  }

  get(planId: string): DronePlan | undefined {
    const droneId = this.droneOf.get(planId);
    return droneId === undefined ? undefined : this.byDrone.get(droneId)?.get(planId);
  }

  /** The plan's sky road by cell as this instance's mirror holds it; null while the mirror lacks it. */
  road(planId: string): SkyRoad | null {
    const mirrored = this.deps.mirror.index.plan(planId);
    if (!mirrored) return null;
    const cached = this.roads.get(planId);
    if (cached?.version === mirrored.version) return cached.road;
    const road = skyRoad(mirrored.keys);
    this.roads.set(planId, { version: mirrored.version, road });
    return road;
  }

  /** Records a change made here before its event goes round, so the next sample already sees it. */
  learn(plan: PlanRecord): void {
    if (plan.version <= this.version(plan.id)) return;
    this.put(plan);
    this.deps.changed(plan);
  }

  private version(planId: string): number {
    return this.versions.get(planId) ?? this.ended.get(planId) ?? 0;
  }

  private put(plan: PlanRecord): void {
    const previous = this.droneOf.get(plan.id);
    if (previous !== undefined) {
      const plans = this.byDrone.get(previous);
      plans?.delete(plan.id);
      if (plans?.size === 0) this.byDrone.delete(previous);
    }
    if (!isLive(plan.state)) {
      this.droneOf.delete(plan.id);
      this.versions.delete(plan.id);
      this.roads.delete(plan.id);
      this.ended.set(plan.id, plan.version);
      if (this.ended.size > MAX_ENDED) this.ended.delete(this.ended.keys().next().value!);
      return;
    }
    this.versions.set(plan.id, plan.version);
    this.droneOf.set(plan.id, plan.droneId);
    const route = plan.request.route;
    let plans = this.byDrone.get(plan.droneId);
    if (!plans) this.byDrone.set(plan.droneId, (plans = new Map()));
    plans.set(plan.id, {
      id: plan.id,
      droneId: plan.droneId,
      state: plan.state,
      version: plan.version,
      priority: plan.priority,
      // Granted when the plan was decided (and withdrawn when revoked), never what the request claimed.
      authorizations: new Set(plan.grantedZones),
      route: route ? route.waypoints.map((w) => ({ lat: w.lat, lon: w.lon })) : null,
      speedMps: route?.speedMps ?? null,
      timeStart: plan.timeStart,
      timeEnd: plan.timeEnd,
    });
  }
}
