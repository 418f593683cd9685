import { latLngToCell } from 'h3-js';
import { withLink } from './rows.ts';
import type { DroneRow } from '../protocol/live.ts';
import type { DroneState } from '../protocol/telemetry.ts';

interface Entry {
  row: DroneRow;
  cell: string;
}

/**
 * Every drone's latest row, filed under its coarse H3 cell, so a viewport finds its drones by
 * looking at the few cells it covers instead of at every drone.
 */
export class DroneIndex {
  private readonly drones = new Map<string, Entry>();
  private readonly byCell = new Map<string, Set<string>>();

  constructor(private readonly resolution: number) {}

  get size(): number {
    return this.drones.size;
  }

  /** Files the drone's new row; answers its cell and the cell it left (null when it stayed). */
  put(row: DroneRow): { cell: string; left: string | null } {
    const [id, lon, lat] = row;
    const cell = latLngToCell(lat, lon, this.resolution);
    const prev = this.drones.get(id);
    this.drones.set(id, { row, cell });
    if (prev?.cell === cell) return { cell, left: null };
    if (prev) this.unfile(id, prev.cell);
    let ids = this.byCell.get(cell);
    if (!ids) this.byCell.set(cell, (ids = new Set()));
    ids.add(id);
    return { cell, left: prev?.cell ?? null };
  }

  /** Records a link change; answers the drone's cell, or null for a drone never seen. */
  setLink(droneId: string, link: DroneState['link']): string | null {
    const entry = this.drones.get(droneId);
    if (!entry) return null;
    entry.row = withLink(entry.row, link);
    return entry.cell;
  }

  get(droneId: string): Entry | undefined {
    return this.drones.get(droneId);
  }

  /** The rows of drones inside cells that pass the test. */
  within(covers: (cell: string) => boolean): DroneRow[] {
    const rows: DroneRow[] = [];
    for (const [cell, ids] of this.byCell) {
      if (!covers(cell)) continue;
      for (const id of ids) rows.push(this.drones.get(id)!.row);
    }
    return rows;
  }

  private unfile(id: string, cell: string): void {
    const ids = this.byCell.get(cell);
    if (!ids) return;
    ids.delete(id);
    if (!ids.size) this.byCell.delete(cell);
  }
}
