import type { DecisionsReport, OperatorDecisions, RefusalReason } from '../protocol/index.ts';
import type { DecisionCount } from '../store/decisions.ts';

const REASONS: readonly RefusalReason[] = ['zone_conflict', 'flight_conflict', 'cap_exceeded'];
const round = (x: number) => Math.round(x * 1000) / 1000;

type Tally = Omit<OperatorDecisions, 'operator' | 'shareOfCellHours'>;
const empty = (): Tally => ({
  accepted: 0,
  refused: 0,
  preempted: 0,
  reasons: Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>,
  cellHoursAccepted: 0,
});

function add(t: Tally, c: DecisionCount): void {
  if (c.outcome === 'accepted') {
    t.accepted += c.count;
    t.cellHoursAccepted += c.cellHours;
  } else if (c.outcome === 'preempted') t.preempted += c.count;
  else {
    t.refused += c.count;
    if (c.reason) t.reasons[c.reason] += c.count;
  }
}

/**
 * Decisions over a period by operator and refusal reason, with each operator's share of the sky
 * accepted (cell-hours): what the city shows to say that no operator hogs the sky.
 */
export function decisionsReport(counts: readonly DecisionCount[], from: number, to: number): DecisionsReport {
  const byOperator = new Map<string, Tally>();
  const totals = empty();
  for (const c of counts) {
    let t = byOperator.get(c.operator);
    if (!t) byOperator.set(c.operator, (t = empty()));
    add(t, c);
    add(totals, c);
  }
  const all = totals.cellHoursAccepted;
  const operators = [...byOperator.entries()]
    .map(([operator, t]) => ({
      operator,
      ...t,
      cellHoursAccepted: round(t.cellHoursAccepted),
      shareOfCellHours: all > 0 ? round(t.cellHoursAccepted / all) : 0,
    }))
    .sort((a, b) => b.cellHoursAccepted - a.cellHoursAccepted || a.operator.localeCompare(b.operator));
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    operators,
    totals: { ...totals, cellHoursAccepted: round(all) },
  };
}
