import type { Datum } from '../airspace/altitude.ts';
import type { Dem } from './dem.ts';
import { egm96Undulation } from '../protocol/geoid.ts';
import { flatTerrain, type FlatArea } from './terrain.ts';

/**
 * The Earth model the server hands the core: EGM96 geoid and the configured terrain — the DEM
 * where it covers, the documented flat ground elsewhere.
 */
export function makeDatum(groundElevationM: number, areas: readonly FlatArea[] = [], dem?: Dem | null): Datum {
  const flat = flatTerrain(groundElevationM, areas);
  const terrainElevation = dem ? (lat: number, lon: number) => dem.elevation(lat, lon) ?? flat(lat, lon) : flat;
  return { geoidUndulation: egm96Undulation, terrainElevation };
}
