import { kinks, polygon as turfPolygon } from '@turf/turf';
import type { ZoneGeometry } from '../../protocol/index.ts';

/**
 * Why a zone's outline cannot bound airspace, or null when it can: each ring closed, of four
 * positions or more, within the globe, and not crossing itself (a crossed ring has no inside to
 * speak of; guessing one would open or close the wrong sky).
 */
export function outlineProblem(geometry: ZoneGeometry): string | null {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const [p, rings] of polygons.entries()) {
    const where = polygons.length > 1 ? `polygon ${p + 1}: ` : '';
    for (const [r, ring] of rings.entries()) {
      const what = `${where}${r === 0 ? 'outline' : `hole ${r}`}`;
      if (ring.length < 4) return `${what} has ${ring.length} positions; a closed ring needs at least four`;
      const first = ring[0]!;
      const last = ring[ring.length - 1]!;
      if (first[0] !== last[0] || first[1] !== last[1])
        return `${what} is not closed (last position differs from the first)`;
      for (const pos of ring) {
        const [lon, lat] = pos as [number, number];
        if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90))
          return `${what} has a position outside the globe (${lon}, ${lat})`;
      }
    }
    const crossings = kinks(turfPolygon(rings as number[][][])).features.length;
    if (crossings > 0) return `${where}the outline crosses itself (${crossings} crossing${crossings > 1 ? 's' : ''})`;
  }
  return null;
}
