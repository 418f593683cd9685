/**
 * A display provider's view: the smallest latitude-longitude box with the two given corners. It
 * may cross the antimeridian, when that makes the box smaller (the width of the box never exceeds
 * 180° of longitude).
 */
export interface View {
  south: number;
  north: number;
  /** The western edge; greater than `east` when the box crosses the antimeridian. */
  west: number;
  east: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Parses `lat1,lng1,lat2,lng2`; answers the reason when it is not one. */
export function parseView(text: string): View | string {
  const parts = text.split(',');
  if (parts.length !== 4) return 'must be lat1,lng1,lat2,lng2 (four comma-separated numbers)';
  const n = parts.map((p) => (p.trim() ? Number(p) : NaN));
  if (n.some((x) => !Number.isFinite(x))) return 'must be lat1,lng1,lat2,lng2 (four comma-separated numbers)';
  const [lat1, lng1, lat2, lng2] = n as [number, number, number, number];
  if (Math.abs(lat1) > 90 || Math.abs(lat2) > 90) return 'latitudes must be within [-90, 90]';
  if (Math.abs(lng1) > 180 || Math.abs(lng2) > 180) return 'longitudes must be within [-180, 180]';
  const [a, b] = lng1 <= lng2 ? [lng1, lng2] : [lng2, lng1];
  const crosses = b - a > 180;
  return {
    south: Math.min(lat1, lat2),
    north: Math.max(lat1, lat2),
    west: crosses ? b : a,
    east: crosses ? a : b,
  };
}

/** The great-circle distance from the south-west corner to the north-east corner, km. */
export function diagonalKm(v: View): number {
  return distanceKm(v.south, v.west, v.north, v.east);
}

export function contains(v: View, lat: number, lng: number): boolean {
  if (lat < v.south || lat > v.north) return false;
  return v.west <= v.east ? lng >= v.west && lng <= v.east : lng >= v.west || lng <= v.east;
}

/** Whether any point of the box (south, north, west ≤ east: not across the antimeridian) may lie in the view. */
export function overlaps(v: View, box: { south: number; north: number; west: number; east: number }): boolean {
  if (box.north < v.south || box.south > v.north) return false;
  if (v.west <= v.east) return box.east >= v.west && box.west <= v.east;
  return box.east >= v.west || box.west <= v.east;
}

function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const h =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
