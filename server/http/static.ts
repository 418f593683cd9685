import fs from 'node:fs';
import path from 'node:path';
import { bbox } from '@turf/turf';
import express, { Router, type RequestHandler } from 'express';
import type { Datum } from '../airspace/altitude.ts';
import type { Logger } from '../log.ts';
import { LIVE_CELL_RESOLUTION, LIVE_FRAME_INTERVAL_MS, MAX_VIEWPORT_CELLS, type UiConfig } from '../protocol/live.ts';

export interface UiOptions {
  /** The built pages (`npm run build:ui` writes them to dist/ui). */
  dir: string;
  tiles: { url: string; attribution: string } | null;
  /** Outline and water of the city as GeoJSON, or null. */
  basemapFile: string | null;
  telemetryStaleMs: number;
}

export interface Ui {
  config: UiConfig;
  router: Router;
}

/**
 * The web UI: the monitoring screen at `/`, the operator page at `/plan`, their assets, the
 * configuration they read first (`/config.json`) and the base map (`/basemap.geojson`).
 */
export function ui(options: UiOptions, datum: Datum, log: Logger): Ui {
  const basemap = readBasemap(options.basemapFile, log);
  const bounds = basemap ? extent(basemap) : null;
  const [lon, lat] = bounds ? [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2] : [0, 0];
  const config: UiConfig = {
    tiles: options.tiles,
    basemapUrl: basemap ? '/basemap.geojson' : null,
    bounds,
    groundW84M: datum.terrainElevation(lat, lon) + datum.geoidUndulation(lat, lon),
    telemetryStaleMs: options.telemetryStaleMs,
    live: {
      cellResolution: LIVE_CELL_RESOLUTION,
      maxViewportCells: MAX_VIEWPORT_CELLS,
      frameIntervalMs: LIVE_FRAME_INTERVAL_MS,
    },
  };

  const r = Router();
  r.get('/config.json', (_req, res) => void res.json(config));
  if (basemap) r.get('/basemap.geojson', (_req, res) => void res.type('application/geo+json').json(basemap));
  r.get('/', page(options.dir, 'index.html'));
  r.get('/plan', page(options.dir, 'plan.html'));
  r.use('/assets', express.static(path.join(options.dir, 'assets'), { immutable: true, maxAge: '1y' }));
  return { config, router: r };
}

function page(dir: string, file: string): RequestHandler {
  const full = path.resolve(dir, file);
  return (_req, res) => {
    if (!fs.existsSync(full)) {
      return void res
        .status(503)
        .type('text/plain')
        .send(`The web UI is not built (${full} is missing): run \`npm run build:ui\`; \`npm start\` does it for you.`);
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(full);
  };
}

/** The file's own `bbox` (2D or 3D) when it has one, else its features' extent. */
function extent(fc: GeoJSON.FeatureCollection): [number, number, number, number] {
  const b = fc.bbox ?? bbox(fc);
  return b.length === 6 ? [b[0], b[1], b[3], b[4]] : [b[0], b[1], b[2], b[3]];
}

function readBasemap(file: string | null, log: Logger): GeoJSON.FeatureCollection | null {
  if (!file) return null;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as GeoJSON.FeatureCollection;
  } catch (err) {
    log.warn({ err, file }, 'base map not read: the map draws without outline and water');
    return null;
  }
}
