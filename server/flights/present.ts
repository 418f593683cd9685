import { maySeePlan } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Vault } from '../privacy/vault.ts';
import type { AnonymousFlightPlan, Conflict, Contact, FlightPlan, Pilot } from '../protocol/index.ts';
import type { PlanEventRecord, PlanRecord } from '../store/plans.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export interface PlanExtras {
  history?: PlanEventRecord[];
  preempted?: string[];
  overlapped?: string[];
  advisories?: Conflict[];
  /** The operator's contact details, opened for someone allowed to read them. */
  contact?: Contact | null;
  /** The pilot's details, opened for the plan's operator alone. */
  pilot?: Pilot | null;
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
    heldUntil: p.heldUntil === null ? null : iso(p.heldUntil),
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
    cellHours: Math.round(p.cellHours * 1000) / 1000,
    request: {
      ...p.request,
      ...(extra.contact ? { contact: extra.contact } : {}),
      ...(extra.pilot ? { pilot: extra.pilot } : {}),
    },
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
 * and administrators, with the pilot's details for its operator alone; anonymous reserved airspace
 * for everyone else.
 */
export function planFor(
  who: Principal,
  p: PlanRecord,
  vault: Vault,
  extra: Omit<PlanExtras, 'contact' | 'pilot'> = {},
): FlightPlan | AnonymousFlightPlan {
  if (!maySeePlan(who, p.owner)) return presentAnonymous(p);
  return presentPlan(p, {
    ...extra,
    contact: p.contact ? vault.open<Contact>(p.contact) : null,
    pilot: p.pilot && who.subject === p.owner ? vault.open<Pilot>(p.pilot) : null,
  });
}
