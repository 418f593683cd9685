import { cellAncestor } from '../airspace/h3.ts';
import type { SkyKey } from '../airspace/types.ts';

/**
 * Sky-road keys travel to and from PostgreSQL as five parallel arrays (one value per column,
 * whatever the number of keys); H3 indexes are stored as bigint, which they fit (their top bit
 * is always 0).
 */
export interface KeyArrays {
  cells: string[];
  bandLo: number[];
  bandHi: number[];
  t0: number[];
  t1: number[];
}

export function toKeyArrays(keys: readonly SkyKey[]): KeyArrays {
  const out: KeyArrays = { cells: [], bandLo: [], bandHi: [], t0: [], t1: [] };
  for (const k of keys) {
    out.cells.push(cellToInt8(k.cell));
    out.bandLo.push(k.bandLo);
    out.bandHi.push(k.bandHi);
    out.t0.push(k.t0);
    out.t1.push(k.t1);
  }
  return out;
}

/**
 * The arrays as PostgreSQL array literals: the drivers would quote and escape every element of a
 * sky road of tens of thousands of keys on the event loop; digits need neither.
 */
export function keyArrayParams(a: KeyArrays): unknown[] {
  return [a.cells, a.bandLo, a.bandHi, a.t0, a.t1].map((values) => `{${values.join(',')}}`);
}

/** The arrays as stored, cast so both drivers hand back strings and plain numbers. */
export const KEY_ARRAY_COLUMNS =
  'r.cells::text[] AS cells, r.band_lo::int4[] AS band_lo, r.band_hi::int4[] AS band_hi, r.t0::float8[] AS t0, r.t1::float8[] AS t1';

export interface KeyArrayRow {
  cells: string[];
  band_lo: number[];
  band_hi: number[];
  t0: number[];
  t1: number[];
  [column: string]: unknown;
}

export function rowToKeys(r: KeyArrayRow): SkyKey[] {
  return r.cells.map((cell, i) => ({
    cell: int8ToCell(cell),
    bandLo: r.band_lo[i]!,
    bandHi: r.band_hi[i]!,
    t0: r.t0[i]!,
    t1: r.t1[i]!,
  }));
}

export function cellToInt8(cell: string): string {
  return BigInt(`0x${cell}`).toString();
}

export function int8ToCell(value: string): string {
  return BigInt(value).toString(16);
}

/**
 * Where and when a sky road holds anything, per stripe (its cells' parent at the stripe
 * resolution), in ascending stripe order — the order locks are taken in.
 */
export interface StripeWindows {
  stripes: string[];
  t0: number[];
  t1: number[];
}

export function stripeWindows(keys: readonly SkyKey[], stripeResolution: number): StripeWindows {
  const windows = new Map<bigint, { t0: number; t1: number }>();
  let lastCell = '';
  let lastStripe = 0n;
  for (const k of keys) {
    if (k.cell !== lastCell) {
      lastCell = k.cell;
      lastStripe = BigInt(`0x${cellAncestor(k.cell, stripeResolution)}`);
    }
    const w = windows.get(lastStripe);
    if (w) {
      w.t0 = Math.min(w.t0, k.t0);
      w.t1 = Math.max(w.t1, k.t1);
    } else windows.set(lastStripe, { t0: k.t0, t1: k.t1 });
  }
  const sorted = [...windows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    stripes: sorted.map(([s]) => s.toString()),
    t0: sorted.map(([, w]) => w.t0),
    t1: sorted.map(([, w]) => w.t1),
  };
}
