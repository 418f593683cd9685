import { cellToParent, getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { viewportCells } from '../../../ui/src/map/viewport-cells.ts';

function coveredEverywhere(box: [number, number, number, number], cells: string[]): boolean {
  const set = new Set(cells);
  const res = getResolution(cells[0]!);
  for (let i = 0; i <= 20; i++)
    for (let j = 0; j <= 20; j++) {
      const lon = box[0] + ((box[2] - box[0]) * i) / 20;
      const lat = box[1] + ((box[3] - box[1]) * j) / 20;
      if (!set.has(cellToParent(latLngToCell(lat, lon, 15), res))) return false;
    }
  return true;
}

describe('the cells a map view subscribes with', () => {
  it('cover every point of the view, edges and corners included, at the stream’s resolution', () => {
    const kaga: [number, number, number, number] = [136.25, 36.22, 136.5, 36.4];
    const cells = viewportCells(kaga, 6, 2000);
    expect(cells.every((c) => getResolution(c) === 6)).toBe(true);
    expect(coveredEverywhere(kaga, cells)).toBe(true);
  });

  it('go coarser when a wide view would need too many, and stay within the limit', () => {
    const japan: [number, number, number, number] = [128, 30, 146, 46];
    const cells = viewportCells(japan, 6, 2000);
    expect(cells.length).toBeLessThanOrEqual(2000);
    expect(getResolution(cells[0]!)).toBeLessThan(6);
    expect(coveredEverywhere(japan, cells)).toBe(true);
  });

  it('name the whole world by its 122 base cells when the view is that wide', () => {
    expect(viewportCells([-180, -80, 180, 80], 6, 2000)).toHaveLength(122);
  });
});
