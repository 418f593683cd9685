import { Router } from 'express';
import type { AuditTrail } from '../../audit/trail.ts';
import { demand } from '../../auth/policy.ts';
import { AuditQuery } from '../../protocol/index.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

/** `GET /api/v1/audit`: the trail of writes, for administrators. */
export function auditRouter(deps: { audit: AuditTrail }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    demand(principalOf(req), 'audit:read', 'reading the audit trail');
    const q = parse(AuditQuery, req.query, 'query');
    res.json(
      await deps.audit.list({
        from: q.from ? Date.parse(q.from) : undefined,
        to: q.to ? Date.parse(q.to) : undefined,
        actor: q.actor,
        limit: q.limit,
      }),
    );
  });
  return r;
}
