import { Router } from 'express';
import { z } from 'zod';
import { demand } from '../../auth/policy.ts';
import type { TokenIssuer } from '../../auth/issuer.ts';
import { NotFound } from '../../errors.ts';
import { TokenRequest } from '../../protocol/index.ts';
import { noteAudit } from '../audit.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

const IdParam = z.object({ id: z.uuid({ error: 'must be a token id (UUID)' }) });
const ListQuery = z.object({
  subject: z.string().max(200).optional(),
  expired: z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .default(false),
});

/** `/api/v1/tokens`: the administrator issues, lists and revokes bearer tokens. */
export function tokensRouter(deps: { issuer: TokenIssuer }): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'tokens:manage', 'issuing a token');
    const body = parse(TokenRequest, req.body, 'body');
    const issued = await deps.issuer.issue(body, who);
    noteAudit(res, {
      target: issued.id,
      detail: { subject: issued.subject, role: issued.role, expiresAt: issued.expiresAt },
    });
    res.status(201).location(`${req.baseUrl}/${issued.id}`).json(issued);
  });

  r.get('/', async (req, res) => {
    demand(principalOf(req), 'tokens:manage', 'listing tokens');
    const q = parse(ListQuery, req.query, 'query');
    res.json(await deps.issuer.list(q.subject, q.expired));
  });

  r.delete('/:id', async (req, res) => {
    demand(principalOf(req), 'tokens:manage', 'revoking a token');
    const { id } = parse(IdParam, req.params, 'path');
    const revoked = await deps.issuer.revoke(id);
    if (!revoked) throw new NotFound(`no token ${id}`);
    res.json(revoked);
  });

  return r;
}
