import { z } from 'zod';
import { BboxQuery, Timestamp } from './common.ts';
import { LIMITS } from '../limits.ts';
import { FlightPlan, FlightPlanRequest, RefusalReason, Rejection } from './flight-plans.ts';
import { wire } from './registry.ts';

/** Candidates one request may carry: a fleet's handful of routes, times or heights, not a search. */
export const MAX_CANDIDATES = 20;

/** `?hold=true` on filing: reserve the sky road for a while instead of accepting it outright. */
export const FileQuery = z.object({
  hold: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true')
    .describe(
      'true: hold the sky road (state Held, 仮押さえ) until heldUntil instead of accepting it outright; confirm it with POST …/{id}/confirm',
    ),
});

/** How the arbiter orders candidates: as given, or cheapest first by one stated cost. */
export const CandidateRank = z.enum(['order', 'delay', 'distance', 'height']).register(wire, {
  id: 'CandidateRank',
  description:
    'order: as given; delay: earliest start first; distance: shortest route first (routes only); height: lowest highest altitude first. Ties keep the order given.',
});

const vertices = (p: FlightPlanRequest) =>
  (p.route?.waypoints.length ?? 0) +
  (p.volumes ?? []).reduce((n, v) => n + (v.volume.outline_polygon?.vertices.length ?? 1), 0);

export const CandidatePlans = z
  .object({
    candidates: z
      .array(FlightPlanRequest)
      .min(1, 'give at least one candidate')
      .max(MAX_CANDIDATES, `at most ${MAX_CANDIDATES} candidates`),
    rank: CandidateRank.default('order'),
  })
  .superRefine((c, ctx) => {
    const total = c.candidates.reduce((n, p) => n + vertices(p), 0);
    if (total > LIMITS.maxPlanVertices) {
      ctx.addIssue({
        code: 'custom',
        path: ['candidates'],
        message: `at most ${LIMITS.maxPlanVertices} vertices in all`,
      });
    }
    if (c.rank === 'distance') {
      c.candidates.forEach((p, i) => {
        if (!p.route) {
          ctx.addIssue({
            code: 'custom',
            path: ['candidates', i, 'route'],
            message: 'ranking by distance needs routes',
          });
        }
      });
    }
  })
  .register(wire, {
    id: 'CandidatePlans',
    description: 'Several plans for one flight: the arbiter accepts the first that fits, in one transaction.',
  });

export const CandidateRefusal = z
  .object({
    index: z.number().int().describe('the candidate’s place in the request'),
    cost: z.number().describe('its cost by the rank asked for (its place, for order)'),
    rejection: Rejection,
  })
  .register(wire, { id: 'CandidateRefusal', description: 'Why one candidate was not taken.' });

export const CandidatesAccepted = z
  .object({
    chosen: z.number().int().describe('the accepted candidate’s place in the request'),
    cost: z.number(),
    plan: FlightPlan,
    refused: z.array(CandidateRefusal).describe('every candidate tried before it, in the order tried'),
  })
  .register(wire, { id: 'CandidatesAccepted' });

export const CandidatesRejected = z
  .object({
    state: z.literal('Rejected'),
    message: z.string(),
    refused: z.array(CandidateRefusal).describe('every candidate, in the order tried'),
  })
  .register(wire, { id: 'CandidatesRejected' });

/** `POST /api/v1/flight-plans/earliest`: the earliest departure at which this route fits. */
export const EarliestSlotRequest = z
  .object({
    plan: FlightPlanRequest.describe('the plan at the earliest departure wanted'),
    notAfter: Timestamp.optional().describe('the latest departure wanted; default 24 hours after the one given'),
  })
  .register(wire, { id: 'EarliestSlotRequest' });

export const EarliestSlot = z
  .object({
    departure: Timestamp.nullable().describe('null when nothing fits before notAfter'),
    delaySeconds: z.number().nullable(),
    request: FlightPlanRequest.nullable().describe('the plan at that departure, ready to file'),
    message: z.string(),
  })
  .register(wire, {
    id: 'EarliestSlot',
    description:
      'Where the airspace stands now (other plans may be filed meanwhile; filing decides), on a whole minute.',
  });

export const CapacityQuery = z.object({
  bbox: BboxQuery,
  from: Timestamp.optional().describe('default: now'),
  to: Timestamp.optional().describe('default: 24 h after from; at most 48 h after from'),
});

export const CapacitySlot = z.object({
  cell: z.string().describe('coarse H3 cell'),
  start: Timestamp,
  end: Timestamp,
  reserved: z.number().describe('share of the cell’s airspace below 150 m above the ground held in this slot, 0–1'),
  cellHours: z.number().describe('reservation cell-hours in this cell and slot'),
  plans: z.number().int().describe('plans holding anything here then'),
});

export const Capacity = z
  .object({
    h3Resolution: z.number().int().describe('resolution of the coarse cells'),
    slotMinutes: z.number().int(),
    from: Timestamp,
    to: Timestamp,
    slots: z.array(CapacitySlot).describe('cells and slots where anything is reserved; the rest is free'),
  })
  .register(wire, {
    id: 'Capacity',
    description: 'How much of the sky is reserved, per coarse H3 cell and 15-minute slot.',
  });

const Subject = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}\p{Cs}\s]+$/u, 'letters, digits and punctuation, no spaces or control characters');

export const OperatorParam = z.object({ operator: Subject.describe('the operator’s token subject') });

export const CapRequest = z
  .object({
    cellHours: z
      .number()
      .finite()
      .positive('must be positive')
      .max(1e9, 'at most 1e9')
      .describe('most cell-hours the operator may hold at once'),
  })
  .register(wire, { id: 'CapRequest' });

export const OperatorCap = z
  .object({
    operator: z.string(),
    cellHours: z.number(),
    heldCellHours: z.number().describe('what the operator holds now (held, accepted and flying plans)'),
    setBy: z.string(),
    setAt: Timestamp,
  })
  .register(wire, { id: 'OperatorCap' });

export const AllocationRules = z
  .object({
    priorities: z.object({
      range: z.tuple([z.number().int(), z.number().int()]),
      rules: z.array(z.string()),
    }),
    holds: z.object({ minutes: z.number(), rules: z.array(z.string()) }),
    caps: z.object({
      unit: z.literal('cell-hours'),
      definition: z.string(),
      default: z.number().nullable().describe('for operators without a cap of their own; null: none'),
      operators: z
        .array(z.object({ operator: z.string(), cellHours: z.number() }))
        .optional()
        .describe('every operator’s own cap (monitors and administrators)'),
      yours: z.number().nullable().optional().describe('the caller’s cap (operators)'),
    }),
    candidates: z.object({ max: z.number().int(), ranks: z.record(z.string(), z.string()) }),
    alternatives: z.array(z.string()).describe('how the alternatives offered with a refusal are found, in order'),
    deconfliction: z.object({
      h3Resolution: z.number().int(),
      bandHeightM: z.number(),
      lateralBufferM: z.number(),
      verticalBufferM: z.number(),
      timeBeforeS: z.number(),
      timeAfterS: z.number(),
      rules: z.array(z.string()),
    }),
  })
  .register(wire, {
    id: 'AllocationRules',
    description: 'How the sky is allocated: the rules every decision follows, published.',
  });

export const DecisionsQuery = z.object({
  from: Timestamp.optional().describe('default: 30 days before `to`'),
  to: Timestamp.optional().describe('default: now'),
});

export const OperatorDecisions = z.object({
  operator: z.string(),
  accepted: z.number().int(),
  refused: z.number().int(),
  preempted: z.number().int().describe('accepted plans of this operator later pre-empted by a higher priority'),
  reasons: z.record(RefusalReason, z.number().int()).describe('refusals by reason'),
  cellHoursAccepted: z.number().describe('cell-hours of the plans accepted (a replan counts its new sky road)'),
  shareOfCellHours: z.number().describe('of all cell-hours accepted in the period, 0–1'),
});

export const DecisionsReport = z
  .object({
    from: Timestamp,
    to: Timestamp,
    operators: z.array(OperatorDecisions).describe('most cell-hours first'),
    totals: OperatorDecisions.omit({ operator: true, shareOfCellHours: true }),
  })
  .register(wire, {
    id: 'DecisionsReport',
    description: 'Decisions on plans by operator and refusal reason over [from, to).',
  });

export type FileQuery = z.infer<typeof FileQuery>;
export type CandidateRank = z.infer<typeof CandidateRank>;
export type CandidatePlans = z.infer<typeof CandidatePlans>;
export type CandidateRefusal = z.infer<typeof CandidateRefusal>;
export type CandidatesAccepted = z.infer<typeof CandidatesAccepted>;
export type CandidatesRejected = z.infer<typeof CandidatesRejected>;
export type EarliestSlotRequest = z.infer<typeof EarliestSlotRequest>;
export type EarliestSlot = z.infer<typeof EarliestSlot>;
export type Capacity = z.infer<typeof Capacity>;
export type CapacitySlot = z.infer<typeof CapacitySlot>;
export type OperatorCap = z.infer<typeof OperatorCap>;
export type AllocationRules = z.infer<typeof AllocationRules>;
export type OperatorDecisions = z.infer<typeof OperatorDecisions>;
export type DecisionsReport = z.infer<typeof DecisionsReport>;
