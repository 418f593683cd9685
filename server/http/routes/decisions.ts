import { Router } from 'express';
import { demand } from '../../auth/policy.ts';
import type { Clock } from '../../clock.ts';
import { BadRequest } from '../../errors.ts';
import type { DecisionLog } from '../../flights/decision-log.ts';
import { decisionsReport } from '../../flights/report.ts';
import { DecisionsQuery } from '../../protocol/index.ts';
import type { Db } from '../../store/db.ts';
import { countDecisions } from '../../store/decisions.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

const DAY_MS = 86_400_000;

/** `GET /api/v1/decisions`: decisions by operator and refusal reason over [from, to), for the city. */
export function decisionsRouter(deps: { db: Db; clock: Clock; decisions: DecisionLog }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    demand(principalOf(req), 'sky:read-all', 'reading the decisions report');
    const q = parse(DecisionsQuery, req.query, 'query');
    const to = q.to ? Date.parse(q.to) : deps.clock.now();
    const from = q.from ? Date.parse(q.from) : to - 30 * DAY_MS;
    if (to <= from) throw BadRequest.field('to', 'must be after from');
    // This instance's refusals are counted as soon as they are given.
    await deps.decisions.drain();
    res.json(decisionsReport(await countDecisions(deps.db, from, to), from, to));
  });
  return r;
}
