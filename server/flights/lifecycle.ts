import type { PlanState } from '../protocol/index.ts';

/** What an operator may do to a plan, and from which states (ASTM F3548 lifecycle). */
export const OPERATIONS = {
  activate: { from: ['Accepted'], to: 'Activated' },
  end: { from: ['Accepted', 'Activated', 'Nonconforming', 'Contingent'], to: 'Ended' },
  cancel: { from: ['Held', 'Accepted', 'Activated', 'Nonconforming', 'Contingent'], to: 'Cancelled' },
  /** The operator reports the flight off its plan but expecting to recover (F3548 Nonconforming)… */
  'report-off-nominal': { from: ['Activated'], to: 'Nonconforming' },
  /** …unable to recover (Contingent)… */
  'report-contingent': { from: ['Activated', 'Nonconforming'], to: 'Contingent' },
  /** …or back on its plan. */
  'report-nominal': { from: ['Nonconforming'], to: 'Activated' },
} as const satisfies Record<string, { from: readonly PlanState[]; to: PlanState }>;

export type Operation = keyof typeof OPERATIONS;

/** States from which a plan may be replanned (it still holds a sky road). */
export const REPLANNABLE: readonly PlanState[] = ['Held', 'Accepted', 'Activated', 'Nonconforming', 'Contingent'];
