/** Local flat-earth geometry: exact enough over the few kilometres a simulated flight covers. */
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

export interface LatLon {
  lat: number;
  lon: number;
}

/** Metres north and east from `a` to `b`. */
export function offsetOf(a: LatLon, b: LatLon): { north: number; east: number } {
  return {
    north: (b.lat - a.lat) * RAD * EARTH_RADIUS_M,
    east: (b.lon - a.lon) * RAD * EARTH_RADIUS_M * Math.cos(a.lat * RAD),
  };
}

export function moveBy(p: LatLon, north: number, east: number): LatLon {
  return {
    lat: p.lat + north / EARTH_RADIUS_M / RAD,
    lon: p.lon + east / (EARTH_RADIUS_M * Math.cos(p.lat * RAD)) / RAD,
  };
}

export function distanceM(a: LatLon, b: LatLon): number {
  const { north, east } = offsetOf(a, b);
  return Math.hypot(north, east);
}

/** Degrees clockwise from north, in [0, 360). */
export function bearingDeg(north: number, east: number): number {
  return (Math.atan2(east, north) / RAD + 360) % 360;
}

/** Whether a point lies inside a polygon (ray casting on the local plane). */
export function insidePolygon(p: LatLon, ring: readonly LatLon[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a.lat > p.lat !== b.lat > p.lat && p.lon < ((b.lon - a.lon) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lon) {
      inside = !inside;
    }
  }
  return inside;
}
