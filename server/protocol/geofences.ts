import { z } from 'zod';
import { Altitude, Timestamp } from './common.ts';
import { wire } from './registry.ts';

const Position = z
  .tuple([z.number().finite().min(-180).max(180), z.number().finite().min(-90).max(90)])
  .rest(z.number().finite())
  .describe('[lon, lat]');

export const MAX_ZONE_VERTICES = 100_000;

const Ring = z
  .array(Position)
  .min(4, 'a ring needs at least four positions (closed)')
  .max(MAX_ZONE_VERTICES)
  .refine(
    (r) => r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1],
    'a ring must be closed (last position equal to the first)',
  );

export const ZoneGeometry = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
  ])
  .register(wire, { id: 'ZoneGeometry' });

export const ZoneKind = z.enum(['prohibited', 'restricted', 'advisory'], {
  error: 'kind must be one of prohibited, restricted, advisory',
});

export const ZoneProperties = z
  .object({
    name: z.string().min(1).max(200),
    kind: ZoneKind,
    lower: Altitude,
    upper: Altitude,
    validFrom: Timestamp.optional(),
    validTo: Timestamp.optional(),
    authority: z.string().max(200).optional(),
    source: z.string().max(500).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.lower.reference === p.upper.reference && p.lower.value > p.upper.value) {
      ctx.addIssue({ code: 'custom', path: ['lower'], message: 'must not be above upper' });
    }
    if (p.validFrom && p.validTo && Date.parse(p.validTo) <= Date.parse(p.validFrom)) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be after validFrom' });
    }
  });

export const ZoneFeature = z
  .object({
    type: z.literal('Feature'),
    geometry: ZoneGeometry,
    properties: ZoneProperties,
  })
  .register(wire, { id: 'ZoneFeature', description: 'A geofence as a GeoJSON Feature.' });

export const ZoneCreated = z.object({ id: z.uuid() }).register(wire, { id: 'ZoneCreated' });

export type ZoneKind = z.infer<typeof ZoneKind>;
export type ZoneFeature = z.infer<typeof ZoneFeature>;
export type ZoneGeometry = z.infer<typeof ZoneGeometry>;
export type ZoneProperties = z.infer<typeof ZoneProperties>;
