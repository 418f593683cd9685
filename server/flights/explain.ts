import { bandRangeM } from '../airspace/altitude.ts';
import type { Conflict as CoreConflict } from '../airspace/index.ts';
import type { Conflict } from '../protocol/index.ts';

/** Shared cells listed per conflicting flight or zone; the count says how many there are in all. */
const MAX_CELLS_LISTED = 200;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One entry per conflicting flight or zone: where (the shared cells), how high (floor and
 * ceiling of the shared bands, W84) and when (first to last shared moment).
 */
export function explainConflicts(conflicts: readonly CoreConflict[], bandHeightM: number): Conflict[] {
  const groups = new Map<string, { head: CoreConflict; cells: CoreConflict[] }>();
  for (const c of conflicts) {
    const key = `${c.type}:${c.id}`;
    const g = groups.get(key);
    if (g) g.cells.push(c);
    else groups.set(key, { head: c, cells: [c] });
  }
  return [...groups.values()].map(({ head, cells }) => {
    cells.sort((a, b) => a.t0 - b.t0 || (a.cell < b.cell ? -1 : 1));
    const start = Math.min(...cells.map((c) => c.t0));
    const end = Math.max(...cells.map((c) => c.t1));
    const span = bandRangeM(
      Math.min(...cells.map((c) => c.bandLo)),
      Math.max(...cells.map((c) => c.bandHi)),
      bandHeightM,
    );
    return {
      type: head.type,
      id: head.id,
      ...(head.type === 'geofence' ? { name: head.name, kind: head.kind } : { priority: head.priority }),
      start: iso(start),
      end: iso(end),
      floorM: span.floorM,
      ceilingM: span.ceilingM,
      cellCount: new Set(cells.map((c) => c.cell)).size,
      cells: cells.slice(0, MAX_CELLS_LISTED).map((c) => ({
        cell: c.cell,
        bandLo: c.bandLo,
        bandHi: c.bandHi,
        ...bandRangeM(c.bandLo, c.bandHi, bandHeightM),
        start: iso(c.t0),
        end: iso(c.t1),
      })),
    };
  });
}

/** "conflicts with 2 flights and 1 zone" */
export function conflictSummary(conflicts: readonly Conflict[]): string {
  const flights = conflicts.filter((c) => c.type === 'flight').length;
  const zones = conflicts.length - flights;
  const parts = [
    flights ? `${flights} flight${flights > 1 ? 's' : ''}` : '',
    zones
      ? `${zones} zone${zones > 1 ? 's' : ''} (${conflicts
          .filter((c) => c.type === 'geofence')
          .map((c) => c.name)
          .join(', ')})`
      : '',
  ].filter(Boolean);
  return `the sky road conflicts with ${parts.join(' and ')}`;
}
