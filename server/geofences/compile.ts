import { cellToLatLng, compactCells, POLYGON_TO_CELLS_FLAGS, polygonToCellsExperimental } from 'h3-js';
import { bandsBetween, toW84, type Datum } from '../airspace/altitude.ts';
import type { CompiledZone } from '../airspace/index.ts';
import type { ActiveWindow, AirspaceParams, Altitude, ZoneKind } from '../airspace/types.ts';

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
    const cells = polygonToCellsExperimental(
      polygon,
      params.h3Resolution,
      POLYGON_TO_CELLS_FLAGS.containmentOverlapping,
      true,
    );
    for (const cell of cells) {
      if (seen.has(cell)) continue;
      seen.add(cell);
      const [lat, lon] = cellToLatLng(cell);
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
    for (const cell of compactCells(list)) cells.push({ cell, bandLo, bandHi });
  }
  return { id: zone.id, name: zone.name, kind: zone.kind, windows: zone.windows, cells };
}
