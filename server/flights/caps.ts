import { demand } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import { NotFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { deleteCap, getCap, listCaps, putCap, type CapRecord } from '../store/caps.ts';

export type { CapRecord };

/**
 * How much sky (cell-hours) each operator may hold at once: set and lifted by an administrator,
 * read by monitors and by the operator itself; the arbiter enforces them in its transaction.
 */
export class Caps {
  constructor(private readonly deps: { db: Db; clock: Clock; defaultCellHours: number | null }) {}

  list(who: Principal): Promise<CapRecord[]> {
    demand(who, 'sky:read-all', 'reading operators’ caps');
    return listCaps(this.deps.db);
  }

  async set(operator: string, cellHours: number, who: Principal): Promise<CapRecord> {
    demand(who, 'caps:manage', 'setting an operator’s cap');
    await putCap(this.deps.db, { operator, cellHours, setBy: who.subject, setAt: this.deps.clock.now() });
    return (await getCap(this.deps.db, operator))!;
  }

  async lift(operator: string, who: Principal): Promise<void> {
    demand(who, 'caps:manage', 'lifting an operator’s cap');
    if (!(await deleteCap(this.deps.db, operator))) throw new NotFound(`operator ${operator} has no cap of its own`);
  }

  /** The operator's cap: its own, else the default (null: none). */
  async of(operator: string): Promise<number | null> {
    return (await getCap(this.deps.db, operator))?.cellHours ?? this.deps.defaultCellHours;
  }

  /** Every operator's own cap, unchecked: what the published rules list to those who may read them. */
  all(): Promise<CapRecord[]> {
    return listCaps(this.deps.db);
  }
}
