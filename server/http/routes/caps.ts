import { Router } from 'express';
import { demand } from '../../auth/policy.ts';
import type { Clock } from '../../clock.ts';
import { NotFound } from '../../errors.ts';
import { CapRequest, OperatorParam, type OperatorCap } from '../../protocol/index.ts';
import type { Db } from '../../store/db.ts';
import { deleteCap, getCap, listCaps, putCap, type CapRecord } from '../../store/caps.ts';
import { noteAudit } from '../audit.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

const present = (c: CapRecord): OperatorCap => ({ ...c, setAt: new Date(c.setAt).toISOString() });

/**
 * `/api/v1/caps`: the administrator caps how much sky (cell-hours) an operator may hold at once;
 * monitors read the caps. The arbiter enforces them in its transaction.
 */
export function capsRouter(deps: { db: Db; clock: Clock }): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    demand(principalOf(req), 'sky:read-all', 'reading operators’ caps');
    res.json((await listCaps(deps.db)).map(present));
  });

  r.put('/:operator', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'caps:manage', 'setting an operator’s cap');
    const { operator } = parse(OperatorParam, req.params, 'path');
    const { cellHours } = parse(CapRequest, req.body, 'body');
    noteAudit(res, { target: operator, detail: { cellHours } });
    await putCap(deps.db, { operator, cellHours, setBy: who.subject, setAt: deps.clock.now() });
    res.json(present((await getCap(deps.db, operator))!));
  });

  r.delete('/:operator', async (req, res) => {
    demand(principalOf(req), 'caps:manage', 'lifting an operator’s cap');
    const { operator } = parse(OperatorParam, req.params, 'path');
    noteAudit(res, { target: operator });
    if (!(await deleteCap(deps.db, operator))) throw new NotFound(`operator ${operator} has no cap of its own`);
    res.status(204).end();
  });

  return r;
}
