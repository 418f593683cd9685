import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Geofence } from '../../../server/protocol/index.ts';
import { inBackground } from '../background.ts';

/** A zone whose top is higher than this above its floor is drawn this tall: a lid, not a wall to the sky. */
const MAX_DRAWN_THICKNESS_M = 120;
/** Zones wider than this (a whole city, an airport's surfaces) are outlined, not raised: they would veil the map. */
const MAX_RAISED_SPAN_DEG = 0.06;

function span(geometry: Geofence['geometry']): number {
  const rings = geometry.type === 'Polygon' ? [geometry.coordinates[0]!] : geometry.coordinates.map((p) => p[0]!);
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings)
    for (const [lon, lat] of ring) {
      w = Math.min(w, lon!);
      e = Math.max(e, lon!);
      s = Math.min(s, lat!);
      n = Math.max(n, lat!);
    }
  return Math.max(e - w, n - s);
}

/**
 * Zones and buildings (PLATEAU obstacles are zones too) for MapLibre's fill-extrusion: base and
 * top in metres above the modelled ground, from their W84 floor and ceiling.
 */
export function zoneFeatures(zones: readonly Geofence[], groundW84M: number): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: zones.map((z) => {
      const p = z.properties;
      const building = p.origin === 'plateau';
      const base = Math.max(0, p.floorW84.min - groundW84M);
      const top = Math.max(base + 1, p.ceilingW84.max - groundW84M);
      return {
        type: 'Feature',
        id: z.id,
        geometry: z.geometry,
        properties: {
          id: z.id,
          name: p.name,
          kind: p.kind,
          building,
          wide: !building && span(z.geometry) > MAX_RAISED_SPAN_DEG,
          base: building ? 0 : base,
          top: building ? top : Math.min(top, base + MAX_DRAWN_THICKNESS_M),
        },
      };
    }),
  };
}

export function showZones(map: MapLibreMap, zones: readonly Geofence[], groundW84M: number): void {
  const drawn = map.getSource<GeoJSONSource>('zones')?.setData(zoneFeatures(zones, groundW84M));
  if (drawn) inBackground('drawing the zones', drawn);
}
