import { toW84, type Datum } from '../airspace/altitude.ts';
import type { Altitude, Geofence } from '../protocol/index.ts';
import type { ZoneRecord } from '../store/geofences.ts';

/** Points of an outline the W84 limits are evaluated at (besides its centre). */
const MAX_SAMPLES = 256;

/**
 * A stored zone as GeoJSON: its definition as given (limits in their own reference, source,
 * authority, original definition) and its floor and ceiling in W84 over the outline — the same
 * for every point when defined in W84, varying with the geoid and the ground otherwise.
 */
export function zoneToGeofence(zone: ZoneRecord, datum: Datum): Geofence {
  const points = samplePoints(zone);
  return {
    type: 'Feature',
    id: zone.id,
    geometry: zone.geometry,
    properties: {
      ...zone.properties,
      id: zone.id,
      name: zone.name,
      kind: zone.kind,
      origin: zone.origin,
      lower: zone.lower,
      upper: zone.upper,
      floorW84: rangeW84(zone.lower, points, datum),
      ceilingW84: rangeW84(zone.upper, points, datum),
      validFrom: zone.validFrom === null ? null : new Date(zone.validFrom).toISOString(),
      validTo: zone.validTo === null ? null : new Date(zone.validTo).toISOString(),
    },
  };
}

function samplePoints(zone: ZoneRecord): number[][] {
  const outlines =
    zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates[0]!] : zone.geometry.coordinates.map((p) => p[0]!);
  const all = outlines.flat();
  const step = Math.max(1, Math.ceil(all.length / MAX_SAMPLES));
  const out: number[][] = [];
  let minLon = Infinity,
    minLat = Infinity,
    maxLon = -Infinity,
    maxLat = -Infinity;
  for (let i = 0; i < all.length; i++) {
    const [lon, lat] = all[i]!;
    minLon = Math.min(minLon, lon!);
    maxLon = Math.max(maxLon, lon!);
    minLat = Math.min(minLat, lat!);
    maxLat = Math.max(maxLat, lat!);
    if (i % step === 0) out.push(all[i]!);
  }
  out.push([(minLon + maxLon) / 2, (minLat + maxLat) / 2]);
  return out;
}

function rangeW84(altitude: Altitude, points: number[][], datum: Datum): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const [lon, lat] of points) {
    const h = toW84(altitude, lat!, lon!, datum);
    min = Math.min(min, h);
    max = Math.max(max, h);
  }
  return { min: Math.round(min * 100) / 100, max: Math.round(max * 100) / 100 };
}
