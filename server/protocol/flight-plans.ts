import { z } from 'zod';
import { distanceM } from '../airspace/geo.ts';
import { hours, LIMITS } from '../limits.ts';
import { Altitude, BboxQuery, Id, Longitude, OperatingLatitude, Timestamp } from './common.ts';
import { wire } from './registry.ts';

const {
  minSpeedMps,
  maxSpeedMps,
  maxRouteWaypoints,
  maxRouteLengthM,
  maxFlightDurationMs,
  maxVolumeVertices,
  maxPlanVertices,
  maxVolumes,
  maxCircleRadiusM,
} = LIMITS;

export const PlanState = z
  .enum(['Held', 'Accepted', 'Activated', 'Nonconforming', 'Contingent', 'Ended', 'Cancelled', 'Preempted'])
  .register(wire, {
    id: 'PlanState',
    description:
      'ASTM F3548 operational intent states, and Held: a sky road reserved for a short time (仮押さえ) until its operator confirms it (Accepted) or the hold expires (Cancelled).',
  });

/** States in which a plan holds its sky road. */
export const LIVE_STATES = ['Held', 'Accepted', 'Activated', 'Nonconforming', 'Contingent'] as const;

/** States of a plan a drone may fly on: a held sky road is not yet a clearance. */
export const CLEARED_STATES = ['Accepted', 'Activated', 'Nonconforming', 'Contingent'] as const;
/** States of a plan whose drone is flying it. */
export const AIRBORNE_STATES = ['Activated', 'Nonconforming', 'Contingent'] as const;

const Waypoint = z.object({
  lat: OperatingLatitude,
  lon: Longitude,
  alt: z.number().finite().min(-500).max(20_000).optional().describe("altitude in the route's reference"),
});

/** Metres along the waypoints; null when a leg crosses the antimeridian (at that leg's index). */
function routeLength(w: ReadonlyArray<{ lat: number; lon: number }>): { lengthM: number } | { crossing: number } {
  let lengthM = 0;
  for (let i = 1; i < w.length; i++) {
    if (Math.abs(w[i]!.lon - w[i - 1]!.lon) > 180) return { crossing: i };
    lengthM += distanceM(w[i - 1]!, w[i]!);
  }
  return { lengthM };
}

export const Route = z
  .object({
    waypoints: z
      .array(Waypoint)
      .min(2, 'a route needs at least two waypoints')
      .max(maxRouteWaypoints, `a route has at most ${maxRouteWaypoints} waypoints`)
      .superRefine((w, ctx) => {
        const length = routeLength(w);
        if ('crossing' in length) {
          ctx.addIssue({ code: 'custom', path: [length.crossing], message: 'a leg may not cross the antimeridian' });
        } else if (length.lengthM > maxRouteLengthM) {
          ctx.addIssue({
            code: 'custom',
            message: `the route is ${(length.lengthM / 1000).toFixed(1)} km long; at most ${maxRouteLengthM / 1000} km`,
          });
        }
      }),
    altitude: Altitude,
    speedMps: z
      .number()
      .finite()
      .min(minSpeedMps, `speed must be at least ${minSpeedMps} m/s`)
      .max(maxSpeedMps, `speed must be at most ${maxSpeedMps} m/s`),
    departure: Timestamp,
    takeoffAndLanding: z
      .boolean()
      .default(true)
      .describe('climb from the ground at the first waypoint and land at the last; false when airborne at both ends'),
  })
  .superRefine((r, ctx) => {
    // The cruise alone; the server checks the whole flight, climbs included, once it has timed it.
    const length = routeLength(r.waypoints);
    if ('lengthM' in length && (length.lengthM / r.speedMps) * 1000 > maxFlightDurationMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['speedMps'],
        message: `${(length.lengthM / 1000).toFixed(1)} km at ${r.speedMps} m/s takes longer than a flight's ${hours(maxFlightDurationMs)}`,
      });
    }
  })
  .register(wire, {
    id: 'Route',
    description:
      'Waypoints flown in order at cruise speed, after a vertical take-off at the first and before a vertical landing at the last.',
  });

const LatLngPoint = z.object({ lat: OperatingLatitude, lng: Longitude });
const Time = z.object({ value: Timestamp, format: z.literal('RFC3339').default('RFC3339') });

export const Volume4D = z
  .object({
    volume: z.object({
      outline_polygon: z
        .object({
          vertices: z
            .array(LatLngPoint)
            .min(3, 'a polygon needs at least three vertices')
            .max(maxVolumeVertices, `an outline has at most ${maxVolumeVertices} vertices`),
        })
        .optional(),
      outline_circle: z
        .object({
          center: LatLngPoint,
          radius: z.object({
            value: z
              .number()
              .finite()
              .positive()
              .max(maxCircleRadiusM, `a circle's radius is at most ${maxCircleRadiusM} m`),
            units: z.literal('M').default('M'),
          }),
        })
        .optional(),
      altitude_lower: Altitude,
      altitude_upper: Altitude,
    }),
    time_start: Time,
    time_end: Time,
  })
  .superRefine((v, ctx) => {
    if (!v.volume.outline_polygon === !v.volume.outline_circle) {
      ctx.addIssue({ code: 'custom', path: ['volume'], message: 'exactly one of outline_polygon and outline_circle' });
    }
    if (Date.parse(v.time_end.value) <= Date.parse(v.time_start.value)) {
      ctx.addIssue({ code: 'custom', path: ['time_end'], message: 'must be after time_start' });
    }
    const { altitude_lower: lo, altitude_upper: hi } = v.volume;
    if (lo.reference === hi.reference && lo.value > hi.value) {
      ctx.addIssue({ code: 'custom', path: ['volume', 'altitude_lower'], message: 'must not be above altitude_upper' });
    }
  })
  .register(wire, {
    id: 'Volume4D',
    description: 'ASTM F3548 Volume4D; altitude references AMSL and AGL are accepted besides W84.',
  });

/** How the city reaches the operator during the flight: personal data, kept encrypted at rest. */
export const Contact = z
  .object({
    name: z.string().min(1).max(200).optional(),
    phone: z
      .string()
      .max(40)
      .regex(/^\+?[\d ()-]{3,}$/, 'digits, spaces, brackets and dashes, optionally after a +')
      .optional(),
    email: z.email().max(254).optional(),
  })
  .refine(
    (c) => c.name !== undefined || c.phone !== undefined || c.email !== undefined,
    'give a name, a phone or an email',
  )
  .register(wire, {
    id: 'Contact',
    description: 'Shown only to the plan’s operator, monitors and administrators; encrypted at rest.',
  });

/** Who flies the drone, as the national filing names them: personal data, kept encrypted at rest. */
export const Pilot = z
  .object({
    name: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters')
      .describe('操縦者の氏名'),
    licenceNumber: z
      .string()
      .min(1)
      .max(40)
      .regex(/^[\p{L}\p{N}-]+$/u, 'letters, digits and dashes')
      .optional()
      .describe('無人航空機操縦者技能証明書番号, when the pilot holds one'),
  })
  .register(wire, {
    id: 'Pilot',
    description: 'Shown only to the plan’s operator (and in its DIPS 2.0 export); encrypted at rest.',
  });

/** Free text on a filing: bounded, printable. */
const FilingText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

/** 飛行の目的 as DIPS 2.0 lists them (the twelve kinds of work, then hobby, research and development, other). */
export const FlightPurpose = z
  .enum([
    'aerial_photography',
    'news_coverage',
    'security',
    'agriculture_forestry_fisheries',
    'surveying',
    'environmental_survey',
    'facility_maintenance',
    'infrastructure_inspection',
    'materials_management',
    'transport_delivery',
    'nature_observation',
    'accident_disaster_response',
    'hobby',
    'research_development',
    'other',
  ])
  .register(wire, { id: 'FlightPurpose', description: '飛行の目的 (DIPS 2.0)' });

/** 無人航空機の種類 */
export const AircraftKind = z.enum(['airplane', 'helicopter', 'multicopter', 'glider', 'airship']);
/** 飛行カテゴリー: I (no specific flight), II A / II B (specific flight, people kept out; B: without permission), III (over people kept out of nothing). */
export const FlightCategory = z.enum(['I', 'IIA', 'IIB', 'III']);
/** 特定飛行の空域: airport surroundings, 150 m or more above the ground, densely inhabited districts, emergency-use airspace. */
export const RestrictedAirspace = z.enum(['airport', 'above_150m', 'did', 'emergency']);
/** 特定飛行の方法: at night, beyond visual line of sight, within 30 m of people or property, over events, dangerous goods, dropping objects. */
export const FlightMethod = z.enum(['night', 'bvlos', 'near_people', 'event', 'dangerous_goods', 'dropping']);

const Declared = z.object({ present: z.boolean(), detail: FilingText(500).optional() });

/**
 * What the national flight-plan filing (飛行計画の通報, DIPS 2.0) asks for and the sky road does
 * not already say. Everything is optional: the export leaves out what the operator did not give.
 */
export const Filing = z
  .object({
    purposeCategory: FlightPurpose.optional(),
    registrationMark: FilingText(64).optional().describe('登録記号; default the drone id'),
    aircraftKind: AircraftKind.optional().describe('無人航空機の種類'),
    model: FilingText(100).optional().describe('型式, for a type-certified aircraft'),
    category: FlightCategory.optional().describe('飛行カテゴリー'),
    airspaces: z.array(RestrictedAirspace).max(4).optional().describe('飛行させる飛行禁止空域'),
    methods: z.array(FlightMethod).max(6).optional().describe('飛行の方法 (特定飛行)'),
    permitNumber: FilingText(100).optional().describe('飛行の許可・承認の番号'),
    entryControl: Declared.optional().describe('立入管理措置の有無及びその内容'),
    insurance: Declared.optional().describe('損害賠償のための保険契約の有無及びその内容'),
    remarks: FilingText(500).optional().describe('その他参考となる事項'),
  })
  .superRefine((f, ctx) => {
    for (const key of ['airspaces', 'methods'] as const) {
      const list = f[key];
      if (list && new Set(list).size !== list.length) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'each at most once' });
      }
    }
  })
  .register(wire, { id: 'Filing', description: 'The national flight-plan filing’s own fields (DIPS 2.0).' });

export const FlightPlanRequest = z
  .object({
    droneId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters')
      .describe('registration mark (JU…) or serial number'),
    priority: z.number().int().min(0).max(1000).default(0).describe('higher pre-empts lower; equal never overrides'),
    route: Route.optional(),
    volumes: z.array(Volume4D).min(1).max(maxVolumes, `at most ${maxVolumes} volumes`).optional(),
    authorizations: z
      .array(Id)
      .max(100)
      .default([])
      .describe('ids of restricted zones the operator holds permission to enter'),
    purpose: z.string().max(200).optional(),
    contact: Contact.optional(),
    pilot: Pilot.optional(),
    filing: Filing.optional(),
  })
  .superRefine((p, ctx) => {
    if (!p.route === !p.volumes) {
      ctx.addIssue({ code: 'custom', path: ['route'], message: 'give exactly one of route and volumes' });
    }
    if (!p.volumes) return;
    const vertices = p.volumes.reduce((n, v) => n + (v.volume.outline_polygon?.vertices.length ?? 1), 0);
    if (vertices > maxPlanVertices) {
      ctx.addIssue({ code: 'custom', path: ['volumes'], message: `at most ${maxPlanVertices} vertices in all` });
    }
    const start = Math.min(...p.volumes.map((v) => Date.parse(v.time_start.value)));
    const end = Math.max(...p.volumes.map((v) => Date.parse(v.time_end.value)));
    if (end - start > maxFlightDurationMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['volumes'],
        message: `the volumes span ${((end - start) / 3_600_000).toFixed(1)} h from the first start to the last end; at most ${hours(maxFlightDurationMs)}`,
      });
    }
  })
  .register(wire, { id: 'FlightPlanRequest' });

export const SkyRoadSummary = z
  .object({
    h3Resolution: z.number().int(),
    bandHeightM: z.number(),
    cellCount: z.number().int().describe('distinct H3 cells held'),
    keyCount: z.number().int().describe('cell × band range × time interval keys'),
    floorM: z.number().describe('lowest altitude held, metres W84'),
    ceilingM: z.number().describe('highest altitude held, metres W84'),
    lateralBufferM: z.number(),
    verticalBufferM: z.number(),
  })
  .register(wire, { id: 'SkyRoadSummary' });

export const ConflictCell = z.object({
  cell: z.string().describe('H3 index'),
  bandLo: z.number().int(),
  bandHi: z.number().int(),
  floorM: z.number(),
  ceilingM: z.number(),
  start: Timestamp,
  end: Timestamp,
});

export const Conflict = z
  .object({
    type: z.enum(['flight', 'geofence']),
    id: z.string(),
    name: z.string().optional(),
    kind: z.enum(['prohibited', 'restricted', 'advisory']).optional(),
    priority: z.number().int().optional(),
    start: Timestamp.describe('first moment both claim the same airspace'),
    end: Timestamp,
    floorM: z.number(),
    ceilingM: z.number(),
    cellCount: z.number().int(),
    cells: z.array(ConflictCell).describe('the shared cells (at most 200 listed)'),
  })
  .register(wire, {
    id: 'Conflict',
    description: 'Another flight or a zone that holds part of the requested sky road.',
  });

export const PlanEvent = z.object({
  at: Timestamp,
  state: PlanState,
  version: z.number().int(),
  reason: z.string().nullable(),
});

export const FlightPlan = z
  .object({
    id: Id,
    state: PlanState,
    version: z.number().int().describe('grows with every change of the plan or its state'),
    priority: z.number().int(),
    droneId: z.string(),
    operator: z.string().describe('the subject of the token that filed it'),
    purpose: z.string().nullable(),
    timeStart: Timestamp.describe('start of the reservation, tolerances included'),
    timeEnd: Timestamp.describe('end of the reservation, tolerances included'),
    departure: Timestamp.nullable(),
    arrival: Timestamp.nullable(),
    heldUntil: Timestamp.nullable().describe('a Held plan: when its sky road is released unless confirmed'),
    stateReason: z.string().nullable(),
    skyRoad: SkyRoadSummary,
    cellHours: z.number().describe('hours each cell is held, summed over the sky road: what counts against a cap'),
    request: FlightPlanRequest,
    preempted: z.array(Id).optional().describe('plans this one pre-empted when it was accepted'),
    overlapped: z
      .array(Id)
      .optional()
      .describe(
        'lower-priority plans already in the air when this one was accepted: they keep their sky road and are told to give way',
      ),
    advisories: z.array(Conflict).optional().describe('advisory zones the sky road enters'),
    history: z.array(PlanEvent).optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .register(wire, { id: 'FlightPlan' });

/**
 * Someone else's plan as the public and other operators see it: reserved airspace and its
 * state, without who flies, which drone, why or how to reach them (as network Remote ID
 * displays show flights).
 */
export const AnonymousFlightPlan = FlightPlan.pick({
  id: true,
  state: true,
  version: true,
  priority: true,
  timeStart: true,
  timeEnd: true,
  departure: true,
  arrival: true,
  heldUntil: true,
  skyRoad: true,
  createdAt: true,
  updatedAt: true,
})
  .extend({ anonymous: z.literal(true) })
  .register(wire, { id: 'AnonymousFlightPlan' });

export const Alternative = z
  .object({
    kind: z.enum(['departure', 'altitude']),
    departure: Timestamp,
    altitude: Altitude,
    delaySeconds: z.number(),
    altitudeChangeM: z.number(),
    request: FlightPlanRequest.describe('the amended request, ready to submit'),
  })
  .register(wire, { id: 'Alternative', description: 'A change of the plan that would be accepted now.' });

/**
 * Why a plan was refused: a zone among the conflicts, flights only, the operator's cap, or its
 * drone already flying another plan then.
 */
export const RefusalReason = z
  .enum(['zone_conflict', 'flight_conflict', 'cap_exceeded', 'drone_busy'])
  .register(wire, { id: 'RefusalReason' });

export const Rejection = z
  .object({
    /** As on every refusal of the API, so that a client reads any 4xx the same way. */
    error: z.literal('rejected'),
    state: z.literal('Rejected'),
    reason: RefusalReason,
    message: z.string(),
    conflicts: z.array(Conflict),
    alternatives: z.array(Alternative),
    advisories: z.array(Conflict),
  })
  .register(wire, { id: 'Rejection' });

const planStates = PlanState.options.join('|');

export const FlightPlanQuery = z.object({
  state: z
    .string()
    .meta({ pattern: `^(${planStates})(,(${planStates}))*$` })
    .transform((s) => s.split(','))
    .pipe(z.array(PlanState))
    .optional()
    .describe('comma-separated states: plans in any of them'),
  from: Timestamp.optional().describe('plans whose reservation ends after this'),
  to: Timestamp.optional().describe('plans whose reservation starts before this'),
  bbox: BboxQuery.optional(),
  droneId: z.string().max(64).optional().describe('one drone’s plans'),
  operator: z.string().max(200).optional().describe('one operator’s plans (an operator’s own are all it sees)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export type PlanState = z.infer<typeof PlanState>;
export type FlightPlanRequest = z.infer<typeof FlightPlanRequest>;
export type FlightPlanRequestInput = z.input<typeof FlightPlanRequest>;
export type FlightPlan = z.infer<typeof FlightPlan>;
export type AnonymousFlightPlan = z.infer<typeof AnonymousFlightPlan>;
export type Contact = z.infer<typeof Contact>;
export type Pilot = z.infer<typeof Pilot>;
export type Filing = z.infer<typeof Filing>;
export type FlightPurpose = z.infer<typeof FlightPurpose>;
export type RefusalReason = z.infer<typeof RefusalReason>;
export type Conflict = z.infer<typeof Conflict>;
export type Alternative = z.infer<typeof Alternative>;
export type Rejection = z.infer<typeof Rejection>;
export type FlightPlanQuery = z.infer<typeof FlightPlanQuery>;
export type SkyRoadSummary = z.infer<typeof SkyRoadSummary>;
