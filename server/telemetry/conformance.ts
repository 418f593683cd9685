import { latLngToCell } from 'h3-js';
import { bandOf, bandRangeM } from '../airspace/altitude.ts';
import type { ZoneHold } from '../airspace/index.ts';
import { zoneBlocks } from '../airspace/priority.ts';
import type { LatLon, SkyKey } from '../airspace/types.ts';
import { lowBattery, type BatteryParams } from './battery.ts';
import type { DroneGrid, ProximityParams } from './proximity.ts';

/**
 * The conformance checks of one telemetry sample: the pure core of live monitoring. Plain data in,
 * plain data out; the monitor brings the clock, the database and the plans.
 */

export interface ConformanceParams {
  h3Resolution: number;
  bandHeightM: number;
  /** Armed and higher than this above the ground (or faster than airborneSpeedMps): in the air. */
  airborneHeightM: number;
  airborneSpeedMps: number;
  proximity: ProximityParams;
  battery: BatteryParams;
}

/** One sample as the checks need it. `t` is the sample's time (epoch ms); heights in metres. */
export interface Fix {
  droneId: string;
  lat: number;
  lon: number;
  altW84: number;
  t: number;
  armed: boolean;
  /** Height above the ground (relative to home, or W84 minus the ground), null when unknown. */
  heightM: number | null;
  groundSpeedMps: number | null;
  batteryPercent: number | null;
}

/**
 * Armed, and either clear of the ground or moving: a copter spinning up on its pad is not yet
 * flying; one climbing through 2 m, or carried along at speed, is.
 */
export function isAirborne(fix: Fix, params: Pick<ConformanceParams, 'airborneHeightM' | 'airborneSpeedMps'>): boolean {
  if (!fix.armed) return false;
  return (fix.heightM ?? Infinity) > params.airborneHeightM || (fix.groundSpeedMps ?? 0) > params.airborneSpeedMps;
}

/** The reservation cell and altitude band a fix is in. */
export function locate(
  fix: Fix,
  params: Pick<ConformanceParams, 'h3Resolution' | 'bandHeightM'>,
): { cell: string; band: number } {
  return { cell: latLngToCell(fix.lat, fix.lon, params.h3Resolution), band: bandOf(fix.altW84, params.bandHeightM) };
}

/** A plan's keys by cell, for one lookup per sample. */
export type SkyRoad = ReadonlyMap<string, readonly SkyKey[]>;

export function skyRoad(keys: readonly SkyKey[]): SkyRoad {
  const road = new Map<string, SkyKey[]>();
  for (const k of keys) {
    const list = road.get(k.cell);
    if (list) list.push(k);
    else road.set(k.cell, [k]);
  }
  return road;
}

/**
 * Where a position stands against a sky road: inside, or out and why — its cell is not reserved
 * at all, the cell is reserved at other altitudes, or at these altitudes but only later (early)
 * or only before (late). The road's buffers are its tolerance: lateral and vertical margins and
 * the early/late time tolerance are already in its keys.
 */
export type RoadCheck =
  | { inside: true }
  | { inside: false; reason: 'cell' }
  | { inside: false; reason: 'band'; floorM: number; ceilingM: number }
  | { inside: false; reason: 'early' | 'late'; from: number; to: number };

export function checkRoad(road: SkyRoad, cell: string, band: number, t: number): RoadCheck {
  const keys = road.get(cell);
  if (!keys) return { inside: false, reason: 'cell' };
  let bandLo = Infinity;
  let bandHi = -Infinity;
  let from = Infinity;
  let to = -Infinity;
  for (const k of keys) {
    if (band < k.bandLo || band > k.bandHi) {
      if (k.t0 <= t && t < k.t1) {
        bandLo = Math.min(bandLo, k.bandLo);
        bandHi = Math.max(bandHi, k.bandHi);
      }
      continue;
    }
    if (k.t0 <= t && t < k.t1) return { inside: true };
    from = Math.min(from, k.t0);
    to = Math.max(to, k.t1);
  }
  if (from !== Infinity) return { inside: false, reason: t < from ? 'early' : 'late', from, to };
  if (bandLo === Infinity) {
    // Reserved here only at other altitudes and other times: the altitude is what is wrong now.
    for (const k of keys) {
      bandLo = Math.min(bandLo, k.bandLo);
      bandHi = Math.max(bandHi, k.bandHi);
    }
  }
  return { inside: false, reason: 'band', floorM: bandLo, ceilingM: bandHi };
}

/** Why a drone is off its sky road, in a few words: the plan's state reason. */
export function exitReason(check: RoadCheck): string {
  if (check.inside) return 'inside its sky road';
  switch (check.reason) {
    case 'cell':
      return 'left its sky road laterally';
    case 'band':
      return 'left its sky road vertically';
    case 'early':
    case 'late':
      return `too ${check.reason} for its sky road`;
  }
}

/** Why a drone is off its sky road, where and by how much: the alert's message. */
export function describeExit(check: RoadCheck, fix: Fix, bandHeightM: number): string {
  if (check.inside) return 'inside its sky road';
  const at = `at ${fix.lat.toFixed(6)}, ${fix.lon.toFixed(6)}, ${fix.altW84.toFixed(0)} m W84`;
  switch (check.reason) {
    case 'cell':
      return `left its sky road laterally ${at}`;
    case 'band': {
      const { floorM, ceilingM } = bandRangeM(check.floorM, check.ceilingM, bandHeightM);
      return `left its sky road vertically ${at}: reserved here from ${floorM} to ${ceilingM} m W84`;
    }
    case 'early':
    case 'late': {
      const seconds = Math.round((check.reason === 'early' ? check.from - fix.t : fix.t - check.to) / 1000);
      return `is ${seconds} s too ${check.reason} for its sky road ${at}`;
    }
  }
}

/** A plan the drone may be flying, as the checks see it. */
export interface CandidatePlan {
  id: string;
  state: 'Accepted' | 'Activated' | 'Nonconforming' | 'Contingent';
  road: SkyRoad;
}

/**
 * The plan a sample belongs to: a plan already flying (the one the sample is inside, else the
 * first), or else an accepted plan the sample is inside — which a take-off there and then
 * activates. Null when the drone flies no plan.
 */
export function matchPlan<P extends CandidatePlan>(
  plans: readonly P[],
  cell: string,
  band: number,
  t: number,
): { plan: P; check: RoadCheck; activate: boolean } | null {
  let flying: { plan: P; check: RoadCheck } | null = null;
  for (const plan of plans) {
    if (plan.state === 'Accepted') continue;
    const check = checkRoad(plan.road, cell, band, t);
    if (check.inside) return { plan, check, activate: false };
    flying ??= { plan, check };
  }
  if (flying) return { ...flying, activate: false };
  for (const plan of plans) {
    if (plan.state !== 'Accepted') continue;
    const check = checkRoad(plan.road, cell, band, t);
    if (check.inside) return { plan, check, activate: true };
  }
  return null;
}

/** The zones a drone may not be in at that cell, band and moment (restricted ones unless its plan holds their permission). */
export function zoneBreaches(
  holds: readonly ZoneHold[],
  band: number,
  t: number,
  authorizations: ReadonlySet<string>,
): ZoneHold[] {
  const out: ZoneHold[] = [];
  const claimant = { priority: 0, authorizations };
  for (const h of holds) {
    if (band < h.bandLo || band > h.bandHi || !zoneBlocks(h, claimant)) continue;
    if (!h.windows.some((w) => (w.from === null || w.from <= t) && (w.to === null || t < w.to))) continue;
    if (!out.some((o) => o.zoneId === h.zoneId)) out.push(h);
  }
  return out;
}

/** A condition a sample shows; the monitor keeps one alert open per condition while it lasts. */
export interface Condition {
  kind: 'geofence_breach' | 'proximity' | 'unplanned_flight' | 'low_battery';
  /** The zone or the other drone; null when the kind names the whole condition. */
  subjectId: string | null;
  message: string;
}

export interface AssessInput {
  fix: Fix;
  /** Where the fix is (see locate). */
  cell: string;
  band: number;
  /** The plan the drone flies (see matchPlan), null when none. */
  plan: { id: string; authorizations: ReadonlySet<string>; route: readonly LatLon[] | null; speedMps: number } | null;
  /** The zones held on a cell or its ancestors: the reservation index's `zonesAt`. */
  zonesAt: (cell: string) => readonly ZoneHold[];
  /** The other airborne drones, by coarse cell. */
  grid: DroneGrid;
  /** Drones this one already has an open proximity alert about (kept open until they part beyond the release distance). */
  closeTo: ReadonlySet<string>;
  /** Where this flight took off, for the way home of a drone without a route. */
  home: LatLon | null;
  /** Battery use in percent per second, measured on this flight; null until it can be. */
  drainPercentPerS: number | null;
  params: ConformanceParams;
}

export interface Assessment {
  airborne: boolean;
  conditions: Condition[];
}

/** Zones, other drones, planned or not, battery: every condition of one sample. */
export function assess(input: AssessInput): Assessment {
  const { fix, plan, params, cell, band } = input;
  const airborne = isAirborne(fix, params);
  const conditions: Condition[] = [];
  if (!airborne) return { airborne, conditions };

  const authorizations = plan?.authorizations ?? NO_AUTHORIZATIONS;
  for (const zone of zoneBreaches(input.zonesAt(cell), band, fix.t, authorizations)) {
    conditions.push({
      kind: 'geofence_breach',
      subjectId: zone.zoneId,
      message: `${fix.droneId} is inside the ${zone.kind} zone "${zone.name}" at ${fix.altW84.toFixed(0)} m W84`,
    });
  }
  for (const near of input.grid.near(fix, input.closeTo, params.proximity)) {
    conditions.push({
      kind: 'proximity',
      subjectId: near.droneId,
      message: `${fix.droneId} is ${near.horizontalM.toFixed(0)} m from ${near.droneId} horizontally and ${near.verticalM.toFixed(0)} m vertically`,
    });
  }
  if (!plan) {
    conditions.push({
      kind: 'unplanned_flight',
      subjectId: null,
      message: `${fix.droneId} is flying without an activated plan, and outside every plan it holds`,
    });
  }
  const route = plan?.route ?? (input.home ? [input.home] : null);
  const speedMps = plan?.speedMps ?? Math.max(fix.groundSpeedMps ?? 0, params.battery.fallbackSpeedMps);
  const short =
    route && fix.batteryPercent !== null
      ? lowBattery(
          { at: fix, batteryPercent: fix.batteryPercent, route, speedMps, drainPercentPerS: input.drainPercentPerS },
          params.battery,
        )
      : null;
  if (short) {
    conditions.push({
      kind: 'low_battery',
      subjectId: null,
      message: `${fix.droneId} has ${fix.batteryPercent!.toFixed(0)} % battery, enough for about ${(short.flyableM / 1000).toFixed(1)} km; ${(short.remainingM / 1000).toFixed(1)} km ${plan?.route ? 'of its route remain' : 'to its take-off point'}`,
    });
  }
  return { airborne, conditions };
}

const NO_AUTHORIZATIONS: ReadonlySet<string> = new Set();
