import { Router } from 'express';
import { demand } from '../../auth/policy.ts';
import type { TokenIssuer } from '../../auth/issuer.ts';
import { NotFound } from '../../errors.ts';
import { TokenIdParam, TokenListQuery, TokenRequest } from '../../protocol/index.ts';
import { noteAudit } from '../audit.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

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
    const q = parse(TokenListQuery, req.query, 'query');
    res.json(await deps.issuer.list(q.subject, q.expired));
  });

  r.delete('/:id', async (req, res) => {
    demand(principalOf(req), 'tokens:manage', 'revoking a token');
    const { id } = parse(TokenIdParam, req.params, 'path');
    const revoked = await deps.issuer.revoke(id);
    if (!revoked) throw new NotFound(`no token ${id}`);
    res.json(revoked);
  });

  return r;
}
