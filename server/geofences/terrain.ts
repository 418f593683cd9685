/**
 * Ground elevation (orthometric, metres above mean sea level) when no DEM is configured: a flat
 * ground per area, the first area whose box holds the point, else the default. Documented, coarse,
 * and honest about it: a city that needs AGL to follow its hills configures a DEM.
 */
export interface FlatArea {
  name: string;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
  elevationM: number;
}

export function flatTerrain(defaultElevationM: number, areas: readonly FlatArea[] = []) {
  return (lat: number, lon: number): number => {
    for (const a of areas) {
      const [minLon, minLat, maxLon, maxLat] = a.bbox;
      if (lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat) return a.elevationM;
    }
    return defaultElevationM;
  };
}
