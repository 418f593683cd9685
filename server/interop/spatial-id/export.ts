import type { Datum } from '../../airspace/altitude.ts';
import { SpatialIdLimitExceeded, voxelsOfKeys, voxelsOfZone, type VoxelTimes } from '../../airspace/spatial-cover.ts';
import { voxelHeightM } from '../../airspace/spatial-id.ts';
import { TileBudgetExceeded } from '../../airspace/spatial-tiles.ts';
import type { SkyKey } from '../../airspace/types.ts';
import { BadRequest } from '../../errors.ts';
import { zoneTimes } from '../../geofences/schedule.ts';
import {
  MAX_SPATIAL_IDS,
  type PlanSpatialIdQuery,
  type SpatialIdReference,
  type SpatialIdSet,
  type ZoneSchedule,
} from '../../protocol/index.ts';
import type { ZoneRecord } from '../../store/geofences.ts';
import type { PlanRecord } from '../../store/plans.ts';

interface Asked {
  zoom: number;
  reference: SpatialIdReference;
  interval?: number | undefined;
}

/** The longest window a zone's IDs are listed over: its daily schedule is expanded day by day. */
export const MAX_ZONE_WINDOW_MS = 31 * 86_400_000;
/** A zone listed without `to`: a day of it. */
export const DEFAULT_ZONE_WINDOW_MS = 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** A cover as the wire answer; one past the limit is a 400 that names it. */
function answer(what: string, q: Asked, cover: () => VoxelTimes): SpatialIdSet {
  try {
    const voxels = cover();
    const groups = q.interval ? voxels.slots(q.interval) : voxels.groups();
    return {
      zoom: q.zoom,
      voxelHeightM: voxelHeightM(q.zoom),
      reference: q.reference,
      interval: q.interval ?? null,
      count: groups.reduce((n, g) => n + g.ids.length, 0),
      groups: groups.map((g) => ({ start: iso(g.start), end: iso(g.end), ids: g.ids })),
    };
  } catch (err) {
    const finer = q.interval ? ' or a longer interval' : '';
    if (err instanceof SpatialIdLimitExceeded) {
      throw BadRequest.field(
        'zoom',
        `${what} is more than ${err.limit} spatial IDs at zoom ${q.zoom}${q.interval ? ` in slots of ${q.interval} s` : ''}; at most ${err.limit} in one answer: choose a coarser zoom${finer}`,
      );
    }
    if (err instanceof TileBudgetExceeded) {
      throw BadRequest.field(
        'zoom',
        `${what} takes more than ${err.limit} tile tests at zoom ${q.zoom} (at least ${err.needed}): choose a coarser zoom`,
      );
    }
    throw err;
  }
}

/**
 * A plan's sky road as spatial IDs: each voxel when the road holds it there (`cell`), or every
 * voxel over the whole reservation (`plan`), as a national reservation takes one window.
 */
export function planSpatialIds(
  plan: PlanRecord,
  keys: readonly SkyKey[],
  q: PlanSpatialIdQuery,
  bandHeightM: number,
  datum: Datum,
): SpatialIdSet {
  const held = q.timing === 'plan' ? keys.map((k) => ({ ...k, t0: plan.timeStart, t1: plan.timeEnd })) : keys;
  const o = { z: q.zoom, reference: q.reference, datum, limit: MAX_SPATIAL_IDS };
  return answer(`plan ${plan.id}`, q, () => voxelsOfKeys(held, bandHeightM, o));
}

/** The window [from, to) a listing covers: from now, a day unless said, at most MAX_ZONE_WINDOW_MS. */
export function zoneWindow(q: { from?: string | undefined; to?: string | undefined }, now: number) {
  const from = q.from ? Date.parse(q.from) : now;
  const to = q.to ? Date.parse(q.to) : from + DEFAULT_ZONE_WINDOW_MS;
  if (to <= from) throw BadRequest.field('to', 'must be after from');
  if (to - from > MAX_ZONE_WINDOW_MS) throw BadRequest.field('to', 'must be at most 31 days after from');
  return { from, to };
}

/** A zone as spatial IDs, held in each window it applies within [from, to). */
export function zoneSpatialIds(
  zone: ZoneRecord,
  q: Asked & { from?: string | undefined; to?: string | undefined },
  now: number,
  datum: Datum,
): SpatialIdSet {
  const span = zoneWindow(q, now);
  const schedule = zone.properties['schedule'] as ZoneSchedule | undefined;
  const windows = zoneTimes(zone.validFrom, zone.validTo, schedule, span)
    .windows.map((w) => ({ from: Math.max(w.from ?? span.from, span.from), to: Math.min(w.to ?? span.to, span.to) }))
    .filter((w) => w.to > w.from);
  const polygons = zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates;
  const o = { z: q.zoom, reference: q.reference, datum, limit: MAX_SPATIAL_IDS };
  return answer(`zone ${zone.id}`, q, () =>
    voxelsOfZone({ polygons, lower: zone.lower, upper: zone.upper }, windows, o),
  );
}

/** Reserved airspace of an area as spatial IDs: tiles overlapping the box, times within [from, to). */
export function airspaceSpatialIds(
  keys: readonly SkyKey[],
  q: Asked & { bbox: [number, number, number, number] },
  window: { from: number; to: number },
  bandHeightM: number,
  datum: Datum,
): SpatialIdSet {
  const o = { z: q.zoom, reference: q.reference, datum, limit: MAX_SPATIAL_IDS };
  return answer('the reserved airspace of the box', q, () =>
    voxelsOfKeys(keys, bandHeightM, o, { window, area: q.bbox }),
  );
}
