import { maySeePlan } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Vault } from '../privacy/vault.ts';
import type { AnonymousFlightPlan, Conflict, Contact, FlightPlan } from '../protocol/index.ts';
import type { PlanEventRecord, PlanRecord } from '../store/plans.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export interface PlanExtras {
  history?: PlanEventRecord[];
  preempted?: string[];
  overlapped?: string[];
  advisories?: Conflict[];
  /** The operator's contact details, opened for someone allowed to read them. */
  contact?: Contact | null;
}

/** What anyone may see of a plan: the airspace it reserves and its state, nobody's identity. */
function reserved(p: PlanRecord) {
  return {
    id: p.id,
    state: p.state,
    version: p.version,
    priority: p.priority,
    timeStart: iso(p.timeStart),
    timeEnd: iso(p.timeEnd),
    departure: p.departure === null ? null : iso(p.departure),
    arrival: p.arrival === null ? null : iso(p.arrival),
    skyRoad: p.skyRoad,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

/** A stored plan whole, as its operator, monitors and administrators see it. */
export function presentPlan(p: PlanRecord, extra: PlanExtras = {}): FlightPlan {
  return {
    ...reserved(p),
    droneId: p.droneId,
    operator: p.owner,
    purpose: p.request.purpose ?? null,
    stateReason: p.stateReason,
    request: extra.contact ? { ...p.request, contact: extra.contact } : p.request,
    ...(extra.preempted ? { preempted: extra.preempted } : {}),
    ...(extra.overlapped?.length ? { overlapped: extra.overlapped } : {}),
    ...(extra.advisories?.length ? { advisories: extra.advisories } : {}),
    ...(extra.history ? { history: extra.history.map((e) => ({ ...e, at: iso(e.at) })) } : {}),
  };
}

/** Someone else's plan, as the public and other operators see it. */
export function presentAnonymous(p: PlanRecord): AnonymousFlightPlan {
  return { ...reserved(p), anonymous: true };
}

/**
 * The plan as this principal may see it: whole (contact details opened) for its operator, monitors
 * and administrators; anonymous reserved airspace for everyone else.
 */
export function planFor(
  who: Principal,
  p: PlanRecord,
  vault: Vault,
  extra: Omit<PlanExtras, 'contact'> = {},
): FlightPlan | AnonymousFlightPlan {
  if (!maySeePlan(who, p.owner)) return presentAnonymous(p);
  return presentPlan(p, { ...extra, contact: p.contact ? vault.open<Contact>(p.contact) : null });
}
