import type { Layer } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { FlightPlan, FlightPlanRequest } from '../../../server/protocol/index.ts';

type Point = [number, number, number];

/**
 * The cruise height of a route above the modelled ground. AGL is the height itself; other
 * references come from the reserved sky road's ceiling less its vertical margin.
 */
export function cruiseHeightM(plan: Pick<FlightPlan, 'request' | 'skyRoad'>, groundW84M: number): number {
  const altitude = plan.request.route?.altitude;
  if (altitude?.reference === 'AGL') return altitude.value;
  if (altitude?.reference === 'W84') return altitude.value - groundW84M;
  return plan.skyRoad.ceilingM - plan.skyRoad.verticalBufferM - groundW84M;
}

export function routePoints(request: FlightPlanRequest, heightM: number): Point[] {
  return (request.route?.waypoints ?? []).map((w) => [w.lon, w.lat, heightM]);
}

/** A route as a line at cruise height, with its waypoints. */
export function routeLayers(id: string, points: Point[], color: [number, number, number, number]): Layer[] {
  return [
    new PathLayer<Point[]>({
      id: `${id}-path`,
      data: points.length > 1 ? [points] : [],
      getPath: (p) => p,
      getColor: color,
      getWidth: 4,
      widthUnits: 'pixels',
    }),
    new ScatterplotLayer<Point>({
      id: `${id}-waypoints`,
      data: points,
      getPosition: (p) => p,
      getRadius: 6,
      radiusUnits: 'pixels',
      getFillColor: [255, 255, 255, 255],
      getLineColor: color,
      stroked: true,
      getLineWidth: 2,
      lineWidthUnits: 'pixels',
    }),
  ];
}
