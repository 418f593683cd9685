import { Router } from 'express';
import { Forbidden, NotFound } from '../../errors.ts';
import { DroneCommand, DroneIdParam, TrackQuery, type DroneState, type DroneTrack } from '../../protocol/index.ts';
import type { Db } from '../../store/db.ts';
import { getState, listStates, trackPoints } from '../../store/telemetry.ts';
import type { DroneCommands } from '../../telemetry/commands.ts';
import { actorOf } from '../actor.ts';
import { parse } from '../validate.ts';

const HOUR_MS = 3_600_000;

export interface DronesRouterDeps {
  db: Db;
  commands: DroneCommands;
  /** A live link older than this is shown stale, whichever instance stored it. */
  staleAfterMs: number;
  clock: () => number;
  adminToken: string | undefined;
}

export function dronesRouter(deps: DronesRouterDeps): Router {
  const r = Router();
  const shown = (s: DroneState): DroneState =>
    s.link === 'live' && deps.clock() - Date.parse(s.receivedAt) > deps.staleAfterMs ? { ...s, link: 'stale' } : s;

  r.get('/', async (_req, res) => {
    res.json((await listStates(deps.db)).map(shown));
  });

  r.get('/:id/track', async (req, res) => {
    const { id } = parse(DroneIdParam, req.params, 'path');
    const q = parse(TrackQuery, req.query, 'query');
    const to = q.to ? Date.parse(q.to) : deps.clock();
    const from = q.from ? Date.parse(q.from) : to - HOUR_MS;
    const points = await trackPoints(deps.db, id, from, to, q.limit + 1);
    if (!points.length && !(await getState(deps.db, id))) throw new NotFound(`no drone ${id}`);
    const body: DroneTrack = {
      droneId: id,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      truncated: points.length > q.limit,
      points: points.slice(0, q.limit),
    };
    res.json(body);
  });

  r.post('/:id/commands', async (req, res) => {
    const { id } = parse(DroneIdParam, req.params, 'path');
    if (actorOf(req, deps.adminToken).subject !== 'admin') {
      throw new Forbidden('commanding a drone needs the administrator token');
    }
    const command = parse(DroneCommand, req.body, 'body');
    const outcome = await deps.commands.send(id, command);
    res.status(outcome.result === 'GATEWAY_TIMEOUT' ? 504 : 200).json(outcome);
  });

  return r;
}
