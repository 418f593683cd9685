import { Router } from 'express';
import type { Db } from '../../store/db.ts';
import { airspaceKeys } from '../../store/plans.ts';
import { AirspaceQuery, type SkyRoadCells } from '../../protocol/index.ts';
import { keyFeature } from '../geojson.ts';
import { parse } from '../validate.ts';
import { type Clock } from '../../clock.ts';

/** Most cells one airspace answer carries; a wider view must zoom in. */
const MAX_FEATURES = 50_000;
const DEFAULT_WINDOW_MS = 2 * 3_600_000;

export function airspaceRouter(deps: { db: Db; clock: Clock; bandHeightM: number }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parse(AirspaceQuery, req.query, 'query');
    const from = q.from ? Date.parse(q.from) : deps.clock.now();
    const to = q.to ? Date.parse(q.to) : from + DEFAULT_WINDOW_MS;
    const rows = await airspaceKeys(deps.db, q.bbox, from, to, MAX_FEATURES);
    const body: SkyRoadCells = {
      type: 'FeatureCollection',
      features: rows.map((k) => keyFeature(k, { planId: k.planId, state: k.state }, deps.bandHeightM)),
    };
    res.json(body);
  });
  return r;
}
