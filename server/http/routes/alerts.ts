import { Router } from 'express';
import { can, demand } from '../../auth/policy.ts';
import type { Principal } from '../../auth/principal.ts';
import { NotFound } from '../../errors.ts';
import { AlertIdParam, AlertQuery, type Alert } from '../../protocol/index.ts';
import type { AlertBook } from '../../telemetry/alerts.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

export interface AlertsRouterDeps {
  alerts: AlertBook;
}

/** Monitors and administrators read every alert; an operator the alerts on its own plans. */
function readable(who: Principal): { owner: string | undefined } {
  if (can(who, 'sky:read-all')) return { owner: undefined };
  demand(who, 'plans:file', 'reading alerts');
  return { owner: who.subject };
}

export function alertsRouter(deps: AlertsRouterDeps): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    const { owner } = readable(principalOf(req));
    const q = parse(AlertQuery, req.query, 'query');
    res.json(
      await deps.alerts.list({
        open: q.open,
        since: q.since ? Date.parse(q.since) : undefined,
        droneId: q.droneId,
        kind: q.kind,
        owner,
        limit: q.limit,
      }),
    );
  });

  r.get('/:id', async (req, res) => {
    const { owner } = readable(principalOf(req));
    const { id } = parse(AlertIdParam, req.params, 'path');
    const alert: Alert | null = await deps.alerts.get(id, owner);
    if (!alert) throw new NotFound(`no alert ${id}`);
    res.json(alert);
  });

  r.post('/:id/ack', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'alerts:ack', 'acknowledging an alert');
    const { id } = parse(AlertIdParam, req.params, 'path');
    const alert = await deps.alerts.acknowledge(id, who.subject);
    if (!alert) throw new NotFound(`no alert ${id}`);
    res.json(alert);
  });

  return r;
}
