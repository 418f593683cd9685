import { cellToBoundary, cellToLatLng, cellToLocalIj, latLngToCell, localIjToCell } from 'h3-js';
import { toLocal, type LocalFrame } from './geo.ts';

/** Cells further than this from the grid's origin (in cell steps) start a new grid. */
const MAX_IJ_REACH = 4000;
const FIT_STEP = 4;

/**
 * H3's local IJ coordinates around one origin cell, with the index strings it has produced so
 * far. Inside one icosahedron face a cell's centre is an affine function of its (i, j), so the
 * core can test thousands of candidate cells with plain arithmetic and only asks H3 for the
 * index string of the cells it keeps — h3-js costs microseconds per call, mostly in crossing
 * into WebAssembly, and the sky road of a 5 km route would otherwise make tens of thousands.
 *
 * Short-lived: one per sky-road computation.
 */
export class LocalGrid {
  private readonly cells = new Map<number, string>();
  private readonly originIj: { i: number; j: number };

  private constructor(
    readonly origin: string,
    readonly res: number,
  ) {
    // Local IJ coordinates are anchored on the origin's base cell, not on the origin itself.
    this.originIj = cellToLocalIj(origin, origin);
  }

  static around(lat: number, lon: number, res: number): LocalGrid {
    return new LocalGrid(latLngToCell(lat, lon, res), res);
  }

  /** The IJ coordinates of the cell under a point, or null when it is outside this grid's reach. */
  ijAt(lat: number, lon: number): { i: number; j: number } | null {
    try {
      const ij = cellToLocalIj(this.origin, latLngToCell(lat, lon, this.res));
      const far = Math.abs(ij.i - this.originIj.i) + Math.abs(ij.j - this.originIj.j) > MAX_IJ_REACH;
      return far ? null : ij;
    } catch {
      return null; // across a pentagon or too far: H3 has no local coordinates there
    }
  }

  cellAt(i: number, j: number): string {
    const key = (i - this.originIj.i) * 16_384 + (j - this.originIj.j);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = localIjToCell(this.origin, { i, j });
      this.cells.set(key, cell);
    }
    return cell;
  }

  /**
   * The affine map from (i, j) to a local plane near cell (i0, j0), fitted on three cell
   * centres, with its inverse and a bound on the cells' circumradius there.
   */
  fit(frame: LocalFrame, i0: number, j0: number): GridFit {
    const at = (i: number, j: number) => {
      const [lat, lon] = cellToLatLng(this.cellAt(i, j));
      return toLocal(frame, lat, lon);
    };
    const o = at(i0, j0);
    const pi = at(i0 + FIT_STEP, j0);
    const pj = at(i0, j0 + FIT_STEP);
    const ax = (pi.x - o.x) / FIT_STEP;
    const ay = (pi.y - o.y) / FIT_STEP;
    const bx = (pj.x - o.x) / FIT_STEP;
    const by = (pj.y - o.y) / FIT_STEP;
    const det = ax * by - bx * ay;
    let radius = 0;
    for (const [lat, lon] of cellToBoundary(this.cellAt(i0, j0))) {
      const v = toLocal(frame, lat, lon);
      radius = Math.max(radius, Math.hypot(v.x - o.x, v.y - o.y));
    }
    return {
      x: (i, j) => o.x + (i - i0) * ax + (j - j0) * bx,
      y: (i, j) => o.y + (i - i0) * ay + (j - j0) * by,
      i: (x, y) => i0 + ((x - o.x) * by - (y - o.y) * bx) / det,
      j: (x, y) => j0 + ((y - o.y) * ax - (x - o.x) * ay) / det,
      circumradiusM: radius,
    };
  }
}

export interface GridFit {
  x(i: number, j: number): number;
  y(i: number, j: number): number;
  i(x: number, y: number): number;
  j(x: number, y: number): number;
  circumradiusM: number;
}
