import { z } from 'zod';
import { BboxQuery, QueryNumber, Timestamp } from './common.ts';
import { FlightPlanRequest } from './flight-plans.ts';
import { wire } from './registry.ts';

/**
 * Japan's 空間ID (spatial IDs) at the edge: reserved airspace exported as `z/f/x/y` (or the
 * time-extended `z/f/x/y_i/t`) with the windows they are held, and a reservation given as spatial
 * IDs filed as an ordinary plan. The conversion is the airspace core's (server/airspace/spatial-*.ts).
 */

/** The most IDs one answer carries; a finer zoom or a longer window must be asked for in parts. */
export const MAX_SPATIAL_IDS = 100_000;
/** The most IDs one reservation may give. */
export const MAX_SPATIAL_IDS_FILED = 10_000;
export const MAX_SPATIAL_ID_GROUPS = 100;

export const SpatialIdReference = z.enum(['AMSL', 'W84'], { error: 'must be AMSL or W84' }).register(wire, {
  id: 'SpatialIdReference',
  description:
    'What f counts from: AMSL, metres above mean sea level (EGM96 geoid; the reading of the national 空間ID implementations, and the default), or W84, metres above the WGS84 ellipsoid.',
});

const zoom = QueryNumber.pipe(
  z.number().int('must be an integer').min(0, 'must be 0–30').max(30, 'must be 0–30'),
).describe(
  `zoom level z of the IDs: x, y are the Web Mercator tiles of this zoom, f counts voxels of 2^(25−z) m (21: 16 m); a 400 names the limit when an answer would pass ${MAX_SPATIAL_IDS.toLocaleString('en')} IDs`,
);
const interval = QueryNumber.pipe(
  z.number().int('must be whole seconds').min(1, 'must be 1–86400 seconds').max(86_400, 'must be 1–86400 seconds'),
).describe(
  'seconds: give time-extended IDs z/f/x/y_i/t, one per slot of i seconds the voxel is held (t = ⌊Unix seconds / i⌋)',
);

const common = {
  zoom,
  reference: SpatialIdReference.default('AMSL').describe(
    'what f counts from: AMSL (EGM96 geoid) or W84 (the ellipsoid)',
  ),
  interval: interval.optional(),
};

export const PlanSpatialIdQuery = z.object({
  ...common,
  timing: z
    .enum(['cell', 'plan'], { error: 'must be cell or plan' })
    .default('cell')
    .describe('cell: each voxel when the sky road holds it; plan: every voxel over the whole reservation'),
});

export const ZoneSpatialIdQuery = z.object({
  ...common,
  from: Timestamp.optional().describe('default: now'),
  to: Timestamp.optional().describe('default: 24 h after from; at most 31 days after from'),
});

export const AirspaceSpatialIdQuery = z.object({
  ...common,
  bbox: BboxQuery.describe('minLon,minLat,maxLon,maxLat, degrees: the tiles that overlap it'),
  from: Timestamp.optional().describe('default: now'),
  to: Timestamp.optional().describe('default: 2 h after from'),
});

export const SpatialIdGroup = z
  .object({
    start: Timestamp,
    end: Timestamp,
    ids: z.array(z.string()),
  })
  .register(wire, { id: 'SpatialIdGroup', description: 'Spatial IDs held over one window [start, end).' });

export const SpatialIdSet = z
  .object({
    zoom: z.number().int(),
    voxelHeightM: z.number().describe('2^(25−zoom)'),
    reference: SpatialIdReference,
    interval: z
      .number()
      .int()
      .nullable()
      .describe('seconds of the time extension _i/t the IDs carry; null: plain z/f/x/y held over each window'),
    count: z.number().int().describe('IDs in all groups'),
    groups: z.array(SpatialIdGroup),
  })
  .register(wire, {
    id: 'SpatialIdSet',
    description:
      'Airspace as 空間ID voxels: every voxel that shares volume with it, grouped by the window [start, end) it is held (with `interval`, by slot [t·i, (t+1)·i) s, the IDs carrying _i/t).',
  });

const SpatialIdText = z
  .string()
  .max(60)
  .regex(
    /^\d{1,2}\/-?\d{1,11}\/\d{1,10}\/\d{1,10}(_\d{1,6}\/-?\d{1,12})?$/,
    'must be z/f/x/y or z/f/x/y_i/t (integers)',
  );

export const FiledSpatialIds = z
  .object({
    start: Timestamp.optional().describe('with IDs z/f/x/y: when the reservation begins'),
    end: Timestamp.optional().describe('with IDs z/f/x/y: when it ends'),
    ids: z
      .array(SpatialIdText)
      .min(1, 'give at least one spatial ID')
      .max(MAX_SPATIAL_IDS_FILED, `at most ${MAX_SPATIAL_IDS_FILED} spatial IDs`),
  })
  .superRefine((g, ctx) => {
    const timed = g.ids.filter((id) => id.includes('_')).length;
    if (timed > 0 && timed < g.ids.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['ids'],
        message: 'either every ID carries its time (_i/t) or none does; put them in separate groups',
      });
    } else if (timed > 0 && (g.start !== undefined || g.end !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['start'],
        message: 'IDs with _i/t carry their own time: give no start or end',
      });
    } else if (timed === 0) {
      if (g.start === undefined)
        ctx.addIssue({ code: 'custom', path: ['start'], message: 'is needed for IDs without _i/t' });
      if (g.end === undefined)
        ctx.addIssue({ code: 'custom', path: ['end'], message: 'is needed for IDs without _i/t' });
      else if (g.start !== undefined && Date.parse(g.end) <= Date.parse(g.start)) {
        ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
      }
    }
  })
  .register(wire, {
    id: 'FiledSpatialIds',
    description: 'Spatial IDs z/f/x/y held from start to end, or time-extended IDs z/f/x/y_i/t without them.',
  });

const { droneId, priority, authorizations, purpose, contact, pilot, filing } = FlightPlanRequest.shape;

export const SpatialIdPlanRequest = z
  .object({
    droneId,
    priority,
    authorizations,
    purpose,
    contact,
    pilot,
    filing,
    reference: SpatialIdReference.default('AMSL'),
    spatialIds: z
      .array(FiledSpatialIds)
      .min(1, 'give at least one group of spatial IDs')
      .max(MAX_SPATIAL_ID_GROUPS, `at most ${MAX_SPATIAL_ID_GROUPS} groups`),
  })
  .superRefine((r, ctx) => {
    const n = r.spatialIds.reduce((sum, g) => sum + g.ids.length, 0);
    if (n > MAX_SPATIAL_IDS_FILED) {
      ctx.addIssue({ code: 'custom', path: ['spatialIds'], message: `at most ${MAX_SPATIAL_IDS_FILED} IDs in all` });
    }
  })
  .register(wire, {
    id: 'SpatialIdPlanRequest',
    description:
      'A reservation given as 空間ID: filed as a plan of volumes (the voxels joined into outlines) and decided like any other.',
  });

export type SpatialIdReference = z.infer<typeof SpatialIdReference>;
export type SpatialIdSet = z.infer<typeof SpatialIdSet>;
export type SpatialIdPlanRequest = z.infer<typeof SpatialIdPlanRequest>;
export type PlanSpatialIdQuery = z.infer<typeof PlanSpatialIdQuery>;
