import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlocked } from '../../../server/airspace/blocking.ts';
import { ReservationIndex } from '../../../server/airspace/index.ts';
import { judge } from '../../../server/airspace/priority.ts';
import type { SkyKey } from '../../../server/airspace/types.ts';

/** Three neighbouring resolution-11 cells, and the resolution-9 parent of two of them: zones sit on either. */
const CELLS = ['8b2e44952264fff', '8b2e44952359fff', '8b2e44952266fff'];
const PARENT = '892e4495227ffff';

const band = fc.integer({ min: 0, max: 8 });
const time = fc.integer({ min: 0, max: 100 });
const span = <T extends object>(extra: fc.Arbitrary<T>) =>
  fc
    .tuple(band, band, time, fc.integer({ min: 1, max: 40 }), extra)
    .map(([a, b, t0, d, rest]) => ({ bandLo: Math.min(a, b), bandHi: Math.max(a, b), t0, t1: t0 + d, ...rest }));

const key: fc.Arbitrary<SkyKey> = span(fc.record({ cell: fc.constantFrom(...CELLS) }));
const plan = fc.record({
  priority: fc.integer({ min: 0, max: 3 }),
  keys: fc.array(key, { minLength: 1, maxLength: 4 }),
});
const zone = fc.record({
  kind: fc.constantFrom('prohibited', 'restricted', 'advisory' as const),
  cell: fc.constantFrom(...CELLS, PARENT),
  bandLo: band,
  height: fc.integer({ min: 0, max: 4 }),
  window: fc.option(fc.tuple(time, fc.integer({ min: 1, max: 60 }))),
});

describe('isBlocked', () => {
  it('answers exactly what judging every conflict answers, for any holds, claimant and keys', () => {
    fc.assert(
      fc.property(
        fc.array(plan, { maxLength: 5 }),
        fc.array(zone, { maxLength: 4 }),
        fc.array(key, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.subarray(['z0', 'z1', 'z2', 'z3']),
        fc.option(fc.constantFrom('p0', 'p1')),
        (plans, zones, keys, priority, authorized, except) => {
          const index = new ReservationIndex();
          plans.forEach((p, i) => index.putPlan({ id: `p${i}`, version: 1, ...p }));
          zones.forEach((z, i) =>
            index.putZone({
              id: `z${i}`,
              name: `zone ${i}`,
              kind: z.kind,
              windows: [z.window ? { from: z.window[0], to: z.window[0] + z.window[1] } : { from: null, to: null }],
              cells: [{ cell: z.cell, bandLo: z.bandLo, bandHi: z.bandLo + z.height }],
            }),
          );
          const claimant = { priority, authorizations: new Set(authorized) };
          const exceptPlanId = except ?? undefined;
          const judged = judge(index.conflicts(keys, exceptPlanId), claimant).blocking.length > 0;
          expect(isBlocked(index, keys, claimant, exceptPlanId)).toBe(judged);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
