import fc from 'fast-check';
import { cellToCenterChild, cellToParent, getPentagons, getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellAncestor, cellResolution } from '../../../server/airspace/h3.ts';

describe('H3 resolution and ancestors on the index bits', () => {
  it('agree with h3-js for cells anywhere, at every resolution, pentagons included', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        (lat, lon, a, b) => {
          const [res, parent] = a >= b ? [a, b] : [b, a];
          const cell = latLngToCell(lat, lon, res);
          expect(cellResolution(cell)).toBe(getResolution(cell));
          expect(cellAncestor(cell, parent)).toBe(cellToParent(cell, parent));
        },
      ),
      { numRuns: 5000 },
    );
    // Pentagons skip a digit direction; their descendants' ancestors must still come out right.
    for (const pentagon of getPentagons(0)) {
      const cell = cellToCenterChild(pentagon, 15);
      for (let r = 0; r <= 15; r++) expect(cellAncestor(cell, r)).toBe(cellToParent(cell, r));
    }
  });
});
