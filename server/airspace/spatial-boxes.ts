import { latOfY, lonOfX, voxelHeightM, type Voxel } from './spatial-id.ts';
import type { LatLon } from './types.ts';

/**
 * A reservation given as 空間ID voxels, as the fewest vertically extruded outlines that hold
 * exactly those voxels: the voxels of one zoom and one time window whose floors run contiguously
 * on the same levels are joined, tile by tile, into the outline of each edge-connected patch (its
 * staircase boundary traced on the tile grid). A patch with a hole, or one that touches itself at
 * a corner, cannot be one simple polygon: it becomes rectangles (runs of tiles along a row, rows
 * of the same run stacked) instead.
 */

/** A voxel held over [start, end) (epoch ms); `source` says which part of the request gave it. */
export interface HeldVoxel {
  voxel: Voxel;
  start: number;
  end: number;
  source: number;
}

export interface SpatialBox {
  /** Outline corners in order, not closed. */
  outline: LatLon[];
  /** Floor and ceiling in the IDs' datum, metres. */
  floorM: number;
  ceilingM: number;
  start: number;
  end: number;
  /** The first part of the request that gave any of its voxels. */
  source: number;
}

type Point = [number, number];

export function boxesOfVoxels(held: readonly HeldVoxel[]): SpatialBox[] {
  // Each voxel's times joined where they overlap or touch, so a voxel given in consecutive slots is one box.
  const byVoxel = new Map<string, { v: Voxel; times: Array<[number, number, number]> }>();
  for (const h of held) {
    const key = `${h.voxel.z}/${h.voxel.f}/${h.voxel.x}/${h.voxel.y}`;
    const entry = byVoxel.get(key) ?? { v: h.voxel, times: [] };
    entry.times.push([h.start, h.end, h.source]);
    byVoxel.set(key, entry);
  }
  // zoom and window → tile → floors (with the first source of each).
  const windows = new Map<string, { z: number; start: number; end: number; tiles: Map<string, Map<number, number>> }>();
  for (const { v, times } of byVoxel.values()) {
    for (const [start, end, source] of joinTimes(times)) {
      const wk = `${v.z}:${start}:${end}`;
      const w = windows.get(wk) ?? { z: v.z, start, end, tiles: new Map() };
      windows.set(wk, w);
      const tk = `${v.x},${v.y}`;
      const fs = w.tiles.get(tk) ?? new Map<number, number>();
      w.tiles.set(tk, fs);
      fs.set(v.f, Math.min(source, fs.get(v.f) ?? Infinity));
    }
  }
  const boxes: SpatialBox[] = [];
  for (const w of windows.values()) {
    // Floor runs → the tiles that have exactly that run.
    const runs = new Map<string, { f0: number; f1: number; tiles: Point[]; source: number }>();
    for (const [tk, fs] of w.tiles) {
      const tile = tk.split(',').map(Number) as Point;
      const sorted = [...fs.keys()].sort((a, b) => a - b);
      let i = 0;
      while (i < sorted.length) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
        const f0 = sorted[i]!;
        const f1 = sorted[j]!;
        const source = Math.min(...sorted.slice(i, j + 1).map((f) => fs.get(f)!));
        const rk = `${f0}:${f1}`;
        const run = runs.get(rk) ?? { f0, f1, tiles: [], source };
        run.tiles.push(tile);
        run.source = Math.min(run.source, source);
        runs.set(rk, run);
        i = j + 1;
      }
    }
    const h = voxelHeightM(w.z);
    for (const run of runs.values()) {
      for (const ring of outlines(run.tiles)) {
        boxes.push({
          outline: ring.map(([x, y]) => ({ lat: latOfY(y, w.z), lon: lonOfX(x, w.z) })),
          floorM: run.f0 * h,
          ceilingM: (run.f1 + 1) * h,
          start: w.start,
          end: w.end,
          source: run.source,
        });
      }
    }
  }
  return boxes.sort((a, b) => a.source - b.source || a.start - b.start || a.floorM - b.floorM);
}

function joinTimes(times: Array<[number, number, number]>): Array<[number, number, number]> {
  const sorted = [...times].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number, number]> = [];
  for (const [s, e, src] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) {
      last[1] = Math.max(last[1], e);
      last[2] = Math.min(last[2], src);
    } else out.push([s, e, src]);
  }
  return out;
}

/** Directions on the tile grid (y grows southward), in clockwise order: east, south, west, north. */
const STEP: Point[] = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
];

/**
 * Simple outlines (corners on the tile grid) that together cover exactly the tiles: traced
 * boundaries when every patch is simple, rectangles otherwise.
 */
export function outlines(tiles: readonly Point[]): Point[][] {
  const traced = trace(tiles);
  return traced ?? rectangles(tiles);
}

/**
 * The boundary of the tiles as rings, interior on the right of each edge (clockwise on a y-down
 * grid). At a corner where two tiles meet only diagonally the trace turns right, staying with the
 * tile it came along, so such tiles get rings of their own. Null when a ring is a hole or visits a
 * corner twice.
 */
function trace(tiles: readonly Point[]): Point[][] | null {
  const set = new Set(tiles.map(([x, y]) => `${x},${y}`));
  const has = (x: number, y: number) => set.has(`${x},${y}`);
  // Boundary edges by start corner: direction → used.
  const edges = new Map<string, Map<number, boolean>>();
  const edge = (x: number, y: number, dir: number) => {
    const key = `${x},${y}`;
    const out = edges.get(key) ?? new Map<number, boolean>();
    out.set(dir, false);
    edges.set(key, out);
  };
  for (const [x, y] of tiles) {
    if (!has(x, y - 1)) edge(x, y, 0);
    if (!has(x + 1, y)) edge(x + 1, y, 1);
    if (!has(x, y + 1)) edge(x + 1, y + 1, 2);
    if (!has(x - 1, y)) edge(x, y + 1, 3);
  }
  const rings: Point[][] = [];
  for (const [startKey, out] of edges) {
    for (const [startDir, used] of out) {
      if (used) continue;
      const start = startKey.split(',').map(Number) as Point;
      const ring: Point[] = [];
      let at: Point = start;
      let dir = startDir;
      for (;;) {
        edges.get(`${at[0]},${at[1]}`)!.set(dir, true);
        ring.push(at);
        at = [at[0] + STEP[dir]![0], at[1] + STEP[dir]![1]];
        const next = edges.get(`${at[0]},${at[1]}`)!;
        const turn = [1, 0, 3].map((t) => (dir + t) % 4).find((d) => next.has(d))!;
        if (at[0] === start[0] && at[1] === start[1] && turn === startDir) break;
        dir = turn;
      }
      const corners = ring.filter((p, i) => {
        const prev = ring[(i + ring.length - 1) % ring.length]!;
        const next = ring[(i + 1) % ring.length]!;
        return (p[0] - prev[0]) * (next[1] - p[1]) !== (p[1] - prev[1]) * (next[0] - p[0]);
      });
      if (area2(corners) < 0) return null;
      if (new Set(corners.map(([x, y]) => `${x},${y}`)).size !== corners.length) return null;
      rings.push(corners);
    }
  }
  return rings;
}

/** Twice the signed area; positive for a ring clockwise on the y-down grid. */
function area2(ring: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s;
}

/** Runs of tiles along each row, a run stacked with the same run of the rows below it. */
function rectangles(tiles: readonly Point[]): Point[][] {
  const rows = new Map<number, number[]>();
  for (const [x, y] of tiles) rows.set(y, [...(rows.get(y) ?? []), x]);
  const open = new Map<string, { x0: number; x1: number; y0: number; y1: number }>();
  const done: Array<{ x0: number; x1: number; y0: number; y1: number }> = [];
  for (const y of [...rows.keys()].sort((a, b) => a - b)) {
    const xs = rows.get(y)!.sort((a, b) => a - b);
    const runs: Array<[number, number]> = [];
    for (const x of xs) {
      const last = runs[runs.length - 1];
      if (last && x === last[1] + 1) last[1] = x;
      else runs.push([x, x]);
    }
    const still = new Set<string>();
    for (const [x0, x1] of runs) {
      const key = `${x0}:${x1}`;
      const rect = open.get(key);
      if (rect && rect.y1 === y - 1) rect.y1 = y;
      else {
        if (rect) done.push(rect);
        open.set(key, { x0, x1, y0: y, y1: y });
      }
      still.add(key);
    }
    for (const [key, rect] of open) {
      if (!still.has(key)) {
        done.push(rect);
        open.delete(key);
      }
    }
  }
  done.push(...open.values());
  return done.map(({ x0, x1, y0, y1 }) => [
    [x0, y0],
    [x1 + 1, y0],
    [x1 + 1, y1 + 1],
    [x0, y1 + 1],
  ]);
}
