import type { Datum } from './altitude.ts';
import { timeSpan } from './keys.ts';
import { timeRoute, type RouteSpec } from './route.ts';
import { skyRoadOfPath } from './skyroad.ts';
import type { AirspaceParams, SkyKey, TimedPath } from './types.ts';
import { skyRoadOfVolumes, type VolumeSpec } from './volumes.ts';

export type PlanGeometry = { route: RouteSpec } | { volumes: VolumeSpec[] };

export interface CompiledPlan {
  keys: SkyKey[];
  /** Expected trajectory (routes only). */
  path: TimedPath | null;
  /** The keys of each leg of the path, unmerged (routes only): what altitude variants are derived from. */
  legs: SkyKey[][] | null;
  /** Span of the whole reservation, tolerances included (epoch ms). */
  timeStart: number;
  timeEnd: number;
  /** [minLon, minLat, maxLon, maxLat] of the reserved airspace. */
  bbox: [number, number, number, number];
}

const METRES_PER_DEGREE = 111_195;

/** A flight plan's sky road: every key it must hold, and the numbers that describe it. */
export function compilePlan(geometry: PlanGeometry, datum: Datum, params: AirspaceParams): CompiledPlan {
  let keys: SkyKey[];
  let path: TimedPath | null = null;
  let legs: SkyKey[][] | null = null;
  let points: Array<{ lat: number; lon: number }>;
  if ('route' in geometry) {
    path = timeRoute(geometry.route, datum, params.climbRateMps);
    ({ keys, legs } = skyRoadOfPath(path, params));
    points = path;
  } else {
    keys = skyRoadOfVolumes(geometry.volumes, datum, params);
    points = geometry.volumes.flatMap((v) =>
      'polygon' in v.outline
        ? v.outline.polygon
        : [circleCorner(v.outline.circle, -1), circleCorner(v.outline.circle, 1)],
    );
  }
  const { t0, t1 } = timeSpan(keys);
  return { keys, path, legs, timeStart: t0, timeEnd: t1, bbox: paddedBbox(points, params) };
}

function circleCorner(circle: { center: { lat: number; lon: number }; radiusM: number }, sign: number) {
  const dLat = circle.radiusM / METRES_PER_DEGREE;
  const dLon = dLat / Math.cos((circle.center.lat * Math.PI) / 180);
  return { lat: circle.center.lat + sign * dLat, lon: circle.center.lon + sign * dLon };
}

/** Bounding box of the points grown by the lateral buffer and two cells, in degrees. */
function paddedBbox(points: ReadonlyArray<{ lat: number; lon: number }>, params: AirspaceParams) {
  let minLat = Infinity;
  let minLon = Infinity;
  let maxLat = -Infinity;
  let maxLon = -Infinity;
  for (const p of points) {
    minLat = Math.min(minLat, p.lat);
    maxLat = Math.max(maxLat, p.lat);
    minLon = Math.min(minLon, p.lon);
    maxLon = Math.max(maxLon, p.lon);
  }
  const padLat = (params.lateralBufferM + 100) / METRES_PER_DEGREE;
  const padLon = padLat / Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  return [minLon - padLon, minLat - padLat, maxLon + padLon, maxLat + padLat] as [number, number, number, number];
}
