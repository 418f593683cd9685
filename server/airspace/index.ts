import { cellAncestor, cellResolution } from './h3.ts';
import { overlaps } from './keys.ts';
import type { ActiveWindow, SkyKey, ZoneKind } from './types.ts';

/** A flight's hold on one cell. */
export interface FlightHold {
  planId: string;
  priority: number;
  bandLo: number;
  bandHi: number;
  t0: number;
  t1: number;
}

/** A zone's hold on one cell (of any resolution up to the plans'). */
export interface ZoneHold {
  zoneId: string;
  name: string;
  kind: ZoneKind;
  bandLo: number;
  bandHi: number;
  windows: readonly ActiveWindow[];
}

/** A plan as the mirror holds it: its version tells whether a change notice is news. */
export interface MirroredPlan {
  id: string;
  version: number;
  priority: number;
  keys: readonly SkyKey[];
}

/** A zone compiled to cells: what the index needs to hold it. */
export interface CompiledZone {
  id: string;
  name: string;
  kind: ZoneKind;
  windows: readonly ActiveWindow[];
  cells: ReadonlyArray<{ cell: string; bandLo: number; bandHi: number }>;
}

interface ConflictBase {
  id: string;
  cell: string;
  /** The overlap: bands and time both reservations claim. */
  bandLo: number;
  bandHi: number;
  t0: number;
  t1: number;
}
export interface FlightConflict extends ConflictBase {
  type: 'flight';
  priority: number;
}
export interface ZoneConflict extends ConflictBase {
  type: 'geofence';
  name: string;
  kind: ZoneKind;
}
export type Conflict = FlightConflict | ZoneConflict;

/** Cells whose zone holds are remembered at most (a city is about 100,000 cells at resolution 11). */
const ZONES_MEMO_LIMIT = 500_000;
const NO_ZONES: readonly ZoneHold[] = Object.freeze([]);

/**
 * The in-memory mirror of every reservation and zone: answers "what else is here, then" fast
 * enough to explain conflicts and search alternatives. It never decides acceptance alone; the
 * database does, and the service keeps this in step with it.
 */

export class ReservationIndex {
  private readonly flights = new Map<string, FlightHold[]>();
  private readonly plans = new Map<string, MirroredPlan>();
  private readonly zoneHolds = new Map<string, ZoneHold[]>();
  private readonly zones = new Map<string, CompiledZone>();
  /** How many zone cells exist at each resolution, so lookups walk only the parents in use. */
  private readonly zoneResolutions = new Map<number, number>();
  /**
   * Zone holds already gathered per cell: a decision asks again for the same cells (its altitude
   * alternatives are the same cells in other bands), and so do the plans after it. Forgotten
   * whenever a zone comes or goes.
   */
  private readonly zonesMemo = new Map<string, readonly ZoneHold[]>();

  get planCount(): number {
    return this.plans.size;
  }

  get zoneCount(): number {
    return this.zones.size;
  }

  hasPlan(planId: string): boolean {
    return this.plans.has(planId);
  }

  plan(planId: string): MirroredPlan | undefined {
    return this.plans.get(planId);
  }

  putPlan(plan: MirroredPlan): void {
    this.removePlan(plan.id);
    this.plans.set(plan.id, plan);
    const { id: planId, priority } = plan;
    for (const k of plan.keys) {
      const hold: FlightHold = { planId, priority, bandLo: k.bandLo, bandHi: k.bandHi, t0: k.t0, t1: k.t1 };
      const list = this.flights.get(k.cell);
      if (list) list.push(hold);
      else this.flights.set(k.cell, [hold]);
    }
  }

  removePlan(planId: string): void {
    const plan = this.plans.get(planId);
    if (!plan) return;
    this.plans.delete(planId);
    for (const k of plan.keys) {
      const list = this.flights.get(k.cell);
      if (!list) continue;
      const rest = list.filter((h) => h.planId !== planId);
      if (rest.length) this.flights.set(k.cell, rest);
      else this.flights.delete(k.cell);
    }
  }

  putZone(zone: CompiledZone): void {
    this.zonesMemo.clear();
    this.removeZone(zone.id);
    this.zones.set(zone.id, zone);
    for (const c of zone.cells) {
      const hold: ZoneHold = {
        zoneId: zone.id,
        name: zone.name,
        kind: zone.kind,
        bandLo: c.bandLo,
        bandHi: c.bandHi,
        windows: zone.windows,
      };
      const list = this.zoneHolds.get(c.cell);
      if (list) list.push(hold);
      else this.zoneHolds.set(c.cell, [hold]);
      const res = cellResolution(c.cell);
      this.zoneResolutions.set(res, (this.zoneResolutions.get(res) ?? 0) + 1);
    }
  }

  removeZone(zoneId: string): void {
    const zone = this.zones.get(zoneId);
    if (!zone) return;
    this.zonesMemo.clear();
    this.zones.delete(zoneId);
    for (const c of zone.cells) {
      const list = this.zoneHolds.get(c.cell);
      if (list) {
        const rest = list.filter((h) => h.zoneId !== zoneId);
        if (rest.length) this.zoneHolds.set(c.cell, rest);
        else this.zoneHolds.delete(c.cell);
      }
      const res = cellResolution(c.cell);
      const left = (this.zoneResolutions.get(res) ?? 1) - 1;
      if (left > 0) this.zoneResolutions.set(res, left);
      else this.zoneResolutions.delete(res);
    }
  }

  hasZone(zoneId: string): boolean {
    return this.zones.has(zoneId);
  }

  zoneIds(): string[] {
    return [...this.zones.keys()];
  }

  flightsAt(cell: string): readonly FlightHold[] {
    return this.flights.get(cell) ?? [];
  }

  /** Zone holds on a cell or on any of its ancestors. */
  zonesAt(cell: string): readonly ZoneHold[] {
    if (this.zoneResolutions.size === 0) return NO_ZONES;
    const known = this.zonesMemo.get(cell);
    if (known) return known;
    const out: ZoneHold[] = [];
    const res = cellResolution(cell);
    for (const r of this.zoneResolutions.keys()) {
      if (r > res) continue;
      const holds = this.zoneHolds.get(cellAncestor(cell, r));
      if (holds) out.push(...holds);
    }
    // A country's worth of cells asked once each would otherwise grow it without bound.
    if (this.zonesMemo.size >= ZONES_MEMO_LIMIT) this.zonesMemo.clear();
    this.zonesMemo.set(cell, out);
    return out;
  }

  /** Every overlap between the given keys and what the index holds, one entry per cell and holder. */
  conflicts(keys: readonly SkyKey[], exceptPlanId?: string): Conflict[] {
    return [...this.flightConflicts(keys, exceptPlanId), ...this.zoneConflicts(keys)];
  }

  flightConflicts(keys: readonly SkyKey[], exceptPlanId?: string): FlightConflict[] {
    const out: FlightConflict[] = [];
    for (const k of keys) {
      for (const h of this.flightsAt(k.cell)) {
        if (h.planId === exceptPlanId || !overlaps(k, h)) continue;
        out.push({ type: 'flight', id: h.planId, priority: h.priority, cell: k.cell, ...overlap(k, h) });
      }
    }
    return out;
  }

  zoneConflicts(keys: readonly SkyKey[]): ZoneConflict[] {
    const out: ZoneConflict[] = [];
    for (const k of keys) {
      for (const z of this.zonesAt(k.cell)) {
        if (k.bandLo > z.bandHi || z.bandLo > k.bandHi) continue;
        for (const w of z.windows) {
          const t0 = Math.max(k.t0, w.from ?? -Infinity);
          const t1 = Math.min(k.t1, w.to ?? Infinity);
          if (t0 >= t1) continue;
          out.push({
            type: 'geofence',
            id: z.zoneId,
            name: z.name,
            kind: z.kind,
            cell: k.cell,
            bandLo: Math.max(k.bandLo, z.bandLo),
            bandHi: Math.min(k.bandHi, z.bandHi),
            t0,
            t1,
          });
        }
      }
    }
    return out;
  }
}

function overlap(a: SkyKey, b: FlightHold): { bandLo: number; bandHi: number; t0: number; t1: number } {
  return {
    bandLo: Math.max(a.bandLo, b.bandLo),
    bandHi: Math.min(a.bandHi, b.bandHi),
    t0: Math.max(a.t0, b.t0),
    t1: Math.min(a.t1, b.t1),
  };
}
