import { Router } from 'express';
import { z } from 'zod';
import type { Geofences } from '../../geofences/service.ts';
import { GeofenceQuery, Id, ZoneFeature, type ZoneCreated } from '../../protocol/index.ts';
import { actorOf } from '../actor.ts';
import { parse } from '../validate.ts';

const IdParam = z.object({ id: Id });

export function geofencesRouter(deps: { geofences: Geofences; adminToken: string | undefined }): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const feature = parse(ZoneFeature, req.body, 'body');
    const declared = await deps.geofences.create(feature, actorOf(req, deps.adminToken));
    const body: ZoneCreated = { id: declared.zone.id, preempted: declared.preempted, alerted: declared.alerted };
    res.status(201).location(`${req.baseUrl}/${declared.zone.id}`).json(body);
  });

  r.get('/', async (req, res) => {
    const q = parse(GeofenceQuery, req.query, 'query');
    const zones = await deps.geofences.list({ bbox: q.bbox, limit: q.limit });
    res.json({ type: 'FeatureCollection', features: zones.map((z) => deps.geofences.feature(z)) });
  });

  r.get('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    res.json(deps.geofences.feature(await deps.geofences.get(id)));
  });

  r.delete('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    await deps.geofences.remove(id, actorOf(req, deps.adminToken));
    res.status(204).end();
  });

  return r;
}
