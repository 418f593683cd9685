import type { Altitude } from './types.ts';

/**
 * What the core needs to know about the Earth to move between altitude references. The
 * implementations (EGM96 geoid, DEM or flat terrain) live at the edge and come in as an argument.
 */
export interface Datum {
  /** Geoid height above the WGS84 ellipsoid, metres (W84 = AMSL + undulation). */
  geoidUndulation(lat: number, lon: number): number;
  /** Ground elevation above mean sea level (orthometric), metres. */
  terrainElevation(lat: number, lon: number): number;
}

export function toW84(altitude: Altitude, lat: number, lon: number, datum: Datum): number {
  switch (altitude.reference) {
    case 'W84':
      return altitude.value;
    case 'AMSL':
      return altitude.value + datum.geoidUndulation(lat, lon);
    case 'AGL':
      return altitude.value + datum.terrainElevation(lat, lon) + datum.geoidUndulation(lat, lon);
  }
}

export function groundW84(lat: number, lon: number, datum: Datum): number {
  return datum.terrainElevation(lat, lon) + datum.geoidUndulation(lat, lon);
}

/** Band index holding an altitude: band b covers [b·h, (b+1)·h) metres W84. */
export function bandOf(altW84: number, bandHeightM: number): number {
  return Math.floor(altW84 / bandHeightM);
}

/** Altitude range [floor, ceiling) of an inclusive band range, metres W84. */
export function bandRangeM(bandLo: number, bandHi: number, bandHeightM: number): { floorM: number; ceilingM: number } {
  return { floorM: bandLo * bandHeightM, ceilingM: (bandHi + 1) * bandHeightM };
}

/**
 * Bands touched by the closed altitude interval [lowW84, highW84]. A ceiling that falls exactly on
 * a band boundary does not take the band above it.
 */
export function bandsBetween(lowW84: number, highW84: number, bandHeightM: number): { bandLo: number; bandHi: number } {
  const bandLo = bandOf(lowW84, bandHeightM);
  const top = highW84 / bandHeightM;
  const bandHi = Math.max(bandLo, Number.isInteger(top) ? top - 1 : Math.floor(top));
  return { bandLo, bandHi };
}
