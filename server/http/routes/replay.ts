import { Router } from 'express';
import { demand } from '../../auth/policy.ts';
import { MAX_REPLAY_HOURS, ReplayQuery, type Replay, type TrackPoint } from '../../protocol/index.ts';
import { BadRequest } from '../../errors.ts';
import type { TelemetryHistory } from '../../telemetry/history.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';
import { type Clock } from '../../clock.ts';

const HOUR_MS = 3_600_000;

export interface ReplayRouterDeps {
  history: TelemetryHistory;
  clock: Clock;
}

/** The stored telemetry of a window and area, one track per drone: what the map replays. */
export function replayRouter(deps: ReplayRouterDeps): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    demand(principalOf(req), 'sky:read-all', 'replaying the sky');
    const q = parse(ReplayQuery, req.query, 'query');
    const to = q.to ? Date.parse(q.to) : deps.clock.now();
    const from = q.from ? Date.parse(q.from) : to - HOUR_MS;
    if (to <= from) throw BadRequest.field('from', 'must be before to (default now)');
    if (to - from > MAX_REPLAY_HOURS * HOUR_MS) {
      throw BadRequest.field('from', `the window may cover at most ${MAX_REPLAY_HOURS} hours`);
    }
    const rows = await deps.history.replay({
      from,
      to,
      bbox: q.bbox ?? null,
      intervalMs: q.intervalMs,
      limit: q.limit + 1,
    });
    const tracks = new Map<string, TrackPoint[]>();
    for (const { droneId, point } of rows.slice(0, q.limit)) {
      let points = tracks.get(droneId);
      if (!points) tracks.set(droneId, (points = []));
      points.push(point);
    }
    const body: Replay = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      truncated: rows.length > q.limit,
      tracks: [...tracks]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([droneId, points]) => ({ droneId, points })),
    };
    res.json(body);
  });

  return r;
}
