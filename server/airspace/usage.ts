import type { AirspaceParams, SkyKey } from './types.ts';

const HOUR_MS = 3_600_000;

/** Capacity is counted in slots of this length, as corridor bookings are. */
export const SLOT_MS = 15 * 60_000;

/**
 * The airspace capacity is measured against: the lowest 150 m above the ground, where drones fly
 * without a permission for height in Japan (航空法第132条の85).
 */
export const CAPACITY_CEILING_M = 150;

/**
 * How much sky a sky road holds: the hours each key holds its cell, summed. Bands are not
 * counted: a cell is held whatever the height, as another flight through it must wait or climb.
 */
export function cellHours(keys: readonly SkyKey[]): number {
  let ms = 0;
  for (const k of keys) ms += k.t1 - k.t0;
  return ms / HOUR_MS;
}

/**
 * Cell-band-milliseconds one coarse cell offers in one slot: its cells at the plans' resolution
 * (seven children a level) × the bands of the lowest 150 m × the slot.
 */
export function slotCapacity(coarseResolution: number, params: AirspaceParams): number {
  const cells = 7 ** (params.h3Resolution - coarseResolution);
  const bands = Math.ceil(CAPACITY_CEILING_M / params.bandHeightM);
  return cells * bands * SLOT_MS;
}

/** The slot holding `t`: its start, on a multiple of the slot length since the epoch. */
export function slotStart(t: number): number {
  return Math.floor(t / SLOT_MS) * SLOT_MS;
}
