import type { Conflict, FlightPlan } from '../protocol/index.ts';
import type { PlanEventRecord, PlanRecord } from '../store/plans.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** A stored plan as the API shows it. */
export function presentPlan(
  p: PlanRecord,
  extra: { history?: PlanEventRecord[]; preempted?: string[]; advisories?: Conflict[] } = {},
): FlightPlan {
  return {
    id: p.id,
    state: p.state,
    version: p.version,
    priority: p.priority,
    droneId: p.droneId,
    purpose: p.request.purpose ?? null,
    timeStart: iso(p.timeStart),
    timeEnd: iso(p.timeEnd),
    departure: p.departure === null ? null : iso(p.departure),
    arrival: p.arrival === null ? null : iso(p.arrival),
    stateReason: p.stateReason,
    skyRoad: p.skyRoad,
    request: p.request,
    ...(extra.preempted ? { preempted: extra.preempted } : {}),
    ...(extra.advisories?.length ? { advisories: extra.advisories } : {}),
    ...(extra.history ? { history: extra.history.map((e) => ({ ...e, at: iso(e.at) })) } : {}),
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}
