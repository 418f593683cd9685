import { Router } from 'express';
import type { Geofences } from '../../geofences/service.ts';
import { AirspaceCheckQuery } from '../../protocol/index.ts';
import { parse } from '../validate.ts';
import { type Clock } from '../../clock.ts';

/** `GET /api/v1/airspace/check`: what restricts one point at one moment, and why. */
export function airspaceCheckRouter(deps: { geofences: Geofences; clock: Clock }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parse(AirspaceCheckQuery, req.query, 'query');
    const t = q.time ? Date.parse(q.time) : deps.clock.now();
    res.json(await deps.geofences.check(q.lat, q.lon, { value: q.alt, reference: q.reference }, t));
  });
  return r;
}
