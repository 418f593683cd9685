import { Router } from 'express';
import type { Clock } from '../../clock.ts';
import { BadRequest } from '../../errors.ts';
import type { DecisionLog } from '../../flights/decision-log.ts';
import { DecisionsQuery } from '../../protocol/index.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

const DAY_MS = 86_400_000;

/** `GET /api/v1/decisions`: decisions by operator and refusal reason over [from, to), for the city. */
export function decisionsRouter(deps: { clock: Clock; decisions: DecisionLog }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parse(DecisionsQuery, req.query, 'query');
    const to = q.to ? Date.parse(q.to) : deps.clock.now();
    const from = q.from ? Date.parse(q.from) : to - 30 * DAY_MS;
    if (to <= from) throw BadRequest.field('to', 'must be after from');
    res.json(await deps.decisions.report(principalOf(req), from, to));
  });
  return r;
}
