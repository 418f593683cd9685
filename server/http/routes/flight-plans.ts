import { Router, type Response } from 'express';
import type { Datum } from '../../airspace/altitude.ts';
import { can, demand } from '../../auth/policy.ts';
import type { Principal } from '../../auth/principal.ts';
import { dipsCsv } from '../../flights/dips-csv.ts';
import { planFor, presentPlan } from '../../flights/present.ts';
import type { CandidatesDecision, Decision, FlightPlans } from '../../flights/service.ts';
import { planSpatialIds } from '../../interop/spatial-id/export.ts';
import { fromSpatialIds, relabelled } from '../../interop/spatial-id/request.ts';
import type { Metrics } from '../../metrics.ts';
import type { Vault } from '../../privacy/vault.ts';
import {
  CandidatePlans,
  DipsQuery,
  EarliestSlotRequest,
  FileQuery,
  FlightPlanQuery,
  FlightPlanRequest,
  IdParam,
  PlanSpatialIdQuery,
  SpatialIdPlanRequest,
  type CandidatesAccepted,
  type CandidatesRejected,
  type SkyRoadCells,
} from '../../protocol/index.ts';
import { noteAudit } from '../audit.ts';
import { principalOf } from '../auth.ts';
import { keyFeature } from '../geojson.ts';
import { IdempotentAnswers, Replayed, Superseded, type Answer } from '../../idempotency/answers.ts';
import { idempotencyKey } from '../idempotency-key.ts';
import { parse } from '../validate.ts';

export interface FlightPlansRouterDeps {
  flights: FlightPlans;
  metrics: Metrics;
  vault: Vault;
  answers: IdempotentAnswers;
  bandHeightM: number;
  datum: Datum;
}

export function flightPlansRouter(deps: FlightPlansRouterDeps): Router {
  const { flights, metrics, vault, answers } = deps;
  const r = Router();

  const decide = async <D extends Decision | CandidatesDecision>(run: () => Promise<D>) => {
    const stop = metrics.planDecisionSeconds.startTimer();
    const decision = await run();
    const outcome = decision.accepted ? 'accepted' : 'rejected';
    stop({ outcome });
    metrics.planDecisions.inc({ outcome });
    return decision;
  };

  const send = (res: Response, baseUrl: string, answer: Answer, replayed = false) => {
    const body = answer.body as { id?: string; message?: string };
    if (answer.status === 201 && body.id) res.location(`${baseUrl}/${body.id}`);
    if (replayed) res.set('idempotent-replayed', 'true');
    noteAudit(res, {
      target: body.id ?? null,
      ...(answer.status === 409 ? { refusal: body.message ?? 'rejected' } : {}),
      ...(replayed ? { detail: { replayed: true } } : {}),
    });
    res.status(answer.status).json(answer.body);
  };

  /**
   * Files a plan; with an Idempotency-Key (and the digest of the body it came with), a retry gets
   * the first answer instead of a second plan.
   */
  const file = async (
    body: FlightPlanRequest,
    who: Principal,
    hold: boolean,
    once: { key: string; digest: string } | null,
  ): Promise<{ answer: Answer; replayed: boolean }> => {
    const kept = once ? await answers.find(who, once.key, once.digest) : null;
    if (kept) return { answer: kept.answer, replayed: true };
    let accepted: Answer | null = null;
    try {
      const d = await decide(() =>
        flights.create(body, who, { hold }, async (tx, a) => {
          const personal = { contact: body.contact ?? null, pilot: body.pilot ?? null };
          accepted = { status: 201, body: presentPlan(a.plan, { ...a, ...personal }) };
          if (once && !(await answers.keep(who, once.key, once.digest, accepted, tx))) throw new Superseded();
        }),
      );
      if (d.accepted) return { answer: accepted!, replayed: false };
      const rejected: Answer = { status: 409, body: d.rejection };
      if (!once || (await answers.keep(who, once.key, once.digest, rejected)))
        return { answer: rejected, replayed: false };
    } catch (err) {
      if (!(err instanceof Superseded)) throw err;
    }
    const first = (await answers.find(who, once!.key, once!.digest)) as Replayed;
    return { answer: first.answer, replayed: true };
  };

  r.post('/', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'plans:file', 'filing a flight plan');
    const key = idempotencyKey(req);
    const { hold } = parse(FileQuery, req.query, 'query');
    const body = parse(FlightPlanRequest, req.body, 'body');
    // Hashing a large route costs; only a keyed request needs it. A hold is another request than a filing.
    const once = key ? { key, digest: IdempotentAnswers.digest(hold ? { hold, body: req.body } : req.body) } : null;
    const { answer, replayed } = await file(body, who, hold, once);
    send(res, req.baseUrl, answer, replayed);
  });

  r.post('/from-spatial-ids', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'plans:file', 'filing a flight plan');
    const key = idempotencyKey(req);
    const { hold } = parse(FileQuery, req.query, 'query');
    const made = fromSpatialIds(parse(SpatialIdPlanRequest, req.body, 'body'));
    const once = key ? { key, digest: IdempotentAnswers.digest(hold ? { hold, body: req.body } : req.body) } : null;
    const { answer, replayed } = await relabelled(made, () => file(made.request, who, hold, once));
    send(res, req.baseUrl, answer, replayed);
  });

  r.post('/candidates', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'plans:file', 'filing candidate flight plans');
    const { hold } = parse(FileQuery, req.query, 'query');
    const body = parse(CandidatePlans, req.body, 'body');
    const d = await decide(() => flights.createFirstFitting(body, who, { hold }));
    if (!d.accepted) {
      const rejected: CandidatesRejected = { state: 'Rejected', message: d.message, refused: d.refused };
      return send(res, req.baseUrl, { status: 409, body: rejected });
    }
    const chosen = body.candidates[d.chosen]!;
    const personal = { contact: chosen.contact ?? null, pilot: chosen.pilot ?? null };
    const accepted: CandidatesAccepted = {
      chosen: d.chosen,
      cost: d.cost,
      plan: presentPlan(d.plan, { ...d, ...personal }),
      refused: d.refused,
    };
    res.location(`${req.baseUrl}/${d.plan.id}`);
    noteAudit(res, { target: d.plan.id, detail: { chosen: d.chosen } });
    res.status(201).json(accepted);
  });

  r.post('/earliest', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'plans:file', 'looking for the earliest slot');
    const body = parse(EarliestSlotRequest, req.body, 'body');
    res.json(await flights.earliest(body));
  });

  r.get('/', async (req, res) => {
    const who = principalOf(req);
    const all = can(who, 'sky:read-all');
    if (!all) demand(who, 'plans:file', 'listing flight plans');
    const q = parse(FlightPlanQuery, req.query, 'query');
    const plans = await flights.list({
      states: q.state,
      from: q.from ? Date.parse(q.from) : undefined,
      to: q.to ? Date.parse(q.to) : undefined,
      bbox: q.bbox,
      droneId: q.droneId,
      owner: all ? q.operator : who.subject,
      limit: q.limit,
    });
    res.json(plans.map((p) => presentPlan(p)));
  });

  r.get('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const { plan, history } = await flights.get(id);
    res.json(planFor(principalOf(req), plan, vault, { history }));
  });

  r.put('/:id', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'plans:file', 'replanning');
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(FlightPlanRequest, req.body, 'body');
    const d = await decide(() => flights.replan(id, body, who));
    if (!d.accepted) return send(res, req.baseUrl, { status: 409, body: d.rejection });
    res.json(planFor(who, d.plan, vault, d));
  });

  r.post('/:id/confirm', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'plans:file', 'confirming a held flight plan');
    const { id } = parse(IdParam, req.params, 'path');
    res.json(planFor(who, await flights.confirm(id, who), vault));
  });

  r.get('/:id/dips', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'plans:file', 'exporting a flight plan for DIPS 2.0');
    const { id } = parse(IdParam, req.params, 'path');
    const { format } = parse(DipsQuery, req.query, 'query');
    const filing = await flights.dipsFiling(id, who);
    res.set('cache-control', 'no-store');
    if (format === 'json') return void res.json(filing);
    res.attachment(`flight-plan-${id}.csv`);
    res.type('text/csv; charset=utf-8').send(dipsCsv(filing));
  });

  for (const op of ['activate', 'end'] as const) {
    r.post(`/:id/${op}`, async (req, res) => {
      const who = principalOf(req);
      demand(who, 'plans:file', `${op === 'end' ? 'ending' : 'activating'} a flight plan`);
      const { id } = parse(IdParam, req.params, 'path');
      res.json(planFor(who, await flights.operate(id, op, who), vault));
    });
  }

  r.delete('/:id', async (req, res) => {
    const who = principalOf(req);
    demand(who, 'plans:file', 'cancelling a flight plan');
    const { id } = parse(IdParam, req.params, 'path');
    res.json(planFor(who, await flights.operate(id, 'cancel', who), vault));
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

  r.get('/:id/spatial-ids', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const q = parse(PlanSpatialIdQuery, req.query, 'query');
    const { plan, keys } = await flights.skyRoad(id);
    res.json(planSpatialIds(plan, keys, q, deps.bandHeightM, deps.datum));
  });

  return r;
}
