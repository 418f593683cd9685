import { buffer, polygon as turfPolygon } from '@turf/turf';
import { getHexagonEdgeLengthAvg, polygonToCells } from 'h3-js';
import { bandsBetween, toW84, type Datum } from './altitude.ts';
import { fromLocal, localFrame } from './geo.ts';
import { mergeKeys } from './keys.ts';
import type { AirspaceParams, Altitude, LatLon, SkyKey } from './types.ts';

/** An F3548 Volume4D in the core's terms: an outline, a floor and ceiling, a time window. */
export interface VolumeSpec {
  outline: { polygon: LatLon[] } | { circle: { center: LatLon; radiusM: number } };
  lower: Altitude;
  upper: Altitude;
  /** Epoch ms. */
  start: number;
  end: number;
}

/**
 * H3 cells are not all the same size; this bounds a cell's circumradius by its resolution's
 * average edge (a regular hexagon's circumradius equals its edge) with room for H3's distortion.
 */
const CIRCUMRADIUS_PER_EDGE = 1.25;
const SLACK_M = 1;
const CIRCLE_STEPS = 48;

/**
 * Keys of a set of volumes. A volume says the aircraft may be anywhere inside it, so every cell
 * that comes within lateralBufferM of the outline is held for the whole window (widened by the
 * time tolerances), over the bands from floor to ceiling widened by verticalBufferM — the same
 * separation guarantee as a route's sky road.
 */
export function skyRoadOfVolumes(volumes: readonly VolumeSpec[], datum: Datum, params: AirspaceParams): SkyKey[] {
  const reach =
    params.lateralBufferM + getHexagonEdgeLengthAvg(params.h3Resolution, 'm') * CIRCUMRADIUS_PER_EDGE + SLACK_M;
  const keys: SkyKey[] = [];
  for (const v of volumes) {
    const ring = outlineRing(v.outline, reach);
    const grown = buffer(turfPolygon([ring]), 'polygon' in v.outline ? reach : 0, { units: 'meters' });
    if (!grown) continue;
    const lower = Math.min(...ring.map(([lon, lat]) => toW84(v.lower, lat!, lon!, datum)));
    const upper = Math.max(...ring.map(([lon, lat]) => toW84(v.upper, lat!, lon!, datum)));
    const { bandLo, bandHi } = bandsBetween(
      lower - params.verticalBufferM,
      upper + params.verticalBufferM,
      params.bandHeightM,
    );
    const t0 = v.start - params.timeBeforeS * 1000;
    const t1 = v.end + params.timeAfterS * 1000;
    for (const cell of polygonToCells(grown.geometry.coordinates as number[][][], params.h3Resolution, true)) {
      keys.push({ cell, bandLo, bandHi, t0, t1 });
    }
  }
  return mergeKeys(keys);
}

/** The outline as a closed GeoJSON ring ([lon, lat]); a circle comes already grown by `reach`. */
function outlineRing(outline: VolumeSpec['outline'], reach: number): number[][] {
  if ('polygon' in outline) {
    const ring = outline.polygon.map((p) => [p.lon, p.lat]);
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) ring.push([...first]);
    return ring;
  }
  const { center, radiusM } = outline.circle;
  const frame = localFrame(center);
  const r = (radiusM + reach) / Math.cos(Math.PI / CIRCLE_STEPS);
  const ring: number[][] = [];
  for (let i = 0; i <= CIRCLE_STEPS; i++) {
    const a = (2 * Math.PI * (i % CIRCLE_STEPS)) / CIRCLE_STEPS;
    const p = fromLocal(frame, r * Math.cos(a), r * Math.sin(a));
    ring.push([p.lon, p.lat]);
  }
  return ring;
}
