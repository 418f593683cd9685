import { z } from 'zod';
import { Alert } from './alerts.ts';
import { AnonymousFlightPlan, FlightPlan } from './flight-plans.ts';

/**
 * The `/live` socket.io namespace: what the map receives. Drones travel as compact arrays in
 * coalesced frames (a few per second, only what changed in the viewer's viewport); plans, zones,
 * alerts and link changes as events.
 */

/** H3 resolution the stream indexes drones and viewports by: cells of about 3 km edge. */
export const LIVE_CELL_RESOLUTION = 6;
/** Cells a viewport may name; a wider view names coarser cells. */
export const MAX_VIEWPORT_CELLS = 2000;
/** At most one frame per viewer per this many milliseconds. */
export const LIVE_FRAME_INTERVAL_MS = 200;

const H3Cell = z.string().regex(/^[0-9a-f]{15}$/, 'must be an H3 cell index (15 hex digits)');

/** Viewer → server, event `subscribe`, answered (ack) with a LiveSnapshot. */
export const LiveSubscribe = z.object({
  cells: z
    .array(H3Cell)
    .max(MAX_VIEWPORT_CELLS, `a viewport names at most ${MAX_VIEWPORT_CELLS} cells`)
    .describe(`H3 cells at resolution ${LIVE_CELL_RESOLUTION} or coarser that cover the viewport`),
  /** Also send every live plan and open alert: on (re)connect, not on a pan. */
  full: z.boolean().default(false),
});

export const LinkCode = { live: 0, stale: 1, lost: 2 } as const;

/**
 * One drone, as an array to keep frames small (names would triple them):
 * [droneId, lon, lat, altW84 m, altRelative m, headingDeg, groundSpeed m/s, verticalSpeed m/s,
 *  battery %, link (0 live, 1 stale, 2 lost), sample time ms, received-at ms, mode, armed].
 */
export const DroneRow = z.tuple([
  z.string(),
  z.number(),
  z.number(),
  z.number(),
  z.number().nullable(),
  z.number().nullable(),
  z.number().nullable(),
  z.number().nullable(),
  z.number().nullable(),
  z.union([z.literal(0), z.literal(1), z.literal(2)]),
  z.number(),
  z.number(),
  z.string().nullable(),
  z.boolean(),
]);

/** Server → viewer, event `frame` (volatile): the drones that changed in the viewport since the last frame. */
export const LiveFrame = z.object({
  /** Server clock when the frame was made, epoch ms: ages are reckoned against it, not the viewer's clock. */
  now: z.number(),
  drones: z.array(DroneRow),
});

/** A plan on the stream: whole for its operator, monitors and administrators; anonymous for everyone else. */
export const LivePlan = z.union([FlightPlan, AnonymousFlightPlan]);

/**
 * The answer to `subscribe`: every drone in the viewport, and with `full` every live plan and the
 * open alerts the viewer may see (all for monitors, its own plans' for an operator, none for the public).
 */
export const LiveSnapshot = z.object({
  now: z.number(),
  drones: z.array(DroneRow),
  plans: z.array(LivePlan).optional(),
  alerts: z.array(Alert).optional(),
});

/** Server → viewer, event `link`: a drone in the viewport went stale, lost its link or came back. */
export const LiveLink = z.object({
  droneId: z.string(),
  link: z.enum(['live', 'stale', 'lost']),
  at: z.number(),
});

/** Server → viewer, event `zone`: a zone appeared or went; its outline is at `/api/v1/geofences/{id}`. */
export const LiveZone = z.object({ id: z.string(), removed: z.boolean() });

/** Server → viewer, event `plan`: a LivePlan. Event `alert`: an Alert the viewer may see. */
export const LiveAlert = Alert;

/** `GET /config.json`: what the page needs before it draws. */
export const UiConfig = z.object({
  /** A raster tile URL template ({z}/{x}/{y}) and its attribution; null draws the offline style only. */
  tiles: z.object({ url: z.string(), attribution: z.string() }).nullable(),
  /** Extra base map features (outline, water) as GeoJSON, or null. */
  basemapUrl: z.string().nullable(),
  /** [minLon, minLat, maxLon, maxLat] the map opens on: the base map's extent, null when there is none. */
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  /** The modelled ground in metres W84: drawn heights are W84 altitudes minus this (the map has no terrain). */
  groundW84M: z.number(),
  telemetryStaleMs: z.number(),
  live: z.object({
    cellResolution: z.number().int(),
    maxViewportCells: z.number().int(),
    frameIntervalMs: z.number(),
  }),
});

export type LiveSubscribe = z.input<typeof LiveSubscribe>;
export type DroneRow = z.infer<typeof DroneRow>;
export type LiveFrame = z.infer<typeof LiveFrame>;
export type LiveSnapshot = z.infer<typeof LiveSnapshot>;
export type LiveLink = z.infer<typeof LiveLink>;
export type LiveZone = z.infer<typeof LiveZone>;
export type LivePlan = z.infer<typeof LivePlan>;
export type LiveAlert = z.infer<typeof LiveAlert>;
export type UiConfig = z.infer<typeof UiConfig>;

/** Events the server sends on `/live`, for socket.io's typed sockets. */
export interface LiveServerEvents {
  frame: (frame: LiveFrame) => void;
  link: (link: LiveLink) => void;
  plan: (plan: LivePlan) => void;
  zone: (zone: LiveZone) => void;
  alert: (alert: LiveAlert) => void;
}

/** Events a viewer sends on `/live`. */
export interface LiveClientEvents {
  subscribe: (request: LiveSubscribe, ack: (answer: LiveSnapshot | { error: string }) => void) => void;
}
