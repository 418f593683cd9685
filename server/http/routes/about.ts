import { Router } from 'express';
import type { Transparency, WhoAmI } from '../../protocol/index.ts';
import { principalOf } from '../auth.ts';

/** `GET /api/v1/transparency` and `GET /api/v1/whoami`, for anyone. */
export function aboutRouter(statement: Transparency): Router {
  const r = Router();
  r.get('/transparency', (_req, res) => void res.json(statement));
  r.get('/whoami', (req, res) => {
    const p = principalOf(req);
    const body: WhoAmI = {
      subject: p.subject,
      role: p.role,
      drones: p.drones === '*' ? '*' : [...p.drones],
      tokenId: p.tokenId,
      expiresAt: p.expiresAt === null ? null : new Date(p.expiresAt).toISOString(),
    };
    res.json(body);
  });
  return r;
}
