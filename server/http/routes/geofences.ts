import { Router } from 'express';
import type { Datum } from '../../airspace/altitude.ts';
import type { Clock } from '../../clock.ts';
import type { Geofences } from '../../geofences/service.ts';
import { zoneSpatialIds } from '../../interop/spatial-id/export.ts';
import { GeofenceQuery, IdParam, ZoneFeature, ZoneSpatialIdQuery, type ZoneCreated } from '../../protocol/index.ts';
import { noteAudit } from '../audit.ts';
import { principalOf } from '../auth.ts';
import { parse } from '../validate.ts';

export function geofencesRouter(deps: { geofences: Geofences; datum: Datum; clock: Clock }): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const feature = parse(ZoneFeature, req.body, 'body');
    const declared = await deps.geofences.create(feature, principalOf(req));
    const body: ZoneCreated = { id: declared.zone.id, preempted: declared.preempted, alerted: declared.alerted };
    noteAudit(res, {
      target: declared.zone.id,
      detail: { name: feature.properties.name, kind: feature.properties.kind, preempted: declared.preempted.length },
    });
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

  r.get('/:id/spatial-ids', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    const q = parse(ZoneSpatialIdQuery, req.query, 'query');
    const zone = await deps.geofences.get(id);
    res.json(zoneSpatialIds(zone, q, deps.clock.now(), deps.datum));
  });

  r.delete('/:id', async (req, res) => {
    const { id } = parse(IdParam, req.params, 'path');
    await deps.geofences.remove(id, principalOf(req));
    res.status(204).end();
  });

  return r;
}
