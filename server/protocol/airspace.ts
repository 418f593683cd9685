import { z } from 'zod';
import { hours, LIMITS } from '../limits.ts';
import { BboxQuery, Timestamp } from './common.ts';
import { PlanState } from './flight-plans.ts';
import { wire } from './registry.ts';

export const SkyRoadCellProperties = z.object({
  cell: z.string(),
  bandLo: z.number().int(),
  bandHi: z.number().int(),
  floorM: z.number().describe('metres W84'),
  ceilingM: z.number().describe('metres W84'),
  start: Timestamp,
  end: Timestamp,
  planId: z
    .string()
    .nullable()
    .describe('null for plans the caller may not see (issue: operators see others anonymously)'),
  state: PlanState,
});

export const SkyRoadCells = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        geometry: z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }),
        properties: SkyRoadCellProperties,
      }),
    ),
    truncated: z
      .literal(true)
      .optional()
      .describe(
        `present when more cells matched than one answer carries (${LIMITS.maxAirspaceFeatures}): ask for a smaller box or window`,
      ),
  })
  .register(wire, {
    id: 'SkyRoadCells',
    description: 'Sky-road keys as H3 cell polygons with their altitude range and time.',
  });

const { maxAirspaceBboxDeg: maxDeg, maxAirspaceWindowMs: maxWindowMs } = LIMITS;

export const AirspaceQuery = z.object({
  bbox: BboxQuery.refine(
    ([minLon, minLat, maxLon, maxLat]) => maxLon - minLon <= maxDeg && maxLat - minLat <= maxDeg,
    `the box spans at most ${maxDeg}° of longitude and of latitude`,
  ).describe(`minLon,minLat,maxLon,maxLat, at most ${maxDeg}° each way`),
  from: Timestamp.optional().describe('default: now'),
  to: Timestamp.optional().describe(`after from, at most ${hours(maxWindowMs)} later; default: 2 h after from`),
});

export type SkyRoadCells = z.infer<typeof SkyRoadCells>;
