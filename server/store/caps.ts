import type { Queryable } from './db.ts';
import { LIVE_STATES } from '../protocol/index.ts';

export interface CapRecord {
  operator: string;
  cellHours: number;
  heldCellHours: number;
  setBy: string;
  setAt: number;
}

const LIVE = `('${LIVE_STATES.join("','")}')`;

const CAP_COLUMNS = `c.operator, c.cell_hours, c.set_by, c.set_at,
  (SELECT coalesce(sum(p.cell_hours), 0) FROM flight_plans p WHERE p.owner = c.operator AND p.state IN ${LIVE})::float8
    AS held`;

interface CapRow {
  operator: string;
  cell_hours: number;
  set_by: string;
  set_at: Date;
  held: number;
  [column: string]: unknown;
}

const toRecord = (r: CapRow): CapRecord => ({
  operator: r.operator,
  cellHours: r.cell_hours,
  heldCellHours: r.held,
  setBy: r.set_by,
  setAt: r.set_at.getTime(),
});

export async function listCaps(q: Queryable): Promise<CapRecord[]> {
  const rows = await q.query<CapRow>(`SELECT ${CAP_COLUMNS} FROM operator_caps c ORDER BY c.operator`);
  return rows.map(toRecord);
}

export async function getCap(q: Queryable, operator: string): Promise<CapRecord | null> {
  const [row] = await q.query<CapRow>(`SELECT ${CAP_COLUMNS} FROM operator_caps c WHERE c.operator = $1`, [operator]);
  return row ? toRecord(row) : null;
}

export async function putCap(
  q: Queryable,
  cap: { operator: string; cellHours: number; setBy: string; setAt: number },
): Promise<void> {
  await q.query(
    `INSERT INTO operator_caps (operator, cell_hours, set_by, set_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (operator) DO UPDATE SET cell_hours = $2, set_by = $3, set_at = $4`,
    [cap.operator, cap.cellHours, cap.setBy, new Date(cap.setAt).toISOString()],
  );
}

/** Whether a cap was there to remove. */
export async function deleteCap(q: Queryable, operator: string): Promise<boolean> {
  const rows = await q.query('DELETE FROM operator_caps WHERE operator = $1 RETURNING operator', [operator]);
  return rows.length > 0;
}
