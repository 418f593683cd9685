import { WebMercatorViewport } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';

/**
 * What the page shows, for end-to-end tests and for anyone curious in the console: tests read
 * the drones and layers drawn here instead of guessing from the canvas's pixels.
 */
export interface PageHooks {
  ready: boolean;
  status: string;
  drones(): Array<{ id: string; lon: number; lat: number; heightM: number; state: string; planState: string | null }>;
  /** Layer id → number of objects it draws. */
  layers(): Record<string, number>;
  selection(): { droneId: string | null; planId: string | null };
  /** Open alerts as the page lists them (the monitoring screen). */
  alerts?(): unknown[];
  /** Where a point at a height above the ground appears on screen, in CSS pixels of the map's container. */
  screenPosition(lon: number, lat: number, heightM: number): [number, number];
  /** Back to the view the page opened on. */
  home(): void;
  [extra: string]: unknown;
}

declare global {
  interface Window {
    __soramichi?: PageHooks;
  }
}

/** Projects as deck.gl draws (heights included), from the map's current camera. */
export function projector(map: MapLibreMap): PageHooks['screenPosition'] {
  return (lon, lat, heightM) => {
    const c = map.getCenter();
    const canvas = map.getCanvas();
    const viewport = new WebMercatorViewport({
      width: canvas.clientWidth,
      height: canvas.clientHeight,
      longitude: c.lng,
      latitude: c.lat,
      zoom: map.getZoom(),
      pitch: map.getPitch(),
      bearing: map.getBearing(),
    });
    const [x, y] = viewport.project([lon, lat, heightM]);
    return [x!, y!];
  };
}

export function expose(hooks: PageHooks): void {
  window.__soramichi = hooks;
}
