import { Router } from 'express';
import { maySeePlan } from '../../auth/policy.ts';
import { Forbidden, NotFound, Unauthorized } from '../../errors.ts';
import type { FlightPlans } from '../../flights/service.ts';
import { principalOf } from '../../http/auth.ts';
import { parse } from '../../http/validate.ts';
import { IdParam, type PlanPublication } from '../../protocol/index.ts';
import { getPublication, isPeerOwner } from '../../store/f3548.ts';

/** Where the DSS stands with one of this USS's plans (null: never published). */
export type PublicationLookup = (planId: string) => ReturnType<typeof getPublication>;

/**
 * `GET /api/v1/flight-plans/{id}/publication`: whether the DSS holds a plan as it is, for whoever
 * sees the plan whole — a plan whose publication failed says so here, with why.
 */
export function publicationRouter(deps: {
  publication: PublicationLookup;
  flights: FlightPlans;
  dssUrl: string | null;
}): Router {
  const r = Router();
  r.get('/:id/publication', async (req, res) => {
    const who = principalOf(req);
    const { id } = parse(IdParam, req.params, 'path');
    const { plan } = await deps.flights.get(id);
    if (!maySeePlan(who, plan.owner)) {
      if (who.role === 'public') throw new Unauthorized('reading a plan’s publication needs a bearer token');
      throw new Forbidden(`flight plan ${id} belongs to another operator`);
    }
    if (isPeerOwner(plan.owner)) throw new NotFound(`flight plan ${id} is another USS’s: that USS publishes it`);
    const pub = await deps.publication(id);
    const body: PlanPublication = {
      planId: id,
      dss: deps.dssUrl,
      status: pub?.status ?? 'unpublished',
      planVersion: pub?.planVersion ?? 0,
      dssVersion: pub?.dssVersion ?? null,
      ovn: pub?.ovn ?? null,
      attempts: pub?.attempts ?? 0,
      lastError: pub?.lastError ?? null,
      updatedAt: pub ? new Date(pub.updatedAt).toISOString() : null,
    };
    res.json(body);
  });
  return r;
}
