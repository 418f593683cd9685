import type { Layer } from '@deck.gl/core';
import type { Capacity, FlightPlan } from '../../../server/protocol/index.ts';
import { capacityCells, capacityLayer } from './capacity.ts';
import { cruiseHeightM, routeLayers, routePoints } from './route.ts';
import { skyRoadLayer, type CellBox } from './sky-roads.ts';

/** The time filter moves in steps this long, so the layers are not rebuilt every frame. */
export const TIME_STEP_MS = 10_000;

/** What the airspace layers are drawn from. */
export interface AirspaceScene {
  /** Grows whenever the roads, the heat, the selection or the selected plan change. */
  version: number;
  roads: readonly CellBox[];
  capacity: Capacity | null;
  selectedPlanId: string | null;
  selectedPlan: FlightPlan | null;
  selectedRoad: CellBox[];
  /** The time the map shows the sky at, or null for every reservation ahead. */
  at: number | null;
  groundW84M: number;
}

/**
 * The sky roads, the heat of reserved sky and the selected route. They are thousands of extruded
 * cells, rebuilt only when the scene or the time step changes, not every time a drone moves.
 */
export class AirspaceLayers {
  private key = '';
  private cache: Layer[] = [];

  layers(s: AirspaceScene): Layer[] {
    const step = s.at === null ? null : Math.floor(s.at / TIME_STEP_MS);
    const key = `${s.version}|${s.selectedPlanId}|${s.selectedPlan?.id}|${step}`;
    if (key === this.key) return this.cache;
    this.key = key;
    const at = step === null ? null : step * TIME_STEP_MS;
    const shownRoads = s.roads.filter(
      (c) => c.planId !== s.selectedPlanId && (at === null || (c.start <= at && at < c.end)),
    );
    const plan = s.selectedPlan;
    const route =
      plan?.request.route && plan.id === s.selectedPlanId
        ? routeLayers('selected-route', routePoints(plan.request, cruiseHeightM(plan, s.groundW84M)), [30, 30, 30, 220])
        : [];
    this.cache = [
      ...(s.capacity ? [capacityLayer(capacityCells(s.capacity, at), s.version)] : []),
      skyRoadLayer('sky-roads', shownRoads, { pickable: true, revision: s.version }),
      skyRoadLayer('selected-sky-road', s.selectedRoad, { highlight: s.selectedPlanId, revision: s.version }),
      ...route,
    ];
    return this.cache;
  }
}
