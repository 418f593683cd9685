import type { PlanGeometry } from '../airspace/plan.ts';
import type { Altitude } from '../airspace/types.ts';
import type { FlightPlanRequest } from '../protocol/index.ts';

/** The core's view of a plan request: times as epoch ms, F3548 shapes unpacked. */
export function toGeometry(req: FlightPlanRequest): PlanGeometry {
  if (req.route) {
    const r = req.route;
    return {
      route: {
        waypoints: r.waypoints.map((w) => ({ lat: w.lat, lon: w.lon, ...(w.alt === undefined ? {} : { alt: w.alt }) })),
        altitude: { value: r.altitude.value, reference: r.altitude.reference },
        speedMps: r.speedMps,
        departure: Date.parse(r.departure),
        takeoffAndLanding: r.takeoffAndLanding,
      },
    };
  }
  return {
    volumes: (req.volumes ?? []).map((v) => ({
      outline: v.volume.outline_polygon
        ? { polygon: v.volume.outline_polygon.vertices.map((p) => ({ lat: p.lat, lon: p.lng })) }
        : {
            circle: {
              center: { lat: v.volume.outline_circle!.center.lat, lon: v.volume.outline_circle!.center.lng },
              radiusM: v.volume.outline_circle!.radius.value,
            },
          },
      lower: plain(v.volume.altitude_lower),
      upper: plain(v.volume.altitude_upper),
      start: Date.parse(v.time_start.value),
      end: Date.parse(v.time_end.value),
    })),
  };
}

const plain = (a: Altitude): Altitude => ({ value: a.value, reference: a.reference });
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** The earliest moment the request asks for: departure, or the first volume's start. */
export function requestedStart(req: FlightPlanRequest): number {
  if (req.route) return Date.parse(req.route.departure);
  return Math.min(...(req.volumes ?? []).map((v) => Date.parse(v.time_start.value)));
}

/** The same request, flown `ms` later. */
export function delayed(req: FlightPlanRequest, ms: number): FlightPlanRequest {
  if (req.route) return { ...req, route: { ...req.route, departure: later(req.route.departure, ms) } };
  return {
    ...req,
    volumes: (req.volumes ?? []).map((v) => ({
      ...v,
      time_start: { ...v.time_start, value: later(v.time_start.value, ms) },
      time_end: { ...v.time_end, value: later(v.time_end.value, ms) },
    })),
  };
}

/** The same request, `deltaM` metres higher (every altitude it states). */
export function raised(req: FlightPlanRequest, deltaM: number): FlightPlanRequest {
  const up = (a: Altitude): Altitude => ({ ...a, value: a.value + deltaM });
  if (req.route) {
    return {
      ...req,
      route: {
        ...req.route,
        altitude: up(req.route.altitude),
        waypoints: req.route.waypoints.map((w) => (w.alt === undefined ? w : { ...w, alt: w.alt + deltaM })),
      },
    };
  }
  return {
    ...req,
    volumes: (req.volumes ?? []).map((v) => ({
      ...v,
      volume: { ...v.volume, altitude_lower: up(v.volume.altitude_lower), altitude_upper: up(v.volume.altitude_upper) },
    })),
  };
}

/** The altitude the request states (the route's, or the first volume's floor). */
export function statedAltitude(req: FlightPlanRequest): Altitude {
  if (req.route) return req.route.altitude;
  return req.volumes![0]!.volume.altitude_lower;
}
