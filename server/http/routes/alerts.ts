import { Router } from 'express';
import { Forbidden, NotFound } from '../../errors.ts';
import { AlertIdParam, AlertQuery } from '../../protocol/index.ts';
import type { AlertBook } from '../../telemetry/alerts.ts';
import { actorOf } from '../actor.ts';
import { parse } from '../validate.ts';

export interface AlertsRouterDeps {
  alerts: AlertBook;
  adminToken: string | undefined;
}

export function alertsRouter(deps: AlertsRouterDeps): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    const q = parse(AlertQuery, req.query, 'query');
    res.json(
      await deps.alerts.list({
        open: q.open,
        since: q.since ? Date.parse(q.since) : undefined,
        droneId: q.droneId,
        kind: q.kind,
        limit: q.limit,
      }),
    );
  });

  r.get('/:id', async (req, res) => {
    const { id } = parse(AlertIdParam, req.params, 'path');
    const alert = await deps.alerts.get(id);
    if (!alert) throw new NotFound(`no alert ${id}`);
    res.json(alert);
  });

  r.post('/:id/ack', async (req, res) => {
    const { id } = parse(AlertIdParam, req.params, 'path');
    const actor = actorOf(req, deps.adminToken);
    if (actor.subject === 'anonymous') throw new Forbidden('acknowledging an alert needs a monitor’s token');
    const alert = await deps.alerts.acknowledge(id, actor.subject);
    if (!alert) throw new NotFound(`no alert ${id}`);
    res.json(alert);
  });

  return r;
}
