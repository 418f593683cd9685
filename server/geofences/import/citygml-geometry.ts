/** CityGML's rings as GeoJSON wants them: PLATEAU's lat, lon, T.P. height triples read to the centimetre. */

export type Ring = { coords: number[][]; zMin: number; zMax: number; closed: boolean };
export type Polygon = { exterior: Ring | null; interiors: Ring[] };

/** posList triples are lat lon h: GeoJSON wants [lon, lat]. */
export function toRing(values: number[], dimension: number): Ring {
  const coords: number[][] = [];
  let zMin = Infinity;
  let zMax = -Infinity;
  for (let i = 0; i + 1 < values.length; i += dimension) {
    coords.push([round7(values[i + 1]!), round7(values[i]!)]);
    if (dimension >= 3) {
      const z = values[i + 2]!;
      if (z < zMin) zMin = z;
      if (z > zMax) zMax = z;
    }
  }
  const a = coords[0];
  const b = coords[coords.length - 1];
  const closed = !!a && !!b && coords.length >= 4 && a[0] === b[0] && a[1] === b[1];
  return { coords, zMin, zMax, closed };
}

/** 1e-7 degrees is about a centimetre. */
export function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Lowest and highest z of the polygons' outlines. */
export function zRange(polygons: readonly Polygon[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const g of polygons) {
    if (g.exterior!.zMin < min) min = g.exterior!.zMin;
    if (g.exterior!.zMax > max) max = g.exterior!.zMax;
  }
  return { min, max };
}

/** The mean of an outline's positions: where the geoid height of a building is read. */
export function centre(polygons: number[][][][]): [number, number] {
  let lon = 0;
  let lat = 0;
  let n = 0;
  for (const p of polygons) {
    for (const [x, y] of p[0]!) {
      lon += x!;
      lat += y!;
      n++;
    }
  }
  return [lon / n, lat / n];
}
