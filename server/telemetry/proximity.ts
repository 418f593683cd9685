import { getHexagonEdgeLengthAvg, gridDisk, latLngToCell, UNITS } from 'h3-js';
import { cellAncestor, cellResolution } from '../airspace/h3.ts';

/** How close two airborne drones may come before the city is told. */
export interface ProximityParams {
  horizontalM: number;
  verticalM: number;
  /** An open proximity alert closes once the pair is this many times the thresholds apart (no flicker at the edge). */
  releaseFactor: number;
  /** Positions older than this (relative to the sample being checked) are not compared. */
  maxAgeMs: number;
}

export interface GridFix {
  droneId: string;
  lat: number;
  lon: number;
  altW84: number;
  t: number;
}

interface Entry {
  fix: GridFix;
  cell: string;
}

/** Size spread of H3 hexagons of one resolution (smallest edge ≈ 0.7 × the average), with room to spare. */
const EDGE_SHRINK = 0.65;
const RAD = Math.PI / 180;
const M_PER_DEG = 6_371_008.8 * RAD;
/** Neighbourhoods remembered; a city's flying area has far fewer coarse cells. */
const MAX_DISKS = 50_000;

/**
 * The last position of every airborne drone, by coarse H3 cell, so a drone is compared only with
 * the drones in its cell and the ring around it, not with every other drone. The cells are
 * chosen so that their smallest edge is longer than the widest distance looked for: a point can
 * only be that close to points of its own cell or of the first ring.
 */
export class DroneGrid {
  readonly resolution: number;
  private readonly byCell = new Map<string, Set<string>>();
  private readonly drones = new Map<string, Entry>();
  private readonly disks = new Map<string, string[]>();

  /** `reachM`: the longest horizontal distance ever asked about (threshold × release factor). */
  constructor(reachM: number, fineResolution: number) {
    let res = Math.min(fineResolution, 15);
    while (res > 0 && getHexagonEdgeLengthAvg(res, UNITS.m) * EDGE_SHRINK < reachM) res--;
    this.resolution = res;
  }

  get size(): number {
    return this.drones.size;
  }

  /** Records a drone's position; `cell` may be its cell at any resolution as fine as the grid's or finer. */
  put(fix: GridFix, cell?: string): void {
    const coarse =
      cell && cellResolution(cell) >= this.resolution
        ? cellAncestor(cell, this.resolution)
        : latLngToCell(fix.lat, fix.lon, this.resolution);
    const old = this.drones.get(fix.droneId);
    if (old && old.cell !== coarse) this.leave(fix.droneId, old.cell);
    this.drones.set(fix.droneId, { fix, cell: coarse });
    let set = this.byCell.get(coarse);
    if (!set) this.byCell.set(coarse, (set = new Set()));
    set.add(fix.droneId);
  }

  remove(droneId: string): void {
    const old = this.drones.get(droneId);
    if (!old) return;
    this.drones.delete(droneId);
    this.leave(droneId, old.cell);
  }

  /**
   * The drones close to a position: within the thresholds, or within the release distance for
   * those in `already` (a pair stays close until it has clearly parted). The drone itself and
   * positions too old to compare are left out.
   */
  near(
    fix: GridFix,
    already: ReadonlySet<string>,
    params: ProximityParams,
  ): Array<{ droneId: string; horizontalM: number; verticalM: number }> {
    const out: Array<{ droneId: string; horizontalM: number; verticalM: number }> = [];
    const own = this.drones.get(fix.droneId)?.cell ?? latLngToCell(fix.lat, fix.lon, this.resolution);
    const mPerDegLon = M_PER_DEG * Math.cos(fix.lat * RAD);
    for (const cell of this.disk(own)) {
      const ids = this.byCell.get(cell);
      if (!ids) continue;
      for (const id of ids) {
        if (id === fix.droneId) continue;
        const other = this.drones.get(id)!.fix;
        if (Math.abs(other.t - fix.t) > params.maxAgeMs) continue;
        const verticalM = Math.abs(other.altW84 - fix.altW84);
        const horizontalM = Math.hypot((other.lat - fix.lat) * M_PER_DEG, (other.lon - fix.lon) * mPerDegLon);
        const f = already.has(id) ? params.releaseFactor : 1;
        if (horizontalM < params.horizontalM * f && verticalM < params.verticalM * f) {
          out.push({ droneId: id, horizontalM, verticalM });
        }
      }
    }
    return out;
  }

  private leave(droneId: string, cell: string): void {
    const set = this.byCell.get(cell);
    set?.delete(droneId);
    if (set?.size === 0) this.byCell.delete(cell);
  }

  private disk(cell: string): string[] {
    let d = this.disks.get(cell);
    if (!d) {
      if (this.disks.size >= MAX_DISKS) this.disks.clear();
      this.disks.set(cell, (d = gridDisk(cell, 1)));
    }
    return d;
  }
}
