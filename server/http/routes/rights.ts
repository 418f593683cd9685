import { Router } from 'express';
import type { FlightPlans, Rights } from '../../flights/service.ts';
import {
  DroneRegistrationQuery,
  IdParam,
  OperatorParam,
  PriorityGrantRequest,
  ZoneAuthorizationQuery,
  ZoneAuthorizationRequest,
} from '../../protocol/index.ts';
import { presentDrone, presentPriorityGrant, presentZoneAuthorization } from '../../rights/present.ts';
import { noteAudit } from '../audit.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

/** `GET /api/v1/drone-registrations`: the drones each operator flies. */
export function droneRegistrationsRouter(deps: { rights: Rights }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parse(DroneRegistrationQuery, req.query, 'query');
    res.json((await deps.rights.drones.list(principalOf(req), q)).map(presentDrone));
  });
  return r;
}

/** `/api/v1/priority-grants`: priorities above the normal level, granted by administrators. */
export function priorityGrantsRouter(deps: { rights: Rights }): Router {
  const r = Router();
  const { priorities } = deps.rights;
  r.get('/', async (req, res) => {
    res.json((await priorities.list(principalOf(req))).map(presentPriorityGrant));
  });
  r.put('/:operator', async (req, res) => {
    const { operator } = parse(OperatorParam, req.params, 'path');
    const body = parse(PriorityGrantRequest, req.body, 'body');
    const grant = await priorities.grant(operator, body, principalOf(req));
    noteAudit(res, { target: operator, detail: { maxPriority: grant.maxPriority, reason: grant.reason } });
    res.json(presentPriorityGrant(grant));
  });
  r.delete('/:operator', async (req, res) => {
    const { operator } = parse(OperatorParam, req.params, 'path');
    await priorities.withdraw(operator, principalOf(req));
    noteAudit(res, { target: operator });
    res.status(204).end();
  });
  return r;
}

/** `/api/v1/zone-authorizations`: permissions to enter restricted zones, issued by their authority. */
export function zoneAuthorizationsRouter(deps: { rights: Rights; flights: FlightPlans }): Router {
  const r = Router();
  const { zones } = deps.rights;
  r.get('/', async (req, res) => {
    const q = parse(ZoneAuthorizationQuery, req.query, 'query');
    res.json((await zones.list(principalOf(req), q)).map(presentZoneAuthorization));
  });
  r.post('/', async (req, res) => {
    const body = parse(ZoneAuthorizationRequest, req.body, 'body');
    const issued = await zones.issue(body, principalOf(req));
    noteAudit(res, { target: issued.id, detail: { zoneId: issued.zoneId, operator: issued.operator } });
    res.status(201).location(`${req.baseUrl}/${issued.id}`).json(presentZoneAuthorization(issued));
  });
  r.get('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    res.json(presentZoneAuthorization(await zones.get(id, principalOf(req))));
  });
  r.delete('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const revoked = await zones.revoke(id, principalOf(req));
    const plans = await deps.flights.withdrawZone(revoked);
    noteAudit(res, { target: id, detail: { plansWithdrawn: plans.map((p) => p.id) } });
    res.json(presentZoneAuthorization(revoked));
  });
  return r;
}
