import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StripeWindows } from '../../../server/store/keys-sql.ts';
import { bucketKey, MAX_BUCKETS_PER_STRIPE, skyLocks, type SkyLocks } from '../../../server/store/sky-locks.ts';

/** Neighbouring resolution-8 stripes, as int8 (how the store hands them over). */
const STRIPES = ['882e449523fffff', '882e449521fffff', '882e44952bfffff'].map((c) => BigInt(`0x${c}`).toString());
const BUCKET_MS = 300_000;
const T = Date.parse('2026-12-04T09:00:00Z');

/** Whether two lock sets can be held at once: no key both take unless both take it shared. */
function compatible(a: SkyLocks, b: SkyLocks): boolean {
  const bAll = new Set([...b.shared, ...b.exclusive]);
  const aAll = new Set([...a.shared, ...a.exclusive]);
  return !a.exclusive.some((k) => bAll.has(k)) && !b.exclusive.some((k) => aAll.has(k));
}

/** A sky road's stripe windows: short ones as routes cross a stripe, or long ones as volumes hold it. */
const road: fc.Arbitrary<StripeWindows> = fc
  .uniqueArray(
    fc.record({
      stripe: fc.constantFrom(...STRIPES),
      t0: fc.integer({ min: 0, max: 6 * 3_600_000 }),
      d: fc.oneof(fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 1, max: 30 * 3_600_000 })),
    }),
    { selector: (w) => w.stripe, minLength: 1, maxLength: 3 },
  )
  .map((ws) => {
    const sorted = [...ws].sort((a, b) => (BigInt(a.stripe) < BigInt(b.stripe) ? -1 : 1));
    return {
      stripes: sorted.map((w) => w.stripe),
      t0: sorted.map((w) => T + w.t0),
      t1: sorted.map((w) => T + w.t0 + w.d),
    };
  });

function overlap(a: StripeWindows, b: StripeWindows): boolean {
  return a.stripes.some((s, i) => {
    const j = b.stripes.indexOf(s);
    return j >= 0 && a.t0[i]! < b.t1[j]! && b.t0[j]! < a.t1[i]!;
  });
}

describe('the sky locks', () => {
  it('make any two roads that meet in a stripe at overlapping times wait for each other', () => {
    fc.assert(
      fc.property(road, road, (a, b) => {
        if (overlap(a, b)) expect(compatible(skyLocks([a], BUCKET_MS), skyLocks([b], BUCKET_MS))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('let roads through the same stripes in different buckets proceed side by side', () => {
    const at = (h: number, minutes: number): StripeWindows => ({
      stripes: STRIPES,
      t0: STRIPES.map(() => T + h * 3_600_000),
      t1: STRIPES.map(() => T + h * 3_600_000 + minutes * 60_000),
    });
    expect(compatible(skyLocks([at(0, 10)], BUCKET_MS), skyLocks([at(2, 10)], BUCKET_MS))).toBe(true);
    // Touching is not overlapping: a road ending where the next bucket begins shares none of it.
    expect(compatible(skyLocks([at(0, 5)], BUCKET_MS), skyLocks([at(5 / 60, 5)], BUCKET_MS))).toBe(true);
    expect(compatible(skyLocks([at(0, 10)], BUCKET_MS), skyLocks([at(0.1, 10)], BUCKET_MS))).toBe(false);
  });

  it('lock a stripe held for long whole, which holds off every road through it at any time', () => {
    const long: StripeWindows = { stripes: [STRIPES[0]!], t0: [T], t1: [T + (MAX_BUCKETS_PER_STRIPE + 1) * BUCKET_MS] };
    const locks = skyLocks([long], BUCKET_MS);
    expect(locks).toEqual({ shared: [], exclusive: [STRIPES[0]] });
    const later: StripeWindows = { stripes: [STRIPES[0]!], t0: [T + 86_400_000], t1: [T + 86_400_000 + 60_000] };
    expect(compatible(locks, skyLocks([later], BUCKET_MS))).toBe(false);
  });

  it('lock a moved plan’s old and new buckets, not the hours between', () => {
    const at = (h: number): StripeWindows => ({
      stripes: [STRIPES[0]!],
      t0: [T + h * 3_600_000],
      t1: [T + h * 3_600_000 + 60_000],
    });
    const moved = skyLocks([at(5), at(1)], BUCKET_MS);
    expect(compatible(moved, skyLocks([at(1)], BUCKET_MS))).toBe(false);
    expect(compatible(moved, skyLocks([at(5)], BUCKET_MS))).toBe(false);
    expect(compatible(moved, skyLocks([at(3)], BUCKET_MS))).toBe(true);
    expect(moved.exclusive).toHaveLength(2);
  });

  it('give every bucket of every stripe a key of its own, never a stripe’s', () => {
    const keys = STRIPES.flatMap((s) => Array.from({ length: 500 }, (_, b) => bucketKey(BigInt(s), 5_900_000 + b)));
    expect(new Set(keys).size).toBe(keys.length);
    const stripes = new Set(STRIPES.map(BigInt));
    expect(keys.some((k) => stripes.has(k))).toBe(false);
    expect(keys.every((k) => k > 0n)).toBe(true);
  });

  it('hand the keys over in ascending order', () => {
    fc.assert(
      fc.property(road, road, (a, b) => {
        const { shared, exclusive } = skyLocks([a, b], BUCKET_MS);
        for (const list of [shared, exclusive]) {
          const sorted = [...list].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
          expect(list).toEqual(sorted);
        }
      }),
    );
  });
});
