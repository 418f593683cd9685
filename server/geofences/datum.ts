import type { Datum } from '../airspace/altitude.ts';
import { egm96Undulation } from './geoid.ts';
import { flatTerrain, type FlatArea } from './terrain.ts';

/** The Earth model the server hands the core: EGM96 geoid and the configured terrain. */
export function makeDatum(groundElevationM: number, areas: readonly FlatArea[] = []): Datum {
  return { geoidUndulation: egm96Undulation, terrainElevation: flatTerrain(groundElevationM, areas) };
}
