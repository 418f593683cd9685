import { cellToBoundary } from 'h3-js';
import { bandRangeM } from '../airspace/altitude.ts';
import type { SkyKey } from '../airspace/types.ts';
import type { PlanState, SkyRoadCells } from '../protocol/index.ts';

type CellFeature = SkyRoadCells['features'][number];

/** A sky-road key as a GeoJSON polygon with its altitude range and time. */
export function keyFeature(
  key: SkyKey,
  plan: { planId: string | null; state: PlanState },
  bandHeightM: number,
): CellFeature {
  return {
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [cellToBoundary(key.cell, true)] },
    properties: {
      cell: key.cell,
      bandLo: key.bandLo,
      bandHi: key.bandHi,
      ...bandRangeM(key.bandLo, key.bandHi, bandHeightM),
      start: new Date(key.t0).toISOString(),
      end: new Date(key.t1).toISOString(),
      planId: plan.planId,
      state: plan.state,
    },
  };
}
