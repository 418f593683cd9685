import { POLYGON_TO_CELLS_FLAGS, getHexagonAreaAvg, getRes0Cells, polygonToCellsExperimental } from 'h3-js';

const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON_EQUATOR = 111.32;

/**
 * The H3 cells that cover a lon/lat box, for the live subscription: at `resolution` when that
 * takes no more than `maxCells`, else at the finest coarser resolution that does.
 */
export function viewportCells(
  [west, south, east, north]: readonly [number, number, number, number],
  resolution: number,
  maxCells: number,
): string[] {
  const s = Math.max(south, -85);
  const n = Math.min(north, 85);
  if (east - west >= 90 || n - s >= 60) return getRes0Cells().sort();
  const midLat = ((s + n) / 2) * (Math.PI / 180);
  const areaKm2 = (east - west) * KM_PER_DEG_LON_EQUATOR * Math.cos(midLat) * (n - s) * KM_PER_DEG_LAT;
  const ring = [
    [s, west],
    [s, east],
    [n, east],
    [n, west],
    [s, west],
  ];
  for (let r = resolution; r >= 0; r--) {
    // Cells cut by the edges come on top of those inside: leave room for them.
    if (areaKm2 / getHexagonAreaAvg(r, 'km2') > maxCells / 2) continue;
    const cells = polygonToCellsExperimental(ring, r, POLYGON_TO_CELLS_FLAGS.containmentOverlapping);
    if (cells.length <= maxCells) return cells.sort();
  }
  return getRes0Cells().sort();
}
