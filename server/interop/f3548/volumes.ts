import { groundW84, toW84, type Datum } from '../../airspace/altitude.ts';
import { BadRequest } from '../../errors.ts';
import type { Altitude, F3548Altitude, F3548Volume4D } from '../../protocol/index.ts';
import type { FlightPlanRequestInput } from '../../protocol/index.ts';

/** A plan request's volumes as the native API takes them (before its own validation). */
export type NativeVolume = NonNullable<FlightPlanRequestInput['volumes']>[number];

interface LatLng {
  lat: number;
  lng: number;
}

/** The point the volumes' `Takeoff` altitudes count from: the first outline's first vertex or centre. */
function takeoffPoint(volumes: readonly F3548Volume4D[]): LatLng | null {
  const first = volumes[0]?.volume;
  return first?.outline_polygon?.vertices[0] ?? first?.outline_circle?.center ?? null;
}

/**
 * F3548 Volume4Ds (as another USS or InterUSS's tools send them) → the native request's volumes,
 * ready for the same arbiter as any plan. W84 stays W84; SFC is height above the ground under
 * each point (the native AGL); Takeoff is height above the ground at the take-off point, made W84
 * there. A volume the arbiter cannot hold (no outline, no floor, ceiling, start or end) is
 * refused naming the field, under `path` (e.g. `area`).
 */
export function fromF3548Volumes(volumes: readonly F3548Volume4D[], datum: Datum, path: string): NativeVolume[] {
  if (volumes.length === 0) throw BadRequest.field(path, 'at least one volume is needed to plan a flight');
  const takeoff = takeoffPoint(volumes);
  return volumes.map((v, i) => {
    const at = (field: string) => `${path}.${i}.${field}`;
    const need = <T>(value: T | undefined, field: string): T => {
      if (value === undefined) throw BadRequest.field(at(field), 'is needed to plan a flight');
      return value;
    };
    const altitude = (a: F3548Altitude | undefined, field: string): Altitude => {
      const given = need(a, field);
      if (given.reference === 'W84') return { value: given.value, reference: 'W84' };
      if (given.reference === 'SFC') return { value: given.value, reference: 'AGL' };
      return { value: given.value + groundW84(takeoff!.lat, takeoff!.lng, datum), reference: 'W84' };
    };
    const { outline_polygon: polygon, outline_circle: circle } = v.volume;
    if (polygon && circle) throw BadRequest.field(at('volume'), 'exactly one of outline_polygon and outline_circle');
    const outline = polygon
      ? { outline_polygon: { vertices: polygon.vertices.map((p) => ({ lat: p.lat, lng: p.lng })) } }
      : circle
        ? {
            outline_circle: {
              center: need(circle.center, 'volume.outline_circle.center'),
              radius: { value: need(circle.radius, 'volume.outline_circle.radius').value, units: 'M' as const },
            },
          }
        : need(undefined, 'volume.outline_polygon');
    return {
      volume: {
        ...outline,
        altitude_lower: altitude(v.volume.altitude_lower, 'volume.altitude_lower'),
        altitude_upper: altitude(v.volume.altitude_upper, 'volume.altitude_upper'),
      },
      time_start: { value: need(v.time_start, 'time_start').value, format: 'RFC3339' },
      time_end: { value: need(v.time_end, 'time_end').value, format: 'RFC3339' },
    };
  });
}

/**
 * The native request's volumes → F3548 Volume4Ds (W84 and SFC only, times in Z), for telling
 * other USSs what a plan holds. AMSL becomes W84 through the geoid, taken where it makes the
 * volume larger (lowest under the floor, highest under the ceiling).
 */
export function toF3548Volumes(
  volumes: ReadonlyArray<{
    volume: {
      outline_polygon?: { vertices: LatLng[] } | undefined;
      outline_circle?: { center: LatLng; radius: { value: number } } | undefined;
      altitude_lower: Altitude;
      altitude_upper: Altitude;
    };
    time_start: { value: string };
    time_end: { value: string };
  }>,
  datum: Datum,
): F3548Volume4D[] {
  return volumes.map((v) => {
    const points = v.volume.outline_polygon?.vertices ?? [v.volume.outline_circle!.center];
    const altitude = (a: Altitude, pick: (...xs: number[]) => number): F3548Altitude => {
      if (a.reference === 'W84') return { value: a.value, reference: 'W84', units: 'M' };
      if (a.reference === 'AGL') return { value: a.value, reference: 'SFC', units: 'M' };
      return { value: pick(...points.map((p) => toW84(a, p.lat, p.lng, datum))), reference: 'W84', units: 'M' };
    };
    const z = (iso: string) => new Date(Date.parse(iso)).toISOString();
    return {
      volume: {
        ...(v.volume.outline_polygon
          ? { outline_polygon: { vertices: v.volume.outline_polygon.vertices.map(({ lat, lng }) => ({ lat, lng })) } }
          : {
              outline_circle: {
                center: { lat: v.volume.outline_circle!.center.lat, lng: v.volume.outline_circle!.center.lng },
                radius: { value: v.volume.outline_circle!.radius.value, units: 'M' as const },
              },
            }),
        altitude_lower: altitude(v.volume.altitude_lower, Math.min),
        altitude_upper: altitude(v.volume.altitude_upper, Math.max),
      },
      time_start: { value: z(v.time_start.value), format: 'RFC3339' },
      time_end: { value: z(v.time_end.value), format: 'RFC3339' },
    };
  });
}

/** Where and when an F3548 volume lies, as a box and a window (null: open on that side). */
export function extentOf(v: F3548Volume4D): {
  bbox: [number, number, number, number];
  from: number | null;
  to: number | null;
} {
  let lats: number[];
  let lngs: number[];
  const polygon = v.volume.outline_polygon;
  const circle = v.volume.outline_circle;
  if (polygon) {
    lats = polygon.vertices.map((p) => p.lat);
    lngs = polygon.vertices.map((p) => p.lng);
  } else if (circle?.center) {
    const r = circle.radius?.value ?? 0;
    const dLat = r / 111_195;
    const dLng = dLat / Math.max(Math.cos((circle.center.lat * Math.PI) / 180), 1e-6);
    lats = [circle.center.lat - dLat, circle.center.lat + dLat];
    lngs = [circle.center.lng - dLng, circle.center.lng + dLng];
  } else {
    lats = [-90, 90];
    lngs = [-180, 180];
  }
  return {
    bbox: [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)],
    from: v.time_start ? Date.parse(v.time_start.value) : null,
    to: v.time_end ? Date.parse(v.time_end.value) : null,
  };
}
