import { Router } from 'express';
import type { Caps, CapRecord } from '../../flights/caps.ts';
import { CapRequest, OperatorParam, type OperatorCap } from '../../protocol/index.ts';
import { noteAudit } from '../audit.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

const present = (c: CapRecord): OperatorCap => ({ ...c, setAt: new Date(c.setAt).toISOString() });

/**
 * `/api/v1/caps`: the administrator caps how much sky (cell-hours) an operator may hold at once;
 * monitors read the caps. The arbiter enforces them in its transaction.
 */
export function capsRouter(deps: { caps: Caps }): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    res.json((await deps.caps.list(principalOf(req))).map(present));
  });

  r.put('/:operator', async (req, res) => {
    const { operator } = parse(OperatorParam, req.params, 'path');
    const { cellHours } = parse(CapRequest, req.body, 'body');
    noteAudit(res, { target: operator, detail: { cellHours } });
    res.json(present(await deps.caps.set(operator, cellHours, principalOf(req))));
  });

  r.delete('/:operator', async (req, res) => {
    const { operator } = parse(OperatorParam, req.params, 'path');
    noteAudit(res, { target: operator });
    await deps.caps.lift(operator, principalOf(req));
    res.status(204).end();
  });

  return r;
}
