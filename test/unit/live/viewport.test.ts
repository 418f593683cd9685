import { cellToChildren, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { Viewport } from '../../../server/live/viewport.ts';

const RES = 6;
const KAGA = latLngToCell(36.30278, 136.31503, RES);

describe('a viewer’s viewport of coarse H3 cells', () => {
  it('covers the cells it names and the children of coarser ones, nothing else', () => {
    const parent = cellToParent(KAGA, 4);
    const v = Viewport.parse([parent], RES) as Viewport;
    for (const child of cellToChildren(parent, RES)) expect(v.covers(child)).toBe(true);
    const outside = gridDisk(KAGA, 12).find((c) => cellToParent(c, 4) !== parent)!;
    expect(v.covers(outside)).toBe(false);
  });

  it('is the same viewport whatever the order or repetition of its cells', () => {
    const cells = gridDisk(KAGA, 1);
    const a = Viewport.parse(cells, RES) as Viewport;
    const b = Viewport.parse([...cells].reverse().concat(cells[0]!), RES) as Viewport;
    expect(a.key).toBe(b.key);
    expect(b.size).toBe(7);
  });

  it('refuses what is not an H3 cell and cells finer than the stream’s resolution', () => {
    expect(Viewport.parse(['not-a-cell'], RES)).toMatch(/not an H3 cell/);
    expect(Viewport.parse([latLngToCell(36.3, 136.3, 9)], RES)).toMatch(/finer than resolution 6/);
    expect(Viewport.parse([], RES)).toBeInstanceOf(Viewport);
  });
});
