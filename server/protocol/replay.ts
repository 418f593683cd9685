import { z } from 'zod';
import { BboxQuery, Timestamp } from './common.ts';
import { wire } from './registry.ts';
import { TrackPoint } from './telemetry.ts';

/** The longest window one replay request may cover. */
export const MAX_REPLAY_HOURS = 24;

/** `GET /api/v1/replay`: every drone's stored samples in a window (and an area), for the map's replay. */
export const ReplayQuery = z
  .object({
    from: Timestamp.optional().describe('default: one hour before `to`'),
    to: Timestamp.optional().describe(`default: now; at most ${MAX_REPLAY_HOURS} hours after \`from\``),
    bbox: BboxQuery.optional().describe('minLon,minLat,maxLon,maxLat; default: everywhere'),
    intervalMs: z.coerce
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(1000)
      .describe('at most one sample per drone per this many milliseconds (the first of each); 0: every sample'),
    limit: z.coerce.number().int().min(1).max(500_000).default(100_000),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && Date.parse(q.to) <= Date.parse(q.from)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
  });

export const Replay = z
  .object({
    from: Timestamp,
    to: Timestamp,
    /** True when the window held more samples than `limit`; the earliest are returned. */
    truncated: z.boolean(),
    tracks: z.array(z.object({ droneId: z.string(), points: z.array(TrackPoint) })),
  })
  .register(wire, {
    id: 'Replay',
    description: 'Stored telemetry of every drone seen in a window and area, one track per drone, oldest first.',
  });

export type ReplayQuery = z.infer<typeof ReplayQuery>;
export type Replay = z.infer<typeof Replay>;
