import { z } from 'zod';
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
  })
  .register(wire, {
    id: 'SkyRoadCells',
    description: 'Sky-road keys as H3 cell polygons with their altitude range and time.',
  });

export const AirspaceQuery = z.object({
  bbox: BboxQuery,
  from: Timestamp.optional(),
  to: Timestamp.optional(),
});

export type SkyRoadCells = z.infer<typeof SkyRoadCells>;
