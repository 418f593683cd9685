import type { StyleSpecification } from 'maplibre-gl';
import type { UiConfig } from '../../../server/protocol/index.ts';
import { ZONE_COLOR } from './colors.ts';

const EMPTY = { type: 'FeatureCollection' as const, features: [] };
const zoneColor = ['match', ['get', 'kind'], ...Object.entries(ZONE_COLOR).flat(), '#9e9e9e'];

/**
 * The base map. Offline by default: no fonts, no sprites, no tiles — a plain ground with the
 * city's outline and water from the base-map file, zones and buildings from the geofences, all
 * served by soramichi itself. A configured tile URL is drawn underneath, with its attribution.
 */
export function baseStyle(config: UiConfig, pageUrl: string): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: { zones: { type: 'geojson', data: EMPTY } },
    layers: [{ id: 'ground', type: 'background', paint: { 'background-color': '#eceee8' } }],
  };
  if (config.tiles) {
    style.sources.tiles = {
      type: 'raster',
      tiles: [config.tiles.url],
      tileSize: 256,
      maxzoom: 18,
      attribution: config.tiles.attribution,
    };
    style.layers.push({ id: 'tiles', type: 'raster', source: 'tiles' });
  }
  if (config.basemapUrl) {
    style.sources.basemap = { type: 'geojson', data: new URL(config.basemapUrl, pageUrl).href };
    const of = (layer: string) => ['==', ['get', 'layer'], layer] as ['==', ['get', string], string];
    style.layers.push(
      { id: 'water', type: 'fill', source: 'basemap', filter: of('water'), paint: { 'fill-color': '#b3d1e6' } },
      {
        id: 'rivers',
        type: 'line',
        source: 'basemap',
        filter: of('river'),
        paint: { 'line-color': '#8fbad8', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 16, 8] },
      },
      {
        id: 'city-outline',
        type: 'line',
        source: 'basemap',
        filter: of('outline'),
        paint: { 'line-color': '#5d6b78', 'line-width': 2, 'line-dasharray': [4, 2] },
      },
    );
  }
  style.layers.push(
    {
      id: 'zone-footprints',
      type: 'fill',
      source: 'zones',
      filter: ['all', ['!', ['get', 'building']], ['!', ['get', 'wide']]],
      paint: { 'fill-color': zoneColor as never, 'fill-opacity': 0.08 },
    },
    {
      id: 'zone-edges',
      type: 'line',
      source: 'zones',
      filter: ['!', ['get', 'building']],
      paint: { 'line-color': zoneColor as never, 'line-width': 1.5, 'line-opacity': 0.9 },
    },
    {
      id: 'buildings',
      type: 'fill-extrusion',
      source: 'zones',
      filter: ['get', 'building'],
      paint: {
        'fill-extrusion-color': '#b0aca4',
        'fill-extrusion-base': ['get', 'base'],
        'fill-extrusion-height': ['get', 'top'],
        'fill-extrusion-opacity': 0.9,
      },
    },
    {
      id: 'zones-3d',
      type: 'fill-extrusion',
      source: 'zones',
      filter: ['all', ['!', ['get', 'building']], ['!', ['get', 'wide']]],
      paint: {
        'fill-extrusion-color': zoneColor as never,
        'fill-extrusion-base': ['get', 'base'],
        'fill-extrusion-height': ['get', 'top'],
        'fill-extrusion-opacity': 0.18,
      },
    },
  );
  return style;
}
