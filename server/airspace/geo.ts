import type { LatLon } from './types.ts';

/** Mean Earth radius (IUGG), the one H3 uses for its own distances. */
export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/**
 * A local east/north plane in metres around an origin. An equirectangular projection is within
 * centimetres of the sphere over the few hundred metres the core ever measures in one frame
 * (segments are split before they grow longer), and it is far cheaper than haversine in the
 * inner loops.
 */
export interface LocalFrame {
  originLat: number;
  originLon: number;
  /** Metres per degree of longitude at the origin. */
  mPerDegLon: number;
  /** Metres per degree of latitude. */
  mPerDegLat: number;
}

export function localFrame(origin: LatLon): LocalFrame {
  const mPerDegLat = EARTH_RADIUS_M * RAD;
  return {
    originLat: origin.lat,
    originLon: origin.lon,
    mPerDegLat,
    mPerDegLon: mPerDegLat * Math.cos(origin.lat * RAD),
  };
}

export function toLocal(frame: LocalFrame, lat: number, lon: number): { x: number; y: number } {
  return { x: (lon - frame.originLon) * frame.mPerDegLon, y: (lat - frame.originLat) * frame.mPerDegLat };
}

export function fromLocal(frame: LocalFrame, x: number, y: number): LatLon {
  return { lat: frame.originLat + y / frame.mPerDegLat, lon: frame.originLon + x / frame.mPerDegLon };
}

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Point at fraction `f` of the way from a to b (linear in degrees; segments here are short). */
export function lerpLatLon(a: LatLon, b: LatLon, f: number): LatLon {
  return { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f };
}
