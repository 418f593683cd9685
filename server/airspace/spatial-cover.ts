import { cellToBoundary } from 'h3-js';
import { toW84, type Datum } from './altitude.ts';
import {
  formatSpatialId,
  formatTimedSpatialId,
  heightOf,
  slotsOf,
  slotWindow,
  tileBounds,
  voxelHeightM,
  type SpatialIdReference,
  type TileBounds,
} from './spatial-id.ts';
import { tilesOverlapping } from './spatial-tiles.ts';
import type { Altitude, SkyKey } from './types.ts';

/**
 * Reserved airspace as 空間ID voxels: every voxel of zoom z that shares volume with a sky-road
 * key or a zone, with the times it is held. A cover, never less: a voxel counts when its tile
 * overlaps the cell or outline and its height range overlaps the altitude range converted into
 * the IDs' datum at the tile's corners and centre, whichever way makes the range larger.
 */

/** A cover may examine this many tiles of an outline's bounding box for each ID it may give. */
const TILES_PER_ID = 4;

export interface SpatialCoverOptions {
  z: number;
  reference: SpatialIdReference;
  datum: Datum;
  /** Most IDs an answer may hold (each voxel once per time it is held). */
  limit: number;
}

/** Raised as soon as a cover grows past its limit. */
export class SpatialIdLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} spatial IDs`);
  }
}

/** IDs sharing one time window [start, end), epoch ms. */
export interface SpatialIdGroup {
  start: number;
  end: number;
  ids: string[];
}

interface Held {
  f: number;
  x: number;
  y: number;
  times: Array<[number, number]>;
}

/** Voxels of one zoom and when each is held. */
export class VoxelTimes {
  private readonly voxels = new Map<string, Held>();

  constructor(
    readonly z: number,
    private readonly limit: number,
  ) {}

  get size(): number {
    return this.voxels.size;
  }

  add(f: number, x: number, y: number, start: number, end: number): void {
    if (end <= start) return;
    const key = `${f}/${x}/${y}`;
    const held = this.voxels.get(key);
    if (held) held.times.push([start, end]);
    else {
      this.voxels.set(key, { f, x, y, times: [[start, end]] });
      if (this.voxels.size > this.limit) throw new SpatialIdLimitExceeded(this.limit);
    }
  }

  /** `z/f/x/y` grouped by the windows they are held (a voxel's overlapping or touching times joined). */
  groups(): SpatialIdGroup[] {
    const byWindow = new Map<string, SpatialIdGroup & { voxels: Held[] }>();
    let count = 0;
    for (const held of this.sorted()) {
      for (const [start, end] of joined(held.times)) {
        if (++count > this.limit) throw new SpatialIdLimitExceeded(this.limit);
        const key = `${start}:${end}`;
        const group = byWindow.get(key);
        if (group) group.voxels.push(held);
        else byWindow.set(key, { start, end, ids: [], voxels: [held] });
      }
    }
    return [...byWindow.values()]
      .sort((a, b) => a.start - b.start || a.end - b.end)
      .map(({ start, end, voxels }) => ({ start, end, ids: voxels.map((v) => formatSpatialId({ z: this.z, ...v })) }));
  }

  /** `z/f/x/y_i/t` grouped by the slots of i seconds they are held in. */
  slots(i: number): SpatialIdGroup[] {
    const bySlot = new Map<number, string[]>();
    let count = 0;
    for (const held of this.sorted()) {
      const slots = new Set<number>();
      for (const [start, end] of joined(held.times)) {
        const { first, last } = slotsOf(start, end, i);
        for (let t = first; t <= last; t++) {
          if (slots.has(t)) continue;
          if (++count > this.limit) throw new SpatialIdLimitExceeded(this.limit);
          slots.add(t);
        }
      }
      for (const t of slots) {
        const id = formatTimedSpatialId({ z: this.z, ...held }, i, t);
        const list = bySlot.get(t);
        if (list) list.push(id);
        else bySlot.set(t, [id]);
      }
    }
    return [...bySlot.entries()].sort(([a], [b]) => a - b).map(([t, ids]) => ({ ...slotWindow(i, t), ids }));
  }

  private sorted(): Held[] {
    return [...this.voxels.values()].sort((a, b) => a.f - b.f || a.x - b.x || a.y - b.y);
  }
}

function joined(times: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...times].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Where a tile's height range is sampled: its corners and its centre. */
function samples(b: TileBounds): Array<[number, number]> {
  const lat = (b.north + b.south) / 2;
  const lon = (b.west + b.east) / 2;
  return [
    [b.north, b.west],
    [b.north, b.east],
    [b.south, b.west],
    [b.south, b.east],
    [lat, lon],
  ];
}

/** Floors f0..f1 of zoom z that the height range [low, high] reaches (a ceiling on a boundary stops there). */
function floors(low: number, high: number, z: number): [number, number] {
  const h = voxelHeightM(z);
  const f0 = Math.floor(low / h);
  return [f0, Math.max(f0, Math.ceil(high / h) - 1)];
}

/**
 * The voxels of sky-road keys (bands of `bandHeightM` metres W84), each held for its key's time
 * clipped to `window`; with `area`, only tiles that overlap that box.
 */
export function voxelsOfKeys(
  keys: readonly SkyKey[],
  bandHeightM: number,
  o: SpatialCoverOptions,
  clip: { window?: { from: number; to: number }; area?: [number, number, number, number] } = {},
): VoxelTimes {
  const out = new VoxelTimes(o.z, o.limit);
  const tilesOfCell = new Map<string, Array<[number, number]>>();
  const undulation = new Map<string, [number, number]>();
  const undulationOf = (x: number, y: number): [number, number] => {
    const key = `${x},${y}`;
    let range = undulation.get(key);
    if (!range) {
      const ns = samples(tileBounds(o.z, x, y)).map(([lat, lon]) => heightOf(0, lat, lon, o.reference, o.datum));
      range = [Math.min(...ns), Math.max(...ns)];
      undulation.set(key, range);
    }
    return range;
  };
  for (const k of keys) {
    const t0 = clip.window ? Math.max(k.t0, clip.window.from) : k.t0;
    const t1 = clip.window ? Math.min(k.t1, clip.window.to) : k.t1;
    if (t1 <= t0) continue;
    let tiles = tilesOfCell.get(k.cell);
    if (!tiles) {
      tiles = tilesOverlapping([cellToBoundary(k.cell, true)], o.z, o.limit * TILES_PER_ID);
      if (clip.area) tiles = tiles.filter(([x, y]) => overlapsBox(tileBounds(o.z, x, y), clip.area!));
      tilesOfCell.set(k.cell, tiles);
    }
    const floorW84 = k.bandLo * bandHeightM;
    const ceilingW84 = (k.bandHi + 1) * bandHeightM;
    for (const [x, y] of tiles) {
      // heightOf(0, …) is −N (AMSL) or 0 (W84): the lowest height is the floor less the largest N.
      const [lowShift, highShift] = undulationOf(x, y);
      const [f0, f1] = floors(floorW84 + lowShift, ceilingW84 + highShift, o.z);
      for (let f = f0; f <= f1; f++) out.add(f, x, y, t0, t1);
    }
  }
  return out;
}

/** The voxels of a zone's outline and limits, held in each of its windows [from, to). */
export function voxelsOfZone(
  zone: { polygons: readonly number[][][][]; lower: Altitude; upper: Altitude },
  windows: ReadonlyArray<{ from: number; to: number }>,
  o: SpatialCoverOptions,
): VoxelTimes {
  const out = new VoxelTimes(o.z, o.limit);
  if (windows.length === 0) return out;
  const seen = new Set<string>();
  for (const polygon of zone.polygons) {
    for (const [x, y] of tilesOverlapping(polygon, o.z, o.limit * TILES_PER_ID)) {
      if (seen.has(`${x},${y}`)) continue;
      seen.add(`${x},${y}`);
      let low = Infinity;
      let high = -Infinity;
      for (const [lat, lon] of samples(tileBounds(o.z, x, y))) {
        low = Math.min(low, heightOf(toW84(zone.lower, lat, lon, o.datum), lat, lon, o.reference, o.datum));
        high = Math.max(high, heightOf(toW84(zone.upper, lat, lon, o.datum), lat, lon, o.reference, o.datum));
      }
      const [f0, f1] = floors(low, high, o.z);
      for (let f = f0; f <= f1; f++) for (const w of windows) out.add(f, x, y, w.from, w.to);
    }
  }
  return out;
}

function overlapsBox(b: TileBounds, [minLon, minLat, maxLon, maxLat]: [number, number, number, number]): boolean {
  return b.west < maxLon && b.east > minLon && b.south < maxLat && b.north > minLat;
}
