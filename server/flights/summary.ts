import { bandRangeM } from '../airspace/altitude.ts';
import type { AirspaceParams, SkyKey } from '../airspace/types.ts';
import type { SkyRoadSummary } from '../protocol/index.ts';

export function summarizeSkyRoad(keys: readonly SkyKey[], params: AirspaceParams): SkyRoadSummary {
  let lo = Infinity;
  let hi = -Infinity;
  const cells = new Set<string>();
  for (const k of keys) {
    cells.add(k.cell);
    lo = Math.min(lo, k.bandLo);
    hi = Math.max(hi, k.bandHi);
  }
  const { floorM, ceilingM } = bandRangeM(lo, hi, params.bandHeightM);
  return {
    h3Resolution: params.h3Resolution,
    bandHeightM: params.bandHeightM,
    cellCount: cells.size,
    keyCount: keys.length,
    floorM,
    ceilingM,
    lateralBufferM: params.lateralBufferM,
    verticalBufferM: params.verticalBufferM,
  };
}
