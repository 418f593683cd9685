import { Router } from 'express';
import { demand } from '../../auth/policy.ts';
import type { AirspaceMirror } from '../../flights/mirror.ts';
import type { Metrics } from '../../metrics.ts';
import type { Db } from '../../store/db.ts';
import { principalOf } from '../auth.ts';

export function healthRouter(deps: { db: Db; mirror: AirspaceMirror; metrics: Metrics }): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    try {
      await deps.db.query('SELECT 1');
      res.json({
        status: 'ok',
        database: deps.db.kind,
        livePlans: deps.mirror.index.planCount,
        zones: deps.mirror.index.zoneCount,
      });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', database: deps.db.kind, message: (err as Error).message });
    }
  });
  r.get('/metrics', async (req, res) => {
    demand(principalOf(req), 'metrics:read', 'reading metrics');
    deps.metrics.mirroredPlans.set(deps.mirror.index.planCount);
    deps.metrics.mirroredZones.set(deps.mirror.index.zoneCount);
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return r;
}
