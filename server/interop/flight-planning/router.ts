import { Router } from 'express';
import { demandScope } from '../../auth/policy.ts';
import type { Principal } from '../../auth/principal.ts';
import { BadRequest, Forbidden, NotFound, StateConflict, Unauthorized, Unprocessable } from '../../errors.ts';
import { noteAudit } from '../../http/audit.ts';
import { principalOf } from '../../http/auth.ts';
import { IdempotentAnswers, type Answer } from '../../idempotency/answers.ts';
import { parse } from '../../http/validate.ts';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import {
  INTERUSS_FLIGHT_PLANNING_VERSION,
  InterussClearAreaRequest,
  InterussFlightPlanParam,
  InterussUpsertFlightPlanRequest,
  InterussUserNotificationsQuery,
  type ErrorBody,
  type InterussPlanningResponse,
  type InterussStatusResponse,
} from '../../protocol/index.ts';
import { Overtaken, type FlightPlanning } from './service.ts';

export interface FlightPlanningRouterDeps {
  interuss: FlightPlanning;
  answers: IdempotentAnswers;
  metrics: Metrics;
  log: Logger;
}

/** What a reused request_id whose first answer is not there (any more, or yet) gets: 409, as the interface says. */
const requestIdConflict = (requestId: string, why: string): Answer => {
  const body: ErrorBody = { error: 'conflict', message: `request_id ${requestId} ${why}` };
  return { status: 409, body };
};

/**
 * `/flight_planning/v1`, exactly as InterUSS's YAML says: every planning outcome is HTTP 200 with
 * the result in the body; 409 only for a request_id reused for another request or whose first
 * answer is not available. A request_id gets its first answer again (kept a day, per caller).
 */
export function flightPlanningRouter(deps: FlightPlanningRouterDeps): Router {
  const { interuss: planning, answers, metrics, log } = deps;
  const r = Router();

  r.get('/status', (req, res) => {
    demandScope(principalOf(req), 'interuss:direct-test', 'reading the interface status');
    const body: InterussStatusResponse = {
      status: 'Ready',
      api_name: 'Flight Planning Automated Testing Interface',
      api_version: INTERUSS_FLIGHT_PLANNING_VERSION,
    };
    res.json(body);
  });

  /** Plans, or a fault answered Failed (logged): the interface's only word for "this USS broke". */
  const upsert = async (id: string, body: InterussUpsertFlightPlanRequest, who: Principal) => {
    const stop = metrics.planDecisionSeconds.startTimer();
    try {
      const answer = await planning.upsert(id, body, who);
      const outcome = answer.planning_result === 'Completed' ? 'accepted' : 'rejected';
      stop({ outcome });
      metrics.planDecisions.inc({ outcome });
      return answer;
    } catch (err) {
      if (err instanceof Overtaken || err instanceof StateConflict || !(err instanceof Error) || isRefusal(err)) {
        throw err;
      }
      log.error({ err, flightPlanId: id, requestId: body.request_id }, 'InterUSS flight planning failed');
      const failed: InterussPlanningResponse = {
        planning_result: 'Failed',
        notes: `this USS could not plan the flight: ${err.message}`,
        flight_plan_status: await planning.status(id).catch(() => 'NotPlanned' as const),
      };
      return failed;
    }
  };

  r.put('/flight_plans/:flight_plan_id', async (req, res) => {
    const who = principalOf(req);
    demandScope(who, 'interuss:plan', 'planning a flight');
    const { flight_plan_id: id } = parse(InterussFlightPlanParam, req.params, 'path');
    const body = parse(InterussUpsertFlightPlanRequest, req.body, 'body');
    const key = `flight_planning:${body.request_id}`;
    const digest = IdempotentAnswers.digest({ id, body: req.body as unknown });
    const send = (a: Answer, replayed = false) => {
      noteAudit(res, { target: id, ...(replayed ? { detail: { replayed: true } } : {}) });
      res.status(a.status).json(a.body);
    };
    const first = async (): Promise<Answer | null> => {
      try {
        return (await answers.find(who, key, digest))?.answer ?? null;
      } catch (err) {
        if (err instanceof Unprocessable) return requestIdConflict(body.request_id, 'was used for another request');
        throw err;
      }
    };

    const kept = await first();
    if (kept) return send(kept, true);
    let answer: InterussPlanningResponse;
    try {
      answer = await upsert(id, body, who);
    } catch (err) {
      if (!(err instanceof Overtaken || err instanceof StateConflict)) throw err;
      return send((await first()) ?? requestIdConflict(body.request_id, `was overtaken: ${err.message}`));
    }
    // A fault is not an answer to keep: the same request may be tried again.
    const ours = { status: 200, body: answer };
    if (answer.planning_result === 'Failed' || (await answers.keep(who, key, digest, ours))) {
      return send(ours);
    }
    send((await first()) ?? ours, true);
  });

  r.delete('/flight_plans/:flight_plan_id', async (req, res) => {
    const who = principalOf(req);
    demandScope(who, 'interuss:close', 'closing a flight');
    const { flight_plan_id: id } = parse(InterussFlightPlanParam, req.params, 'path');
    const { found, body } = await planning.close(id, who);
    noteAudit(res, { target: id });
    res.status(found ? 200 : 404).json(body);
  });

  r.post('/clear_area_requests', async (req, res) => {
    demandScope(principalOf(req), 'interuss:direct-test', 'clearing an area');
    const body = parse(InterussClearAreaRequest, req.body, 'body');
    res.json(await planning.clearArea(body));
  });

  r.get('/user_notifications', async (req, res) => {
    const who = principalOf(req);
    demandScope(who, 'interuss:plan', 'reading user notifications');
    const q = parse(InterussUserNotificationsQuery, req.query, 'query');
    res.json(await planning.notifications(who, Date.parse(q.after), q.before ? Date.parse(q.before) : null));
  });

  return r;
}

/** The service's deliberate refusals (another user's flight) keep their own HTTP status. */
function isRefusal(err: Error): boolean {
  return [Forbidden, NotFound, Unauthorized, BadRequest].some((kind) => err instanceof kind);
}
