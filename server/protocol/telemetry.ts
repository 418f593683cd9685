import { z } from 'zod';
import { Id, Latitude, Longitude, Timestamp } from './common.ts';
import { wire } from './registry.ts';

/**
 * One normalised position report of a drone, as the gateway sends it and the server streams it.
 * Altitudes: W84 (ellipsoid), AMSL (EGM96, as MAVLink GLOBAL_POSITION_INT.alt) and relative to home.
 */
export const TelemetrySample = z
  .object({
    /** Gateway-assigned, strictly increasing per gateway: lets the server drop duplicates after a replay. */
    seq: z.number().int().nonnegative(),
    time: Timestamp,
    droneId: z.string().min(1).max(64),
    lat: Latitude,
    lon: Longitude,
    altW84: z.number().finite(),
    altAmsl: z.number().finite(),
    altRelative: z.number().finite().nullable(),
    /** Ground speed, m/s, and vertical speed (up positive). */
    groundSpeedMps: z.number().finite().nonnegative().nullable(),
    verticalSpeedMps: z.number().finite().nullable(),
    /** Degrees clockwise from true north. */
    headingDeg: z.number().finite().min(0).max(360).nullable(),
    batteryPercent: z.number().finite().min(0).max(100).nullable(),
    batteryVoltage: z.number().finite().nullable(),
    mode: z.string().max(32).nullable(),
    armed: z.boolean(),
    gpsFix: z.number().int().min(0).max(8).nullable(),
    /** Fields of OPEN_DRONE_ID_* messages when the drone broadcasts them (ASTM F3411). */
    remoteId: z
      .object({
        uasId: z.string().max(64).optional(),
        operatorId: z.string().max(64).optional(),
        description: z.string().max(64).optional(),
      })
      .nullable(),
  })
  .register(wire, { id: 'TelemetrySample' });

/** The latest known state of a drone, as `GET /api/v1/drones` shows it. */
export const DroneState = TelemetrySample.omit({ seq: true })
  .extend({
    gatewayId: z.string(),
    /** `live` while samples arrive; `stale` after a few seconds without; `lost` once the gateway reports the link lost. */
    link: z.enum(['live', 'stale', 'lost']),
    receivedAt: Timestamp,
  })
  .register(wire, { id: 'DroneState' });

/**
 * A drone as the public and other operators see it: where it is and how it flies, not who
 * relays it or who operates it (the Remote ID operator and description are withheld).
 */
export const AnonymousDroneState = DroneState.omit({ gatewayId: true, remoteId: true })
  .extend({ anonymous: z.literal(true) })
  .register(wire, { id: 'AnonymousDroneState' });

export type TelemetrySample = z.infer<typeof TelemetrySample>;
export type DroneState = z.infer<typeof DroneState>;
export type AnonymousDroneState = z.infer<typeof AnonymousDroneState>;

/** Samples per batch from a gateway: about 350 kB of JSON, under socket.io's 1 MB message limit. */
/** A gateway's id: what its token names as subject and what it calls itself. */
export const GATEWAY_ID = /^[\w.-]{1,48}$/;
export const GATEWAY_ID_RULE = '1–48 letters, digits, dot, dash or underscore';

export const MAX_TELEMETRY_BATCH = 1000;

/** Gateway → server, socket event `telemetry`: samples in seq order; acknowledged with a TelemetryAck. */
export const TelemetryBatch = z.object({ samples: z.array(TelemetrySample).max(MAX_TELEMETRY_BATCH) });

/** The server's answer to a batch: each sample is accepted, a duplicate (already stored) or rejected with why. */
export const TelemetryAck = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  rejected: z.array(z.object({ seq: z.number().nullable(), message: z.string() })),
});

/** Gateway → server, socket event `link`: the gateway lost or found a drone's heartbeat. */
export const LinkReport = z.object({
  droneId: z.string().min(1).max(64),
  link: z.enum(['live', 'lost']),
  at: Timestamp,
});

/**
 * Gateway → server, socket event `collision`: vehicles that answer to one MAVLink id on one link
 * (two drones left on the factory system id 1, say). A command to that id may reach either, and
 * what the id reports may be either's. `open` when the gateway finds them, `closed` when only one
 * is left; sent again on each (re)connection while open.
 */
export const IdCollisionReport = z.object({
  link: z.string().min(1).max(64),
  sysid: z.number().int().min(0).max(255),
  compid: z.number().int().min(0).max(255),
  /** The vehicles, as far as they can be told apart: by the UDP address they send from, or only by their Remote IDs (on one serial line). */
  vehicles: z
    .array(
      z.object({
        droneId: z.string().min(1).max(64).nullable(),
        address: z.string().max(64).nullable(),
        remoteId: z.string().max(64).nullable(),
      }),
    )
    .min(2)
    .max(16),
  state: z.enum(['open', 'closed']),
  at: Timestamp,
});

/** One item of a mission or fence, as MISSION_ITEM_INT carries it (mission protocol, MAVLink 2). */
export const MissionItem = z
  .object({
    command: z.number().int().min(0).max(65_535).describe('MAV_CMD'),
    frame: z.number().int().min(0).max(255).describe('MAV_FRAME of the position'),
    param1: z.number().finite().default(0),
    param2: z.number().finite().default(0),
    param3: z.number().finite().default(0),
    param4: z.number().finite().default(0),
    lat: z.number().finite().min(-90).max(90).default(0),
    lon: z.number().finite().min(-180).max(180).default(0),
    alt: z.number().finite().default(0).describe("metres, in the frame's reference"),
    autocontinue: z.boolean().default(true),
  })
  .register(wire, { id: 'MissionItem' });

/**
 * The top of the sky road, for the autopilot's altitude fence (ArduPilot's FENCE_ALT_MAX, PX4's
 * GF_MAX_VER_DIST, both above home): metres relative to home (MAV_FRAME_GLOBAL_RELATIVE_ALT_INT,
 * 6) or above mean sea level (MAV_FRAME_GLOBAL_INT, 5), as the mission's altitudes are.
 */
export const FenceCeiling = z.object({
  alt: z.number().finite().min(-500).max(20_000),
  frame: z.union([z.literal(5), z.literal(6)]),
});

export const DroneAction = z.enum(['rtl', 'land', 'loiter'], {
  error: 'must be one of rtl, land, loiter, upload-plan',
});

/** Server → gateway, socket event `command`, acknowledged with a CommandOutcome. */
export const GatewayCommand = z.discriminatedUnion('action', [
  z.object({
    id: z.string(),
    droneId: z.string(),
    action: z.literal('upload'),
    /** Null leaves the drone's mission (or fence) as it is. */
    mission: z.array(MissionItem).max(1000).nullable(),
    fence: z.array(MissionItem).max(1000).nullable(),
    /** Absent or null: no altitude limit is set. */
    ceiling: FenceCeiling.nullable().default(null),
  }),
  z.object({ id: z.string(), droneId: z.string(), action: DroneAction }),
]);

const CommandStep = z.object({
  step: z.enum(['fence', 'ceiling', 'mission', 'command']),
  ok: z.boolean(),
  result: z.string(),
  message: z.string(),
});

export const CommandOutcome = z
  .object({
    id: z.string(),
    droneId: z.string(),
    action: z.enum(['upload', 'rtl', 'land', 'loiter']),
    ok: z
      .boolean()
      .describe(
        'the drone accepted every step it can take; a step it cannot (a fence over MAVLink 1, an autopilot without an altitude fence) is listed as UNSUPPORTED and the rest still done',
      ),
    result: z
      .string()
      .describe('MAV_RESULT or MAV_MISSION_RESULT name of the step that decided, TIMEOUT, or NO_VEHICLE / NO_GATEWAY'),
    message: z.string(),
    steps: z.array(CommandStep),
    gatewayId: z.string().nullable(),
    completedAt: Timestamp,
  })
  .register(wire, { id: 'CommandOutcome', description: 'What the drone answered to a command, through its gateway.' });

/** `POST /api/v1/drones/{id}/commands`: fly home, land, hold, or take an accepted plan as mission and fence. */
export const DroneCommand = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('upload-plan'),
      planId: Id.describe(
        'an Accepted or Activated plan of this drone: its route becomes the mission, its sky road the fence',
      ),
    }),
    z.object({ type: DroneAction }),
  ])
  .register(wire, { id: 'DroneCommand' });

/** One point of a drone's stored track. */
export const TrackPoint = TelemetrySample.omit({ droneId: true })
  .extend({ gatewayId: z.string() })
  .register(wire, { id: 'TrackPoint' });

export const DroneTrack = z
  .object({
    droneId: z.string(),
    from: Timestamp,
    to: Timestamp,
    /** True when the window held more points than `limit`; the earliest are returned. */
    truncated: z.boolean(),
    points: z.array(TrackPoint),
  })
  .register(wire, { id: 'DroneTrack' });

export const DroneIdParam = z.object({
  id: z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'a drone id has at most 64 characters')
    .describe('drone id: Remote ID registration or serial, or one the gateway was configured with'),
});

export const TrackQuery = z
  .object({
    from: Timestamp.optional().describe('default: one hour before `to`'),
    to: Timestamp.optional().describe('default: now'),
    limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && Date.parse(q.to) <= Date.parse(q.from)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
  });

export type TelemetryBatch = z.infer<typeof TelemetryBatch>;
export type TelemetryAck = z.infer<typeof TelemetryAck>;
export type LinkReport = z.infer<typeof LinkReport>;
export type IdCollisionReport = z.infer<typeof IdCollisionReport>;
export type MissionItem = z.infer<typeof MissionItem>;
export type FenceCeiling = z.infer<typeof FenceCeiling>;
export type DroneAction = z.infer<typeof DroneAction>;
export type GatewayCommand = z.infer<typeof GatewayCommand>;
export type CommandOutcome = z.infer<typeof CommandOutcome>;
export type DroneCommand = z.infer<typeof DroneCommand>;
export type TrackPoint = z.infer<typeof TrackPoint>;
export type DroneTrack = z.infer<typeof DroneTrack>;
export type TrackQuery = z.infer<typeof TrackQuery>;
