import { boxesOfVoxels, type HeldVoxel } from '../../airspace/spatial-boxes.ts';
import { parseSpatialId, slotWindow, tileBounds, voxelHeightM } from '../../airspace/spatial-id.ts';
import { BadRequest } from '../../errors.ts';
import { parse } from '../../http/validate.ts';
import { FlightPlanRequest, type FlightPlanRequestInput, type SpatialIdPlanRequest } from '../../protocol/index.ts';
import { LIMITS } from '../../limits.ts';

/** A plan's altitudes and times stay where the native API accepts them. */
const MIN_ALTITUDE_M = -500;
const MAX_ALTITUDE_M = 20_000;
const MAX_LATITUDE = 85;
const YEAR_3000 = Date.UTC(3000, 0, 1);

/** The native request made of a spatial-ID reservation, and which group gave each of its volumes. */
export interface FromSpatialIds {
  request: FlightPlanRequest;
  /** Index in `spatialIds` of the group behind each volume. */
  sources: number[];
  /** Whether each group's IDs carry their own time (_i/t). */
  timed: boolean[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A reservation given as spatial IDs → an ordinary plan request of volumes, for the same arbiter
 * as every plan: each voxel is its tile extruded from f·H to (f+1)·H in the IDs' datum (AMSL goes
 * to W84 through the geoid as any AMSL altitude does), held over its group's window or its own
 * slot; voxels are joined into as few outlines as keep them exact. Refused naming the ID when one
 * lies where no plan may (beyond ±85°, below −500 m or above 20,000 m, outside 1970–2999).
 */
export function fromSpatialIds(body: SpatialIdPlanRequest): FromSpatialIds {
  const held: HeldVoxel[] = [];
  const timed: boolean[] = [];
  body.spatialIds.forEach((group, g) => {
    timed.push(group.ids.some((id) => id.includes('_')));
    group.ids.forEach((text, k) => {
      const path = `spatialIds.${g}.ids.${k}`;
      const id = parseSpatialId(text);
      if (typeof id === 'string') throw BadRequest.field(path, id);
      const b = tileBounds(id.z, id.x, id.y);
      if (b.north > MAX_LATITUDE || b.south < -MAX_LATITUDE) {
        throw BadRequest.field(path, `the tile reaches beyond latitude ±${MAX_LATITUDE}`);
      }
      const h = voxelHeightM(id.z);
      if (id.f * h < MIN_ALTITUDE_M || (id.f + 1) * h > MAX_ALTITUDE_M) {
        throw BadRequest.field(
          path,
          `the voxel spans ${id.f * h}–${(id.f + 1) * h} m; a plan lies within ${MIN_ALTITUDE_M}–${MAX_ALTITUDE_M} m`,
        );
      }
      const window = id.slot
        ? slotWindow(id.slot.i, id.slot.t)
        : { start: Date.parse(group.start!), end: Date.parse(group.end!) };
      if (window.start < 0 || window.end > YEAR_3000) throw BadRequest.field(path, 'the slot lies outside 1970–2999');
      held.push({ voxel: id, ...window, source: g });
    });
  });

  const boxes = boxesOfVoxels(held);
  if (boxes.length > LIMITS.maxVolumes) {
    throw BadRequest.field(
      'spatialIds',
      `the IDs join into ${boxes.length} volumes (one per patch of voxels sharing a window and floors); a plan holds at most ${LIMITS.maxVolumes}: give fewer windows or fewer separate patches`,
    );
  }
  const vertices = boxes.reduce((n, b) => n + b.outline.length, 0);
  if (vertices > LIMITS.maxPlanVertices) {
    throw BadRequest.field(
      'spatialIds',
      `the IDs' outlines have ${vertices} corners; a plan has at most ${LIMITS.maxPlanVertices}: give a coarser zoom`,
    );
  }
  const { spatialIds: _ids, reference, ...particulars } = body;
  const native: FlightPlanRequestInput = {
    ...particulars,
    volumes: boxes.map((b) => ({
      volume: {
        outline_polygon: { vertices: b.outline.map((p) => ({ lat: p.lat, lng: p.lon })) },
        altitude_lower: { value: b.floorM, reference },
        altitude_upper: { value: b.ceilingM, reference },
      },
      time_start: { value: iso(b.start), format: 'RFC3339' },
      time_end: { value: iso(b.end), format: 'RFC3339' },
    })),
  };
  const sources = boxes.map((b) => b.source);
  try {
    return { request: parse(FlightPlanRequest, native, 'body'), sources, timed };
  } catch (err) {
    throw relabel(err, sources, timed);
  }
}

/**
 * Runs `fn`; a refusal naming the native request's volumes (its times in the past, its area too
 * large) comes back naming the group of spatial IDs the volume came from.
 */
export async function relabelled<T>(made: FromSpatialIds, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw relabel(err, made.sources, made.timed);
  }
}

function relabel(err: unknown, sources: readonly number[], timed: readonly boolean[]): unknown {
  if (!(err instanceof BadRequest)) return err;
  const issues = err.issues.map((i) => ({ ...i, path: groupPath(i.path, sources, timed) }));
  if (issues.length === 0) return err;
  return new BadRequest(`${issues[0]!.path}: ${issues[0]!.message}`, issues);
}

function groupPath(path: string, sources: readonly number[], timed: readonly boolean[]): string {
  const m = /^volumes(?:\.(\d+)(?:\.(\w+))?)?/.exec(path);
  if (!m) return path;
  if (m[1] === undefined) return 'spatialIds';
  const g = sources[Number(m[1])] ?? 0;
  if (!timed[g] && m[2] === 'time_start') return `spatialIds.${g}.start`;
  if (!timed[g] && m[2] === 'time_end') return `spatialIds.${g}.end`;
  return `spatialIds.${g}.ids`;
}
