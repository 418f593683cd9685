import { Router } from 'express';
import { can } from '../../auth/policy.ts';
import type { Config } from '../../config.ts';
import type { Caps } from '../../flights/caps.ts';
import { allocationRules } from '../../flights/rules.ts';
import { principalOf } from '../auth.ts';

/**
 * `GET /api/v1/rules`: how the sky is allocated, for everyone. Operators' own caps are listed to
 * monitors and administrators; an operator reads its own.
 */
export function rulesRouter(deps: {
  caps: Caps;
  config: Pick<Config, 'airspace' | 'holdMs' | 'defaultCapCellHours' | 'planningHorizonMs' | 'departureGraceMs'>;
}): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const who = principalOf(req);
    const rules = allocationRules(deps.config);
    if (can(who, 'sky:read-all')) {
      rules.caps.operators = (await deps.caps.all()).map((c) => ({ operator: c.operator, cellHours: c.cellHours }));
    } else if (can(who, 'plans:file')) {
      rules.caps.yours = await deps.caps.of(who.subject);
    }
    res.json(rules);
  });
  return r;
}
