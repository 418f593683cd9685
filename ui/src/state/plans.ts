import type { FlightPlan, LivePlan, PlanState } from '../../../server/protocol/index.ts';

const FLYING: readonly PlanState[] = ['Activated', 'Nonconforming', 'Contingent'];

/** A plan this page may see whole (its own, or every plan for a monitor); others come anonymous. */
export const isWhole = (p: LivePlan): p is FlightPlan => !('anonymous' in p);

/** Plans as the stream told them: a version never gives way to an older one. */
export class PlanStore {
  readonly plans = new Map<string, LivePlan>();
  version = 0;

  put(plan: LivePlan): void {
    const prev = this.plans.get(plan.id);
    if (prev && prev.version > plan.version) return;
    this.plans.set(plan.id, plan);
    this.version++;
  }

  /** A full snapshot: the live plans now; what is not among them has ended meanwhile. */
  replace(plans: readonly LivePlan[]): void {
    this.plans.clear();
    for (const p of plans) this.plans.set(p.id, p);
    this.version++;
  }

  /** The plan a drone flies now: one in flight, else the accepted one whose window holds `now`, else its next. */
  currentFor(droneId: string, now: number): FlightPlan | undefined {
    let accepted: FlightPlan | undefined;
    for (const p of this.plans.values()) {
      if (!isWhole(p) || p.droneId !== droneId) continue;
      if (FLYING.includes(p.state)) return p;
      if (p.state !== 'Accepted' || Date.parse(p.timeEnd) < now) continue;
      if (!accepted || Date.parse(p.timeStart) < Date.parse(accepted.timeStart)) accepted = p;
    }
    return accepted;
  }

  /** The plans this page sees whole, for the flight list. */
  whole(): FlightPlan[] {
    return [...this.plans.values()].filter(isWhole);
  }

  flying(): number {
    let n = 0;
    for (const p of this.plans.values()) if (FLYING.includes(p.state)) n++;
    return n;
  }
}
