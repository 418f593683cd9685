import { Router } from 'express';
import { z } from 'zod';
import type { FlightPlans } from '../../flights/service.ts';
import { presentPlan } from '../../flights/present.ts';
import type { Metrics } from '../../metrics.ts';
import { FlightPlanQuery, FlightPlanRequest, Id, type SkyRoadCells } from '../../protocol/index.ts';
import { actorOf } from '../actor.ts';
import { keyFeature } from '../geojson.ts';
import { parse } from '../validate.ts';

const IdParam = z.object({ id: Id });

export function flightPlansRouter(deps: {
  flights: FlightPlans;
  metrics: Metrics;
  adminToken: string | undefined;
  bandHeightM: number;
}): Router {
  const { flights, metrics } = deps;
  const r = Router();

  const decide = async (run: () => ReturnType<FlightPlans['create']>) => {
    const stop = metrics.planDecisionSeconds.startTimer();
    const decision = await run();
    const outcome = decision.accepted ? 'accepted' : 'rejected';
    stop({ outcome });
    metrics.planDecisions.inc({ outcome });
    return decision;
  };

  r.post('/', async (req, res) => {
    const body = parse(FlightPlanRequest, req.body, 'body');
    const d = await decide(() => flights.create(body, actorOf(req, deps.adminToken)));
    if (!d.accepted) return void res.status(409).json(d.rejection);
    res.status(201).location(`${req.baseUrl}/${d.plan.id}`).json(presentPlan(d.plan, d));
  });

  r.get('/', async (req, res) => {
    const q = parse(FlightPlanQuery, req.query, 'query');
    const plans = await flights.list({
      states: q.state,
      from: q.from ? Date.parse(q.from) : undefined,
      to: q.to ? Date.parse(q.to) : undefined,
      bbox: q.bbox,
      droneId: q.droneId,
      limit: q.limit,
    });
    res.json(plans.map((p) => presentPlan(p)));
  });

  r.get('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const { plan, history } = await flights.get(id);
    res.json(presentPlan(plan, { history }));
  });

  r.put('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(FlightPlanRequest, req.body, 'body');
    const d = await decide(() => flights.replan(id, body, actorOf(req, deps.adminToken)));
    if (!d.accepted) return void res.status(409).json(d.rejection);
    res.json(presentPlan(d.plan, d));
  });

  for (const op of ['activate', 'end'] as const) {
    r.post(`/:id/${op}`, async (req, res) => {
      const { id } = parse(IdParam, req.params, 'path');
      res.json(presentPlan(await flights.operate(id, op, actorOf(req, deps.adminToken))));
    });
  }

  r.delete('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    res.json(presentPlan(await flights.operate(id, 'cancel', actorOf(req, deps.adminToken))));
  });

  r.get('/:id/sky-road', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const { plan, keys } = await flights.skyRoad(id);
    const body: SkyRoadCells = {
      type: 'FeatureCollection',
      features: keys.map((k) => keyFeature(k, { planId: plan.id, state: plan.state }, deps.bandHeightM)),
    };
    res.json(body);
  });

  return r;
}
