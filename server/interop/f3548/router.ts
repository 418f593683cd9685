import { Router, type Response } from 'express';
import { demandScope } from '../../auth/policy.ts';
import { noteAudit } from '../../http/audit.ts';
import { principalOf } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { parse } from '../../http/validate.ts';
import {
  F3548EntityParam,
  F3548PutConstraintDetailsParameters,
  F3548PutOperationalIntentDetailsParameters,
  type ErrorBody,
} from '../../protocol/index.ts';
import type { Constraints } from './constraints.ts';
import type { OperationalIntents } from './operational-intents.ts';
import type { HoldOutcome } from './peer-intents.ts';

/** The standard's 409 for a notification: older than what is held, or the same version changed. */
function answerNotification(res: Response, id: string, outcome: HoldOutcome | 'removed', what: string): void {
  noteAudit(res, { target: id, detail: { outcome } });
  if (outcome === 'older' || outcome === 'different') {
    const body: ErrorBody = {
      error: 'conflict',
      message:
        outcome === 'older'
          ? `${what} ${id}: a newer version is held here`
          : `${what} ${id}: this version is held here with another OVN`,
    };
    return void res.status(409).json(body);
  }
  res.status(204).end();
}

/**
 * `/uss/v1`, ASTM F3548-21's USS↔USS interface: peers read the details (and, off-nominal, the
 * telemetry) of this USS's operational intents and its constraints, and tell it of theirs. Each
 * endpoint takes the scope the standard names; refusals carry the standard's `message`.
 */
export function ussRouter(deps: { intents: OperationalIntents; constraints: Constraints }): Router {
  const { intents, constraints } = deps;
  const r = Router();

  r.get('/operational_intents/:entityid', async (req, res) => {
    demandScope(principalOf(req), 'utm:strategic-coordination', 'reading an operational intent');
    const { entityid } = parse(F3548EntityParam, req.params, 'path');
    res.json(await intents.details(entityid));
  });

  r.get('/operational_intents/:entityid/telemetry', async (req, res) => {
    demandScope(principalOf(req), 'utm:conformance-monitoring', 'reading an operational intent’s telemetry');
    const { entityid } = parse(F3548EntityParam, req.params, 'path');
    const answer = await intents.telemetry(entityid);
    if (!answer) {
      const body: ErrorBody = { error: 'no_telemetry', message: `no telemetry of operational intent ${entityid} yet` };
      return void res.status(412).json(body);
    }
    res.json(answer);
  });

  r.post('/operational_intents', async (req, res) => {
    const who = principalOf(req);
    demandScope(who, 'utm:strategic-coordination', 'notifying of an operational intent');
    const body = parse(F3548PutOperationalIntentDetailsParameters, req.body, 'body');
    answerNotification(res, body.operational_intent_id, await intents.notified(body, who), 'operational intent');
  });

  r.get('/constraints/:entityid', async (req, res) => {
    demandScope(principalOf(req), 'utm:constraint-processing', 'reading a constraint');
    const { entityid } = parse(F3548EntityParam, req.params, 'path');
    res.json(await constraints.details(entityid));
  });

  r.post('/constraints', async (req, res) => {
    const who = principalOf(req);
    demandScope(who, 'utm:constraint-management', 'notifying of a constraint');
    const body = parse(F3548PutConstraintDetailsParameters, req.body, 'body');
    answerNotification(res, body.constraint_id, await constraints.notified(body, who), 'constraint');
  });

  r.use(notFound);
  return r;
}
