import { Router } from 'express';
import type { Clock } from '../../clock.ts';
import { BadRequest } from '../../errors.ts';
import type { ReservedAirspace } from '../../flights/reserved.ts';
import { CapacityQuery } from '../../protocol/index.ts';
import { parse } from '../validate.ts';

const HOUR_MS = 3_600_000;
/** Two days of slots: the day being planned and the next. */
const MAX_WINDOW_MS = 48 * HOUR_MS;

/** `GET /api/v1/capacity`: how much of the sky is reserved, per coarse cell and 15-minute slot. */
export function capacityRouter(deps: { reserved: ReservedAirspace; clock: Clock }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parse(CapacityQuery, req.query, 'query');
    const from = q.from ? Date.parse(q.from) : deps.clock.now();
    const to = q.to ? Date.parse(q.to) : from + 24 * HOUR_MS;
    if (to <= from) throw BadRequest.field('to', 'must be after from');
    if (to - from > MAX_WINDOW_MS) throw BadRequest.field('to', 'at most 48 hours after from');
    res.json(await deps.reserved.capacity(q.bbox, { from, to }));
  });
  return r;
}
