import { cellToLatLng, compactCells, POLYGON_TO_CELLS_FLAGS, polygonToCellsExperimental } from 'h3-js';
import { bandsBetween, toW84, type Datum } from '../airspace/altitude.ts';
import type { CompiledZone } from '../airspace/index.ts';
import type { ActiveWindow, AirspaceParams, Altitude, ZoneKind } from '../airspace/types.ts';
import { coverSmallPolygon, type CoveredCell } from './cover.ts';

export interface ZoneSpec {
  id: string;
  name: string;
  kind: ZoneKind;
  /** GeoJSON polygons ([lon, lat] rings): one entry per polygon of a (Multi)Polygon. */
  polygons: number[][][][];
  lower: Altitude;
  upper: Altitude;
  windows: ActiveWindow[];
}

/**
 * A zone as the same keys as flights: every cell its outline touches (overlap, not centre
 * containment, so no corner of the zone escapes), over the bands from floor to ceiling converted
 * to W84 at the cell's centre. Cells that share a band range are compacted to coarser parents,
 * so a city-wide ceiling costs thousands of entries, not hundreds of thousands.
 */
export function compileZone(zone: ZoneSpec, datum: Datum, params: AirspaceParams): CompiledZone {
  const byBands = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const polygon of zone.polygons) {
    for (const { cell, lat, lon } of overlappedCells(polygon, params.h3Resolution)) {
      if (seen.has(cell)) continue;
      seen.add(cell);
      const { bandLo, bandHi } = bandsBetween(
        toW84(zone.lower, lat, lon, datum),
        toW84(zone.upper, lat, lon, datum),
        params.bandHeightM,
      );
      const key = `${bandLo}:${bandHi}`;
      const list = byBands.get(key);
      if (list) list.push(cell);
      else byBands.set(key, [cell]);
    }
  }
  const cells: CompiledZone['cells'][number][] = [];
  for (const [key, list] of byBands) {
    const [bandLo, bandHi] = key.split(':').map(Number) as [number, number];
    // Seven siblings are the least that compact into a parent.
    for (const cell of list.length < 7 ? list : compactCells(list)) cells.push({ cell, bandLo, bandHi });
  }
  return { id: zone.id, name: zone.name, kind: zone.kind, windows: zone.windows, cells };
}

/** Every cell the polygon overlaps, with its centre: the quick lattice for small ones, else H3's fill. */
function overlappedCells(polygon: number[][][], res: number): CoveredCell[] {
  const small = coverSmallPolygon(polygon, res);
  if (small) return small;
  return polygonToCellsExperimental(polygon, res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true).map((cell) => {
    const [lat, lon] = cellToLatLng(cell);
    return { cell, lat, lon };
  });
}
