import { Router } from 'express';
import { can } from '../../auth/policy.ts';
import type { Config } from '../../config.ts';
import { allocationRules } from '../../flights/rules.ts';
import type { Db } from '../../store/db.ts';
import { getCap, listCaps } from '../../store/caps.ts';
import { principalOf } from '../auth.ts';

/**
 * `GET /api/v1/rules`: how the sky is allocated, for everyone. Operators' own caps are listed to
 * monitors and administrators; an operator reads its own.
 */
export function rulesRouter(deps: {
  db: Db;
  config: Pick<Config, 'airspace' | 'holdMs' | 'defaultCapCellHours' | 'planningHorizonMs' | 'departureGraceMs'>;
}): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const who = principalOf(req);
    const rules = allocationRules(deps.config);
    if (can(who, 'sky:read-all')) {
      rules.caps.operators = (await listCaps(deps.db)).map((c) => ({ operator: c.operator, cellHours: c.cellHours }));
    } else if (can(who, 'plans:file')) {
      rules.caps.yours = (await getCap(deps.db, who.subject))?.cellHours ?? deps.config.defaultCapCellHours;
    }
    res.json(rules);
  });
  return r;
}
