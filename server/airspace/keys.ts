import type { SkyKey } from './types.ts';

/** Whether two keys' band ranges and time intervals overlap (cells compared by the caller). */
export function overlaps(a: { bandLo: number; bandHi: number; t0: number; t1: number }, b: typeof a): boolean {
  return a.bandLo <= b.bandHi && b.bandLo <= a.bandHi && a.t0 < b.t1 && b.t0 < a.t1;
}

/**
 * Joins the keys of one cell whose times overlap and whose bands overlap or touch into their
 * bounding key. The result covers everything the inputs covered (the safety argument survives),
 * and a straight leg or a climb leaves one key per cell instead of one per leg.
 */
export function mergeKeys(keys: SkyKey[]): SkyKey[] {
  const byCell = new Map<string, SkyKey[]>();
  for (const k of keys) {
    const list = byCell.get(k.cell);
    if (list) list.push({ ...k });
    else byCell.set(k.cell, [{ ...k }]);
  }
  const out: SkyKey[] = [];
  for (const list of byCell.values()) {
    list.sort((a, b) => a.t0 - b.t0);
    let merged = list;
    for (let changed = true; changed;) {
      changed = false;
      const next: SkyKey[] = [];
      for (const k of merged) {
        const into = next.find(
          (m) => m.t0 <= k.t1 && k.t0 <= m.t1 && m.bandLo <= k.bandHi + 1 && k.bandLo <= m.bandHi + 1,
        );
        if (into) {
          into.bandLo = Math.min(into.bandLo, k.bandLo);
          into.bandHi = Math.max(into.bandHi, k.bandHi);
          into.t0 = Math.min(into.t0, k.t0);
          into.t1 = Math.max(into.t1, k.t1);
          changed = true;
        } else next.push(k);
      }
      merged = next;
    }
    out.push(...merged);
  }
  return out.sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : a.t0 - b.t0));
}

/** Earliest start and latest end over a set of keys. */
export function timeSpan(keys: readonly SkyKey[]): { t0: number; t1: number } {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const k of keys) {
    if (k.t0 < t0) t0 = k.t0;
    if (k.t1 > t1) t1 = k.t1;
  }
  return { t0, t1 };
}

/** Moves every key in time. */
export function shiftKeys(keys: readonly SkyKey[], deltaMs: number): SkyKey[] {
  return keys.map((k) => ({ ...k, t0: k.t0 + deltaMs, t1: k.t1 + deltaMs }));
}
