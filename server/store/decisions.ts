import type { RefusalReason } from '../protocol/index.ts';
import type { Queryable } from './db.ts';

/** One decision on a plan request, or one pre-emption, as the fairness report counts it. */
export interface DecisionRecord {
  at: number;
  operator: string;
  outcome: 'accepted' | 'refused' | 'preempted';
  reason: RefusalReason | null;
  planId: string | null;
  cellHours: number;
}

/** Appends decisions in one statement (an acceptance with the plans it pre-empted). */
export async function recordDecisions(q: Queryable, decisions: readonly DecisionRecord[]): Promise<void> {
  if (decisions.length === 0) return;
  await q.query(
    `INSERT INTO plan_decisions (at, operator, outcome, reason, plan_id, cell_hours)
     SELECT to_timestamp(at / 1000.0), operator, outcome, reason, plan_id, cell_hours
     FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::float8[])
       AS d(at, operator, outcome, reason, plan_id, cell_hours)`,
    [
      decisions.map((d) => d.at),
      decisions.map((d) => d.operator),
      decisions.map((d) => d.outcome),
      decisions.map((d) => d.reason),
      decisions.map((d) => d.planId),
      decisions.map((d) => d.cellHours),
    ],
  );
}

export interface DecisionCount {
  operator: string;
  outcome: DecisionRecord['outcome'];
  reason: RefusalReason | null;
  count: number;
  cellHours: number;
}

/** Decisions in [from, to) counted by operator, outcome and reason. */
export async function countDecisions(q: Queryable, from: number, to: number): Promise<DecisionCount[]> {
  const rows = await q.query<{
    operator: string;
    outcome: DecisionRecord['outcome'];
    reason: RefusalReason | null;
    count: number;
    cell_hours: number;
  }>(
    `SELECT operator, outcome, reason, count(*)::int AS count, coalesce(sum(cell_hours), 0)::float8 AS cell_hours
     FROM plan_decisions WHERE at >= to_timestamp($1 / 1000.0) AND at < to_timestamp($2 / 1000.0)
     GROUP BY operator, outcome, reason`,
    [from, to],
  );
  return rows.map((r) => ({ ...r, cellHours: r.cell_hours }));
}
