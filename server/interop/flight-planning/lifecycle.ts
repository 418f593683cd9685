import type { Operation } from '../../flights/lifecycle.ts';
import type { InterussFlightPlan, InterussFlightPlanStatus, PlanState } from '../../protocol/index.ts';

type Basic = InterussFlightPlan['basic_information'];

/** The plan state a user's usage and UAS states stand for (F3548), or why the pair means nothing. */
export function targetState(basic: Basic): { state: PlanState } | { invalid: string } {
  const uas = basic.uas_state ?? 'NotSpecified';
  const offNominal = uas === 'OffNominal' || uas === 'Contingent';
  switch (basic.usage_state) {
    case 'Closed':
      return { state: 'Ended' };
    case 'Planned':
      return offNominal
        ? { invalid: `a flight that is not in use cannot be ${uas}: its UAS is not flying yet` }
        : { state: 'Accepted' };
    case 'InUse':
      return { state: uas === 'OffNominal' ? 'Nonconforming' : uas === 'Contingent' ? 'Contingent' : 'Activated' };
  }
}

/** What the user sees of a plan's state. */
export function statusOf(state: PlanState | null): InterussFlightPlanStatus {
  switch (state) {
    case null:
      return 'NotPlanned';
    case 'Held':
    case 'Accepted':
      return 'Planned';
    case 'Activated':
      return 'OkToFly';
    case 'Nonconforming':
    case 'Contingent':
      return 'OffNominal';
    case 'Ended':
    case 'Cancelled':
    case 'Preempted':
      return 'Closed';
  }
}

/**
 * The operations that take a live plan from one state to another, in order, or why they cannot
 * (F3548: a flight in use does not go back to planned; a contingent one only ends).
 */
export function stepsBetween(from: PlanState, to: PlanState): { steps: Operation[] } | { invalid: string } {
  if (to === 'Ended') return { steps: from === 'Accepted' ? ['cancel'] : ['end'] };
  if (from === to) return { steps: [] };
  const table: Partial<Record<PlanState, Partial<Record<PlanState, Operation[]>>>> = {
    Accepted: {
      Activated: ['activate'],
      Nonconforming: ['activate', 'report-off-nominal'],
      Contingent: ['activate', 'report-contingent'],
    },
    Activated: { Nonconforming: ['report-off-nominal'], Contingent: ['report-contingent'] },
    Nonconforming: { Activated: ['report-nominal'], Contingent: ['report-contingent'] },
  };
  const steps = table[from]?.[to];
  return steps ? { steps } : { invalid: `a ${from} flight cannot become ${to}` };
}
