import { Router } from 'express';
import { z } from 'zod';
import type { Geofences } from '../../geofences/service.ts';
import { Id, ZoneFeature } from '../../protocol/index.ts';
import type { ZoneRecord } from '../../store/geofences.ts';
import { actorOf } from '../actor.ts';
import { parse } from '../validate.ts';

const IdParam = z.object({ id: Id });

export function zoneFeature(z: ZoneRecord) {
  return {
    type: 'Feature' as const,
    id: z.id,
    geometry: z.geometry,
    properties: {
      ...z.properties,
      id: z.id,
      name: z.name,
      kind: z.kind,
      lower: z.lower,
      upper: z.upper,
      origin: z.origin,
    },
  };
}

export function geofencesRouter(deps: { geofences: Geofences; adminToken: string | undefined }): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const feature = parse(ZoneFeature, req.body, 'body');
    const zone = await deps.geofences.create(feature, actorOf(req, deps.adminToken));
    res.status(201).location(`${req.baseUrl}/${zone.id}`).json({ id: zone.id });
  });

  r.get('/', async (_req, res) => {
    res.json({ type: 'FeatureCollection', features: (await deps.geofences.list()).map(zoneFeature) });
  });

  r.get('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    res.json(zoneFeature(await deps.geofences.get(id)));
  });

  r.delete('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    await deps.geofences.remove(id);
    res.status(204).end();
  });

  return r;
}
