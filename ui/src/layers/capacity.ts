import type { Layer } from '@deck.gl/core';
import { SolidPolygonLayer } from '@deck.gl/layers';
import { cellToBoundary } from 'h3-js';
import type { Capacity } from '../../../server/protocol/index.ts';
import { heatColor } from '../map/colors.ts';

/** One coarse cell as the heat layer draws it. */
export interface CapacityCell {
  cell: string;
  polygon: Array<[number, number]>;
  reserved: number;
}

/** Each coarse cell's busiest slot of the window, or its slot at `at` when a moment is chosen. */
export function capacityCells(capacity: Capacity, at: number | null): CapacityCell[] {
  const peak = new Map<string, number>();
  for (const s of capacity.slots) {
    if (at !== null && !(Date.parse(s.start) <= at && at < Date.parse(s.end))) continue;
    peak.set(s.cell, Math.max(peak.get(s.cell) ?? 0, s.reserved));
  }
  return [...peak].map(([cell, reserved]) => ({
    cell,
    reserved,
    polygon: cellToBoundary(cell, true) as Array<[number, number]>,
  }));
}

/** How much of the sky is reserved, as flat heat on the ground under the sky roads. */
export function capacityLayer(cells: readonly CapacityCell[], revision: number): Layer {
  return new SolidPolygonLayer<CapacityCell>({
    id: 'capacity',
    data: cells,
    getPolygon: (c) => c.polygon,
    getFillColor: (c) => heatColor(c.reserved),
    extruded: false,
    pickable: false,
    updateTriggers: { getFillColor: revision },
  });
}
