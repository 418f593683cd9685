import { convex, featureCollection, point } from '@turf/turf';
import { cellsToMultiPolygon, cellToBoundary } from 'h3-js';
import type { LatLon, SkyKey } from './types.ts';

/**
 * A vertically extruded outline over a time window, in the core's terms: what an F3548 Volume4D
 * says once its altitudes are band edges (metres W84 = band × band height).
 */
export interface KeyVolume {
  /** The outline's vertices in order, the first not repeated at the end. */
  outline: LatLon[];
  bandLo: number;
  bandHi: number;
  /** Epoch ms, [t0, t1). */
  t0: number;
  t1: number;
}

export interface VolumeBounds {
  /** At most this many volumes. */
  maxVolumes: number;
  /** At most this many vertices over all outlines. */
  maxVertices: number;
}

/**
 * The fewest volumes that still cover a sky road, within bounds: every key's cell, bands and time
 * lie inside some volume (its interval may be split between consecutive windows).
 *
 * Keys are cut into time windows as long as a typical key (a cell of a route is held for its
 * passage plus the tolerances), so a cell is over-held by at most about two windows; in each
 * window the keys of one band range become the outlines of their merged cells. When that makes
 * more than the bounds allow, the windows double; at one window for the whole road, the band
 * ranges merge; at last the outline becomes the convex hull of every cell — coarser, never smaller.
 */
export function volumesOfKeys(keys: readonly SkyKey[], bounds: VolumeBounds): KeyVolume[] {
  if (keys.length === 0) return [];
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const k of keys) {
    t0 = Math.min(t0, k.t0);
    t1 = Math.max(t1, k.t1);
  }
  const span = t1 - t0;
  for (let window = Math.min(medianDuration(keys), span); ; window = Math.min(window * 2, span)) {
    const volumes = inWindows(keys, t0, window, false);
    if (fits(volumes, bounds)) return volumes;
    if (window >= span) break;
  }
  const merged = inWindows(keys, t0, span, true);
  if (fits(merged, bounds)) return merged;
  return [hullOf(keys, t0, t1)];
}

function fits(volumes: readonly KeyVolume[], bounds: VolumeBounds): boolean {
  return volumes.length <= bounds.maxVolumes && volumes.reduce((n, v) => n + v.outline.length, 0) <= bounds.maxVertices;
}

function medianDuration(keys: readonly SkyKey[]): number {
  const durations = keys.map((k) => k.t1 - k.t0).sort((a, b) => a - b);
  return Math.max(1, durations[Math.floor(durations.length / 2)]!);
}

/** Volumes of windows of `length` from `start`; with `oneBandRange`, each window's bands as one range. */
function inWindows(keys: readonly SkyKey[], start: number, length: number, oneBandRange: boolean): KeyVolume[] {
  const windows = new Map<number, SkyKey[]>();
  for (const k of keys) {
    const first = Math.floor((k.t0 - start) / length);
    const last = Math.max(first, Math.ceil((k.t1 - start) / length) - 1);
    for (let w = first; w <= last; w++) {
      const list = windows.get(w);
      if (list) list.push(k);
      else windows.set(w, [k]);
    }
  }
  const out: KeyVolume[] = [];
  for (const [w, inWindow] of [...windows].sort(([a], [b]) => a - b)) {
    const from = start + w * length;
    const to = from + length;
    const groups = new Map<string, SkyKey[]>();
    for (const k of inWindow) {
      const id = oneBandRange ? '' : `${k.bandLo}/${k.bandHi}`;
      const list = groups.get(id);
      if (list) list.push(k);
      else groups.set(id, [k]);
    }
    for (const group of groups.values()) out.push(...volumesOfGroup(group, from, to));
  }
  return out;
}

/** One volume per connected outline of the group's cells, over the group's bands and time within the window. */
function volumesOfGroup(group: readonly SkyKey[], from: number, to: number): KeyVolume[] {
  let bandLo = Infinity;
  let bandHi = -Infinity;
  let t0 = Infinity;
  let t1 = -Infinity;
  const cells = new Set<string>();
  for (const k of group) {
    cells.add(k.cell);
    bandLo = Math.min(bandLo, k.bandLo);
    bandHi = Math.max(bandHi, k.bandHi);
    t0 = Math.min(t0, k.t0);
    t1 = Math.max(t1, k.t1);
  }
  const window = { t0: Math.max(from, t0), t1: Math.min(to, t1) };
  // The outer ring of each polygon: a hole inside a road is held too, which covers more, never less.
  return cellsToMultiPolygon([...cells], true).map((polygon) => ({
    outline: polygon[0]!.slice(0, -1).map(([lon, lat]) => ({ lat: lat!, lon: lon! })),
    bandLo,
    bandHi,
    ...window,
  }));
}

/** One volume for everything: the convex hull of every cell's corners, all bands, the whole span. */
function hullOf(keys: readonly SkyKey[], t0: number, t1: number): KeyVolume {
  const corners = new Map<string, number[]>();
  let bandLo = Infinity;
  let bandHi = -Infinity;
  for (const k of keys) {
    bandLo = Math.min(bandLo, k.bandLo);
    bandHi = Math.max(bandHi, k.bandHi);
    for (const c of cellToBoundary(k.cell, true)) corners.set(`${c[0]},${c[1]}`, c);
  }
  const hull = convex(featureCollection([...corners.values()].map((c) => point(c))));
  const ring = hull!.geometry.coordinates[0]!;
  return { outline: ring.slice(0, -1).map(([lon, lat]) => ({ lat: lat!, lon: lon! })), bandLo, bandHi, t0, t1 };
}
