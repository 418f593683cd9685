import type { ZoneFeature } from '../protocol/index.ts';
import type { ZoneRecord } from '../store/geofences.ts';

/**
 * What a zone feature (as `POST /api/v1/geofences` takes it, and as a zone file holds it) says of
 * its zone: name, kind, limits, validity as epoch milliseconds (null: open) and outline. One
 * reading for both, so a declared zone and an imported one mean the same by the same feature.
 */
export function zoneOfFeature(
  feature: ZoneFeature,
): Pick<ZoneRecord, 'name' | 'kind' | 'lower' | 'upper' | 'validFrom' | 'validTo' | 'geometry'> {
  const p = feature.properties;
  return {
    name: p.name,
    kind: p.kind,
    lower: p.lower,
    upper: p.upper,
    validFrom: p.validFrom ? Date.parse(p.validFrom) : null,
    validTo: p.validTo ? Date.parse(p.validTo) : null,
    geometry: feature.geometry,
  };
}
