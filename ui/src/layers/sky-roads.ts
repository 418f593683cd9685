import type { Layer } from '@deck.gl/core';
import { SolidPolygonLayer } from '@deck.gl/layers';
import { cellToBoundary } from 'h3-js';
import type { SkyRoadCells } from '../../../server/protocol/index.ts';
import { PLAN_STATE_COLOR, type Rgba } from '../map/colors.ts';

/** One reserved cell as drawn: its outline at the floor, extruded to the ceiling. */
export interface CellBox {
  polygon: Array<[number, number, number]>;
  heightM: number;
  planId: string | null;
  state: string;
  start: number;
  end: number;
}

function box(cell: string, floorM: number, ceilingM: number, groundW84M: number): Pick<CellBox, 'polygon' | 'heightM'> {
  const z = floorM - groundW84M;
  return {
    polygon: cellToBoundary(cell, true).map(([lon, lat]) => [lon!, lat!, z] as [number, number, number]),
    heightM: ceilingM - floorM,
  };
}

/** The API's cell features (floor and ceiling in metres W84) in display heights. */
export function cellBoxes(cells: SkyRoadCells, groundW84M: number): CellBox[] {
  return cells.features.map(({ properties: p }) => ({
    ...box(p.cell, p.floorM, p.ceilingM, groundW84M),
    planId: p.planId,
    state: p.state,
    start: Date.parse(p.start),
    end: Date.parse(p.end),
  }));
}

/** Conflict cells of a rejection (they carry their cell and altitudes but no polygon). */
export function conflictBoxes(
  cells: ReadonlyArray<{ cell: string; floorM: number; ceilingM: number; start: string; end: string }>,
  groundW84M: number,
): CellBox[] {
  return cells.map((c) => ({
    ...box(c.cell, c.floorM, c.ceilingM, groundW84M),
    planId: null,
    state: 'conflict',
    start: Date.parse(c.start),
    end: Date.parse(c.end),
  }));
}

/**
 * Cells as extruded H3 polygons: each has a floor, which H3HexagonLayer cannot draw; the base
 * sits at the polygon's z and the extrusion adds the cell's height.
 */
export function skyRoadLayer(
  id: string,
  cells: readonly CellBox[],
  options: { highlight?: string | null; color?: Rgba; pickable?: boolean; revision?: number } = {},
): Layer {
  const { highlight = null, color, pickable = false, revision = 0 } = options;
  return new SolidPolygonLayer<CellBox>({
    id,
    data: cells,
    getPolygon: (c) => c.polygon,
    getElevation: (c) => c.heightM,
    extruded: true,
    // Edges only where one road is looked at: over a whole city they turn into noise.
    wireframe: highlight !== null,
    getFillColor: (c) => {
      const base = color ?? PLAN_STATE_COLOR[c.state] ?? [120, 120, 120, 80];
      if (!highlight || c.planId !== highlight) return base;
      const lighter = (v: number) => Math.min(255, v + 70);
      return [lighter(base[0]), lighter(base[1]), lighter(base[2]), 190];
    },
    getLineColor: [255, 255, 255, 110],
    pickable,
    material: { ambient: 0.6, diffuse: 0.5, shininess: 8 },
    updateTriggers: { getFillColor: [highlight, revision] },
  });
}
