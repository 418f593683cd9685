import { z } from 'zod';
import { Altitude, BboxQuery, Id, Latitude, Longitude, OperatingLatitude, QueryNumber, Timestamp } from './common.ts';
import { LIMITS } from '../limits.ts';
import { wire } from './registry.ts';

const Position = z
  .tuple([z.number().finite().min(-180).max(180), OperatingLatitude])
  .rest(z.number().finite())
  .describe('[lon, lat]');

const { maxZoneVertices } = LIMITS;
const tooManyPositions = `a zone has at most ${maxZoneVertices} positions in all its rings`;

const Ring = z
  .array(Position)
  .min(4, 'a ring needs at least four positions (closed)')
  .max(maxZoneVertices, tooManyPositions)
  .refine(
    (r) => r.length > 0 && r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1],
    'a ring must be closed (last position equal to the first)',
  );

export const ZoneGeometry = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
  ])
  .superRefine((g, ctx) => {
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    let positions = 0;
    for (const rings of polygons) for (const ring of rings) positions += ring.length;
    if (positions > maxZoneVertices) ctx.addIssue({ code: 'custom', path: ['coordinates'], message: tooManyPositions });
  })
  .register(wire, { id: 'ZoneGeometry' });

export const ZoneKind = z.enum(['prohibited', 'restricted', 'advisory'], {
  error: 'kind must be one of prohibited, restricted, advisory',
});

export const Weekday = z.enum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN', 'ANY'], {
  error: 'day must be one of MON, TUE, WED, THU, FRI, SAT, SUN, ANY',
});

const TimeOfDay = z
  .string()
  .regex(
    /^(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$|^24:00(?::00)?(?:Z|[+-]\d{2}:?\d{2})?$/,
    'must be a time of day hh:mm[:ss], optionally with Z or ±hh:mm',
  );

/** IANA names Intl knows (Asia/Tokyo, UTC …). */
const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Tokyo');

export const ZoneSchedule = z
  .object({
    timeZone: TimeZone.default('UTC').describe('zone of daily times that carry no Z or offset'),
    periods: z
      .array(
        z.object({
          from: Timestamp.optional(),
          to: Timestamp.optional(),
          daily: z
            .array(
              z.object({
                days: z.array(Weekday).max(8).default(['ANY']),
                start: TimeOfDay,
                end: TimeOfDay.describe('at or before start: the window runs past midnight'),
              }),
            )
            .max(50)
            .optional()
            .describe('absent: the whole period'),
        }),
      )
      .min(1, 'a schedule needs at least one period')
      .max(100),
  })
  .register(wire, {
    id: 'ZoneSchedule',
    description:
      'When a zone applies within validFrom/validTo: during any period, and within its daily windows when it has them (ED-269 applicability and ED-318 limitedApplicability import to this).',
  });

export const ZoneProperties = z
  .object({
    name: z.string().min(1).max(200),
    kind: ZoneKind,
    lower: Altitude,
    upper: Altitude,
    validFrom: Timestamp.optional(),
    validTo: Timestamp.optional(),
    schedule: ZoneSchedule.optional(),
    authority: z.string().max(200).optional(),
    source: z.string().max(500).optional(),
    approximate: z.boolean().optional().describe('true when the outline or limits are estimates, not surveyed'),
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

export const ZoneCreated = z
  .object({
    id: z.uuid(),
    preempted: z.array(Id).describe('accepted plans the zone closed: now Preempted, the zone named in their reason'),
    alerted: z.array(Id).describe('plans in flight inside the zone: left as they are, reported for an alert'),
  })
  .register(wire, { id: 'ZoneCreated' });

const W84Range = z.object({ min: z.number(), max: z.number() }).describe('metres W84 over the outline');

export const Geofence = z
  .object({
    type: z.literal('Feature'),
    id: Id,
    geometry: ZoneGeometry,
    properties: z
      .looseObject({
        id: Id,
        name: z.string(),
        kind: ZoneKind,
        origin: z.string().describe('api, geojson, ed269, ed318 or plateau'),
        lower: Altitude.describe('the floor as defined'),
        upper: Altitude.describe('the ceiling as defined'),
        floorW84: W84Range,
        ceilingW84: W84Range,
        validFrom: Timestamp.nullable(),
        validTo: Timestamp.nullable(),
        schedule: ZoneSchedule.optional(),
      })
      .describe('the zone as defined (with its source, authority and original definition) and its limits in W84'),
  })
  .register(wire, { id: 'Geofence', description: 'A stored zone as GeoJSON.' });

export const Geofences = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(Geofence) })
  .register(wire, { id: 'Geofences' });

export const GeofenceQuery = z.object({
  bbox: BboxQuery.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export const AirspaceCheckQuery = z.object({
  lat: QueryNumber.pipe(Latitude).describe('latitude, degrees'),
  lon: QueryNumber.pipe(Longitude).describe('longitude, degrees'),
  alt: QueryNumber.pipe(z.number().min(-500).max(20_000)).describe('altitude, metres'),
  reference: z
    .enum(['W84', 'AMSL', 'AGL'], { error: 'reference must be one of W84, AMSL, AGL' })
    .default('W84')
    .describe("the altitude's reference"),
  time: Timestamp.optional().describe('default: now'),
});

const Band = z.object({ floorW84: z.number(), ceilingW84: z.number() });

export const AirspaceCheck = z
  .object({
    lat: z.number(),
    lon: z.number(),
    time: Timestamp,
    altitude: Altitude,
    altW84: z.number(),
    cell: z.string().describe('the H3 cell of the point'),
    free: z.boolean().describe('no prohibited or restricted zone and no flight holds this point then'),
    zones: z.array(
      Band.extend({
        id: Id,
        name: z.string(),
        kind: ZoneKind,
        lower: Altitude,
        upper: Altitude,
        authority: z.string().nullable(),
        source: z.string().nullable(),
        activeUntil: Timestamp.nullable().describe('end of the window in force; null: no end'),
        why: z.string(),
      }),
    ),
    flights: z.array(
      Band.extend({
        planId: Id,
        state: z.string().nullable(),
        priority: z.number().int(),
        start: Timestamp,
        end: Timestamp,
        why: z.string(),
      }),
    ),
  })
  .register(wire, {
    id: 'AirspaceCheck',
    description: 'What holds one point of airspace at one moment: the zones in force and the reserved flights.',
  });

export type ZoneKind = z.infer<typeof ZoneKind>;
export type ZoneFeature = z.infer<typeof ZoneFeature>;
export type ZoneGeometry = z.infer<typeof ZoneGeometry>;
export type ZoneProperties = z.infer<typeof ZoneProperties>;
export type ZoneSchedule = z.infer<typeof ZoneSchedule>;
export type ZoneCreated = z.infer<typeof ZoneCreated>;
export type Geofence = z.infer<typeof Geofence>;
export type Geofences = z.infer<typeof Geofences>;
export type AirspaceCheck = z.infer<typeof AirspaceCheck>;
