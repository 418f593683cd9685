import { Router } from 'express';
import { demand } from '../../auth/policy.ts';
import type { AirspaceMirror } from '../../flights/mirror.ts';
import type { Metrics } from '../../metrics.ts';
import { principalOf } from '../auth.ts';

/** The database as a health check sees it: which kind, and whether it answers. */
export interface DatabaseHealth {
  kind: string;
  ping(): Promise<void>;
}

export function healthRouter(deps: { database: DatabaseHealth; mirror: AirspaceMirror; metrics: Metrics }): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    const { kind } = deps.database;
    try {
      await deps.database.ping();
      res.json({
        status: 'ok',
        database: kind,
        livePlans: deps.mirror.index.planCount,
        zones: deps.mirror.index.zoneCount,
      });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', database: kind, message: (err as Error).message });
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
