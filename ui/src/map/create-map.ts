import { MapLibreOverlay } from '@deck.gl/maplibre';
import { AttributionControl, Map as MapLibreMap, NavigationControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { UiConfig } from '../../../server/protocol/index.ts';
import { baseStyle } from './style.ts';

// Bundled, the worker is not where MapLibre would look for it beside its own module.
setWorkerUrl(workerUrl);

export interface MapHandle {
  map: MapLibreMap;
  overlay: MapLibreOverlay;
  /** Back to the view the map opened on. */
  home(): void;
  /** Resolves once the style is loaded and the overlay can draw. */
  ready: Promise<void>;
}

/** MapLibre for the ground, zones and buildings; deck.gl interleaved on top for everything that moves. */
const WORLD: [number, number, number, number] = [-180, -60, 180, 75];
// Room for the panels on the left and at the bottom.
const PADDING = { left: 380, right: 40, top: 20, bottom: 100 };

export function createMap(container: HTMLElement, config: UiConfig): MapHandle {
  const bounds = config.bounds ?? WORLD;
  const map = new MapLibreMap({
    container,
    style: baseStyle(config, location.href),
    bounds,
    fitBoundsOptions: { padding: PADDING },
    pitch: 45,
    maxPitch: 80,
    attributionControl: false,
    canvasContextAttributes: { antialias: false },
  });
  map.addControl(new NavigationControl({ visualizePitch: true }), 'top-right');
  map.addControl(new AttributionControl({ compact: false, customAttribution: 'soramichi' }), 'bottom-right');
  const overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
  map.addControl(overlay);
  const ready = new Promise<void>((resolve) => map.once('load', () => resolve()));
  const home = () => map.fitBounds(bounds, { padding: PADDING, pitch: 45, bearing: 0, duration: 0 });
  return { map, overlay, ready, home };
}
