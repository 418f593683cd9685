import { buffer, convex, featureCollection, lineString, point } from '@turf/turf';
import type { FlightPlanRequest, FenceCeiling, MissionItem } from '../protocol/index.ts';

/** MAV_CMD and MAV_FRAME values used here (MAVLink common.xml). */
const CMD = {
  NAV_WAYPOINT: 16,
  NAV_LAND: 21,
  NAV_TAKEOFF: 22,
  DO_CHANGE_SPEED: 178,
  FENCE_POLYGON_VERTEX_INCLUSION: 5001,
  FENCE_CIRCLE_INCLUSION: 5003,
} as const;
const FRAME_GLOBAL = 0;
const FRAME_GLOBAL_INT = 5 as const;
const FRAME_GLOBAL_RELATIVE_ALT_INT = 6 as const;
/** Segments per quarter circle of the fence's round ends: few vertices, for autopilots' fence limits. */
const FENCE_STEPS = 4;
/** A polygon of that many steps sits inside its circle by 1 − cos(π / 16): grow the radius to keep the buffer whole. */
const CHORD_MARGIN = 1 / Math.cos(Math.PI / (4 * FENCE_STEPS));

export interface PlanUpload {
  /** Null for a plan of volumes: it has no route to fly. */
  mission: MissionItem[] | null;
  fence: MissionItem[];
  /** The top of the sky road, which fence items cannot carry; null when it has none the drone can use. */
  ceiling: FenceCeiling | null;
}

const item = (fields: Partial<MissionItem> & Pick<MissionItem, 'command' | 'frame'>): MissionItem => ({
  param1: 0,
  param2: 0,
  param3: 0,
  param4: 0,
  lat: 0,
  lon: 0,
  alt: 0,
  autocontinue: true,
  ...fields,
});

/**
 * An accepted plan as what an autopilot flies: the route as a mission (take-off, cruise speed,
 * waypoints, landing), its sky road's lateral extent as an inclusion fence and its top (the
 * highest waypoint plus the vertical buffer) as a ceiling. Altitudes keep the plan's meaning:
 * AGL becomes relative to home (the flat ground the server assumes by default), AMSL stays AMSL,
 * W84 becomes AMSL through the geoid. Pure: the geoid is passed in.
 */
export function planToUpload(
  request: FlightPlanRequest,
  undulation: (lat: number, lon: number) => number,
  buffers: { lateralM: number; verticalM: number },
): PlanUpload {
  const lateralBufferM = buffers.lateralM;
  if (!request.route) {
    const volumes = request.volumes ?? [];
    return { mission: null, fence: volumeFence(volumes), ceiling: volumeCeiling(volumes, undulation) };
  }
  const { waypoints, altitude, speedMps, takeoffAndLanding } = request.route;
  const frame = altitude.reference === 'AGL' ? FRAME_GLOBAL_RELATIVE_ALT_INT : FRAME_GLOBAL_INT;
  const altAt = (wp: { lat: number; lon: number; alt?: number | undefined }) => {
    const value = wp.alt ?? altitude.value;
    return altitude.reference === 'W84' ? value - undulation(wp.lat, wp.lon) : value;
  };
  const first = waypoints[0]!;
  const last = waypoints.at(-1)!;
  const mission: MissionItem[] = [];
  if (takeoffAndLanding) {
    mission.push(item({ command: CMD.NAV_TAKEOFF, frame, lat: first.lat, lon: first.lon, alt: altAt(first) }));
  }
  mission.push(item({ command: CMD.DO_CHANGE_SPEED, frame: FRAME_GLOBAL, param1: 1, param2: speedMps, param3: -1 }));
  for (const wp of waypoints) {
    mission.push(item({ command: CMD.NAV_WAYPOINT, frame, lat: wp.lat, lon: wp.lon, alt: altAt(wp) }));
  }
  if (takeoffAndLanding) mission.push(item({ command: CMD.NAV_LAND, frame, lat: last.lat, lon: last.lon, alt: 0 }));

  const line = waypoints.length > 1 ? lineString(waypoints.map((w) => [w.lon, w.lat])) : point([first.lon, first.lat]);
  const corridor = buffer(line, lateralBufferM * CHORD_MARGIN, { units: 'meters', steps: FENCE_STEPS });
  const hull = corridor && convex(featureCollection([corridor]));
  const ring = (hull?.geometry.coordinates[0] ?? []).slice(0, -1);
  const fence = ring.map(([lon, lat]) =>
    item({
      command: CMD.FENCE_POLYGON_VERTEX_INCLUSION,
      frame: FRAME_GLOBAL,
      param1: ring.length,
      lat: lat!,
      lon: lon!,
    }),
  );
  const top = Math.max(...waypoints.map(altAt)) + buffers.verticalM;
  return { mission, fence, ceiling: { alt: top, frame } };
}

/** The highest upper altitude of the volumes, when they all give it in one kind of reference (above ground, or above the sea). */
function volumeCeiling(
  volumes: NonNullable<FlightPlanRequest['volumes']>,
  undulation: (lat: number, lon: number) => number,
): FenceCeiling | null {
  const tops = volumes.map(({ volume }) => {
    const { value, reference } = volume.altitude_upper;
    const at = volume.outline_circle?.center ?? volume.outline_polygon!.vertices[0]!;
    if (reference === 'AGL') return { alt: value, frame: FRAME_GLOBAL_RELATIVE_ALT_INT };
    return { alt: reference === 'W84' ? value - undulation(at.lat, at.lng) : value, frame: FRAME_GLOBAL_INT };
  });
  const frame = tops[0]?.frame;
  if (frame === undefined || tops.some((t) => t.frame !== frame)) return null;
  return { alt: Math.max(...tops.map((t) => t.alt)), frame };
}

function volumeFence(volumes: NonNullable<FlightPlanRequest['volumes']>): MissionItem[] {
  const out: MissionItem[] = [];
  for (const v of volumes) {
    const polygon = v.volume.outline_polygon;
    if (polygon) {
      const n = polygon.vertices.length;
      for (const p of polygon.vertices) {
        out.push(
          item({ command: CMD.FENCE_POLYGON_VERTEX_INCLUSION, frame: FRAME_GLOBAL, param1: n, lat: p.lat, lon: p.lng }),
        );
      }
    }
    const circle = v.volume.outline_circle;
    if (circle) {
      out.push(
        item({
          command: CMD.FENCE_CIRCLE_INCLUSION,
          frame: FRAME_GLOBAL,
          param1: circle.radius.value,
          lat: circle.center.lat,
          lon: circle.center.lng,
        }),
      );
    }
  }
  return out;
}
