import { Router } from 'express';
import { can, demand } from '../../auth/policy.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Rights } from '../../flights/service.ts';
import { NotFound } from '../../errors.ts';
import {
  DroneCommand,
  DroneIdParam,
  DroneRegistrationRequest,
  TrackQuery,
  type AnonymousDroneState,
  type DroneState,
  type DroneTrack,
} from '../../protocol/index.ts';
import { presentDrone } from '../../rights/present.ts';
import type { TelemetryHistory } from '../../telemetry/history.ts';
import type { DroneCommands } from '../../telemetry/commands.ts';
import { noteAudit } from '../audit.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';
import { type Clock } from '../../clock.ts';

const HOUR_MS = 3_600_000;

export interface DronesRouterDeps {
  history: TelemetryHistory;
  commands: DroneCommands;
  rights: Rights;
  /** A live link older than this is shown stale, whichever instance stored it. */
  staleAfterMs: number;
  clock: Clock;
}

function anonymous(s: DroneState): AnonymousDroneState {
  const { gatewayId: _g, remoteId: _r, ...rest } = s;
  return { ...rest, anonymous: true };
}

export function dronesRouter(deps: DronesRouterDeps): Router {
  const r = Router();
  const shown = (s: DroneState): DroneState =>
    s.link === 'live' && deps.clock.now() - Date.parse(s.receivedAt) > deps.staleAfterMs ? { ...s, link: 'stale' } : s;

  const { drones } = deps.rights;

  /** Whether the principal sees this drone whole: monitors, administrators, and the operator it is registered to. */
  const mayFollow = async (who: Principal, droneId: string) =>
    can(who, 'sky:read-all') || (can(who, 'plans:file') && (await drones.owned(who.subject)).has(droneId));

  r.get('/', async (req, res) => {
    const who = principalOf(req);
    const states = (await deps.history.states()).map(shown);
    if (can(who, 'sky:read-all')) return void res.json(states);
    const own = can(who, 'plans:file') ? await drones.owned(who.subject) : new Set<string>();
    res.json(states.map((s) => (own.has(s.droneId) ? s : anonymous(s))));
  });

  r.get('/:id/registration', async (req, res) => {
    const { id } = parse(DroneIdParam, req.params, 'path');
    res.json(presentDrone(await drones.get(id, principalOf(req))));
  });

  r.put('/:id/registration', async (req, res) => {
    const who = principalOf(req);
    const { id } = parse(DroneIdParam, req.params, 'path');
    const body = parse(DroneRegistrationRequest, req.body, 'body');
    const { drone, created } = await drones.register(id, body, who);
    noteAudit(res, { target: id, detail: { operator: drone.operator, registrationMark: drone.registrationMark } });
    res.status(created ? 201 : 200).json(presentDrone(drone));
  });

  r.delete('/:id/registration', async (req, res) => {
    const { id } = parse(DroneIdParam, req.params, 'path');
    await drones.unregister(id, principalOf(req));
    noteAudit(res, { target: id });
    res.status(204).end();
  });

  r.get('/:id/track', async (req, res) => {
    const who = principalOf(req);
    const { id } = parse(DroneIdParam, req.params, 'path');
    if (!can(who, 'sky:read-all')) {
      demand(who, 'plans:file', 'reading a drone’s track');
      if (!(await mayFollow(who, id))) throw new NotFound(`no drone ${id} registered to this operator`);
    }
    const q = parse(TrackQuery, req.query, 'query');
    const to = q.to ? Date.parse(q.to) : deps.clock.now();
    const from = q.from ? Date.parse(q.from) : to - HOUR_MS;
    const points = await deps.history.track(id, from, to, q.limit + 1);
    if (!points.length && !(await deps.history.state(id))) throw new NotFound(`no drone ${id}`);
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
    const who = principalOf(req);
    demand(who, 'drones:command', 'commanding a drone');
    const { id } = parse(DroneIdParam, req.params, 'path');
    const command = parse(DroneCommand, req.body, 'body');
    const outcome = await deps.commands.send(id, command, who);
    noteAudit(res, { detail: { command: command.type, result: outcome.result, ok: outcome.ok } });
    res.status(outcome.result === 'GATEWAY_TIMEOUT' ? 504 : 200).json(outcome);
  });

  return r;
}
