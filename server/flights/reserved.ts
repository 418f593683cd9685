import type { AirspaceParams } from '../airspace/types.ts';
import type { Capacity } from '../protocol/index.ts';
import type { Db } from '../store/db.ts';
import { airspaceKeys } from '../store/plans.ts';
import { capacity } from './capacity.ts';

/** The reserved airspace of an area and window: live plans' keys as the maps draw them, and how full it is. */
export class ReservedAirspace {
  constructor(private readonly deps: { db: Db; capacityResolution: number; airspace: AirspaceParams }) {}

  /** At most `limit` keys in the box during [from, to). */
  keys(bbox: [number, number, number, number], from: number, to: number, limit: number) {
    return airspaceKeys(this.deps.db, bbox, from, to, limit);
  }

  /** Per coarse cell and 15-minute slot, how much of the sky is held (flights/capacity.ts). */
  capacity(bbox: [number, number, number, number], window: { from: number; to: number }): Promise<Capacity> {
    return capacity(this.deps.db, bbox, window, this.deps.capacityResolution, this.deps.airspace);
  }
}
