import { cellToParent } from 'h3-js';
import type { SkyKey } from '../airspace/types.ts';

/**
 * Sky-road keys travel to PostgreSQL as five parallel arrays (one unnest, one round trip for any
 * number of keys); H3 indexes are stored as bigint, which they fit (their top bit is always 0).
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

export function keyArrayParams(a: KeyArrays): unknown[] {
  return [a.cells, a.bandLo, a.bandHi, a.t0, a.t1];
}

export function cellToInt8(cell: string): string {
  return BigInt(`0x${cell}`).toString();
}

export function int8ToCell(value: string): string {
  return BigInt(value).toString(16);
}

/** unnest of the five arrays starting at parameter $n, as u(c, lo, hi, a, z). */
export function unnestKeys(n: number): string {
  return `unnest($${n}::int8[], $${n + 1}::int2[], $${n + 2}::int2[], $${n + 3}::int8[], $${n + 4}::int8[]) AS u(c, lo, hi, a, z)`;
}

/** A stored key's columns as the core's numbers. */
export const KEY_COLUMNS = 'k.cell::text AS cell, k.band_lo, k.band_hi, k.t0::float8 AS t0, k.t1::float8 AS t1';

export interface KeyRow {
  cell: string;
  band_lo: number;
  band_hi: number;
  t0: number;
  t1: number;
  [column: string]: unknown;
}

export function rowToKey(r: KeyRow): SkyKey {
  return { cell: int8ToCell(r.cell), bandLo: r.band_lo, bandHi: r.band_hi, t0: r.t0, t1: r.t1 };
}

/**
 * The advisory-lock ids of a sky road: its cells' parents at the stripe resolution, as int8, in
 * ascending order (the order every writer takes them in).
 */
export function stripesOf(keys: readonly SkyKey[], stripeResolution: number): string[] {
  const stripes = new Set<bigint>();
  let last = '';
  for (const k of keys) {
    if (k.cell === last) continue;
    last = k.cell;
    stripes.add(BigInt(`0x${cellToParent(k.cell, stripeResolution)}`));
  }
  return [...stripes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}
