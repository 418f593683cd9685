import { Router } from 'express';
import type { Datum } from '../../airspace/altitude.ts';
import { BadRequest } from '../../errors.ts';
import { airspaceSpatialIds } from '../../interop/spatial-id/export.ts';
import { hours, LIMITS } from '../../limits.ts';
import type { ReservedAirspace } from '../../flights/reserved.ts';
import { AirspaceQuery, AirspaceSpatialIdQuery, type SkyRoadCells } from '../../protocol/index.ts';
import { keyFeature } from '../geojson.ts';
import { parse } from '../validate.ts';
import { type Clock } from '../../clock.ts';

const DEFAULT_WINDOW_MS = 2 * 3_600_000;
const { maxAirspaceFeatures, maxAirspaceWindowMs } = LIMITS;

export function airspaceRouter(deps: {
  reserved: ReservedAirspace;
  clock: Clock;
  bandHeightM: number;
  datum: Datum;
}): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parse(AirspaceQuery, req.query, 'query');
    const from = q.from ? Date.parse(q.from) : deps.clock.now();
    const to = q.to ? Date.parse(q.to) : from + DEFAULT_WINDOW_MS;
    if (to <= from) throw BadRequest.field('to', 'must be after from');
    if (to - from > maxAirspaceWindowMs) {
      throw BadRequest.field('to', `the window from from to to is at most ${hours(maxAirspaceWindowMs)}`);
    }
    // One more than an answer carries tells whether it was cut.
    const rows = await deps.reserved.keys(q.bbox, from, to, maxAirspaceFeatures + 1);
    const truncated = rows.length > maxAirspaceFeatures;
    const body: SkyRoadCells = {
      type: 'FeatureCollection',
      features: rows
        .slice(0, maxAirspaceFeatures)
        .map((k) => keyFeature(k, { planId: k.planId, state: k.state }, deps.bandHeightM)),
      ...(truncated ? { truncated: true as const } : {}),
    };
    res.json(body);
  });

  r.get('/spatial-ids', async (req, res) => {
    const q = parse(AirspaceSpatialIdQuery, req.query, 'query');
    const from = q.from ? Date.parse(q.from) : deps.clock.now();
    const to = q.to ? Date.parse(q.to) : from + DEFAULT_WINDOW_MS;
    if (to <= from) throw BadRequest.field('to', 'must be after from');
    const rows = await deps.reserved.keys(q.bbox, from, to, maxAirspaceFeatures + 1);
    if (rows.length > maxAirspaceFeatures) {
      throw BadRequest.field(
        'bbox',
        `more than ${maxAirspaceFeatures} reserved cells in the box and window: ask for less`,
      );
    }
    res.json(airspaceSpatialIds(rows, q, { from, to }, deps.bandHeightM, deps.datum));
  });
  return r;
}
