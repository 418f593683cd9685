import { Router } from 'express';
import { BadRequest, NotFound } from '../../errors.ts';
import { principalOf } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { parse } from '../../http/validate.ts';
import type { ErrorBody } from '../../protocol/index.ts';
import { RidFlightParams, RidFlightsQuery, type RidGetFlightDetailsResponse } from '../../protocol/rid.ts';
import { F3411, RID_SCOPES } from './constants.ts';
import { demandScope } from './scopes.ts';
import type { RemoteIdService } from './service.ts';
import { diagonalKm, parseView } from './view.ts';

/**
 * The service provider's side of F3411-22a's USS-to-USS interface, mounted under `/rid/v2`: what
 * display providers poll. Both endpoints need scope `rid.display_provider`; without a token they
 * answer 401 (these standards know no public).
 */
export function ridFlightsRouter(deps: { rid: RemoteIdService }): Router {
  const r = Router();

  r.get('/uss/flights', (req, res) => {
    demandScope(principalOf(req), RID_SCOPES.displayProvider, 'reading Remote ID flights');
    const q = parse(RidFlightsQuery, req.query, 'query');
    const view = parseView(q.view);
    if (typeof view === 'string') throw BadRequest.field('view', view);
    const km = diagonalKm(view);
    if (km > F3411.NetMaxDisplayAreaDiagonalKm) {
      const body: ErrorBody = {
        error: 'view_too_large',
        message: `view: its diagonal is ${km.toFixed(2)} km, more than the ${F3411.NetMaxDisplayAreaDiagonalKm} km F3411 allows (NetMaxDisplayAreaDiagonal)`,
      };
      return void res.status(413).json(body);
    }
    res.json(deps.rid.flights(view, q.recent_positions_duration ?? 0));
  });

  r.get('/uss/flights/:id/details', (req, res) => {
    demandScope(principalOf(req), RID_SCOPES.displayProvider, 'reading a Remote ID flight’s details');
    const id = RidFlightParams.shape.id.safeParse(req.params.id);
    if (!id.success) throw BadRequest.field('id', id.error.issues[0]!.message);
    const details = deps.rid.details(id.data);
    if (!details)
      throw new NotFound(`no flight ${id.data} reported in the last ${F3411.NetMaxNearRealTimeDataPeriodS} s`);
    const body: RidGetFlightDetailsResponse = { details };
    res.json(body);
  });

  r.use(notFound);
  return r;
}
