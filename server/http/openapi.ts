import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { IDEMPOTENCY_KEY } from './idempotency-key.ts';
import {
  AirspaceCheckQuery,
  AirspaceQuery,
  AirspaceSpatialIdQuery,
  AlertIdParam,
  AlertQuery,
  AuditQuery,
  CapacityQuery,
  DecisionsQuery,
  DipsQuery,
  DroneIdParam,
  DroneRegistrationQuery,
  F3548EntityParam,
  FileQuery,
  FlightPlanQuery,
  GeofenceQuery,
  IdParam,
  InterussFlightPlanParam,
  InterussSystemParam,
  InterussUserNotificationsQuery,
  OperatorParam,
  PlanSpatialIdQuery,
  QueryNumber,
  ReplayQuery,
  RidFlightParams,
  RidFlightsQuery,
  TokenIdParam,
  TokenListQuery,
  TrackQuery,
  wire,
  ZoneAuthorizationQuery,
  ZoneSpatialIdQuery,
} from '../protocol/index.ts';
import {
  RidInjectionTestParams,
  RidInjectionTestVersionParams,
  RidUserNotificationsQuery,
} from '../protocol/rid-injection.ts';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});
/** Answers any endpoint may give: bad input, no such thing, no or a bad token, a role that may not, too many requests. */
const errors = {
  400: json('Error', 'Bad input; `issues` names each bad field and why'),
  401: json('Error', 'No bearer token where one is needed, or one that does not verify (expired, revoked, forged)'),
  403: json('Error', 'The token’s role may not do this, or the resource is another operator’s'),
  404: json('Error', 'No such resource'),
  429: json(
    'Error',
    'More requests a minute than the limit per token, or more failed authentications than the limit per address; see Retry-After',
  ),
};
const readErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 429: errors[429] };

/** JSON Schema of a value as a client sends it: before transforms, a default making it optional. */
const asSent = { target: 'draft-2020-12', io: 'input' } as const;

/**
 * A number in a query string (QueryNumber) is described as the number it must be: its range is
 * what a client needs, not the text that carries it.
 */
const queryNumbers: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = (ctx) => {
  const { def } = ctx.zodSchema._zod;
  if (def.type !== 'pipe' || def.in !== QueryNumber) return;
  const { description } = ctx.jsonSchema;
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  const { $schema: _, ...number } = z.toJSONSchema(def.out, asSent);
  Object.assign(ctx.jsonSchema, number, description === undefined ? {} : { description });
};

/**
 * OpenAPI parameters from the zod object a router parses `req.query` or `req.params` with: one per
 * field, required unless optional or defaulted, described by the field's `.describe()`.
 */
function parameters(schema: z.ZodObject, where: 'query' | 'path') {
  const { properties = {}, required = [] } = z.toJSONSchema(schema, { ...asSent, override: queryNumbers });
  return Object.entries(properties).map(([name, field]) => {
    const { description, ...constraints } = field as Record<string, unknown>;
    return {
      name,
      in: where,
      required: required.includes(name),
      ...(description === undefined ? {} : { description }),
      schema: constraints,
    };
  });
}
const query = (schema: z.ZodObject) => parameters(schema, 'query');
const path = (schema: z.ZodObject) => parameters(schema, 'path');

const planResponse = json('FlightPlan', 'The plan');
const idempotencyParam = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any 1–255 visible ASCII characters, unique per request: a retry with the same key and body gets the first answer again (header Idempotent-Replayed: true) instead of a second plan; the same key with another body is refused (422). Kept for a day.',
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
};
const spatialIds = (description: string) => json('SpatialIdSet', description);
const decision = (ok: string) => ({
  [ok]: json('FlightPlan', 'Accepted: the plan holds its sky road'),
  409: json('Rejection', 'Rejected: every conflict, and alternatives that would be accepted'),
  ...errors,
  503: json(
    'Error',
    'With DSS_URL: the DSS, or a USS it names, could not say what it holds there; nothing was decided',
  ),
});
const geojson = (description: string) => ({
  description,
  content: { 'application/geo+json': { schema: ref('SkyRoadCells') } },
});

/**
 * The OpenAPI 3.1 document: components generated from the wire schemas that validate the
 * requests, and each path's query and path parameters from the schema its router parses them
 * with; the rest of each path is written beside the routers. openapi.json at the root is this,
 * committed.
 */
export function openApiDocument(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(wire, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  for (const s of Object.values(schemas)) {
    delete (s as Record<string, unknown>)['$schema'];
    delete (s as Record<string, unknown>)['$id'];
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'soramichi',
      version: '0.1.0',
      description:
        'Drone airspace management for a city: 4D sky-road reservations (H3 cell × altitude band × time), geofences, live monitoring.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: {
      '/api/v1/flight-plans': {
        post: {
          summary:
            'File a flight plan; get its sky road, or every conflict and alternatives (operators, administrators)',
          parameters: [idempotencyParam, ...query(FileQuery)],
          requestBody: { required: true, content: { 'application/json': { schema: ref('FlightPlanRequest') } } },
          responses: { ...decision('201'), 422: json('Error', 'The Idempotency-Key was used for a different request') },
        },
        get: {
          summary: 'List flight plans',
          parameters: query(FlightPlanQuery),
          responses: {
            200: {
              description: 'Plans: every plan for monitors and administrators, an operator’s own for an operator',
              content: { 'application/json': { schema: { type: 'array', items: ref('FlightPlan') } } },
            },
            ...readErrors,
          },
        },
      },
      '/api/v1/flight-plans/{id}': {
        parameters: path(IdParam),
        get: {
          summary:
            'A flight plan: whole with its history for its operator, monitors and administrators; anonymous airspace for others',
          responses: {
            200: {
              description: 'The plan',
              content: {
                'application/json': { schema: { oneOf: [ref('FlightPlan'), ref('AnonymousFlightPlan')] } },
              },
            },
            ...errors,
          },
        },
        put: {
          summary: 'Replan atomically: the new sky road replaces the old, or the old stays untouched',
          requestBody: { required: true, content: { 'application/json': { schema: ref('FlightPlanRequest') } } },
          responses: decision('200'),
        },
        delete: {
          summary: 'Cancel: frees the sky road at once',
          responses: { 200: planResponse, 409: json('Error', 'Not cancellable'), ...errors },
        },
      },
      '/api/v1/flight-plans/candidates': {
        post: {
          summary:
            'File up to 20 candidate plans for one flight: the first that fits (as given, or cheapest by delay, distance or height) is accepted in one transaction, and each one tried before it is explained',
          parameters: query(FileQuery),
          requestBody: { required: true, content: { 'application/json': { schema: ref('CandidatePlans') } } },
          responses: {
            201: json('CandidatesAccepted', 'One candidate accepted, with why each tried before it was refused'),
            409: json('CandidatesRejected', 'None fits: why, for each'),
            ...errors,
          },
        },
      },
      '/api/v1/flight-plans/earliest': {
        post: {
          summary:
            'The earliest departure (on a whole minute, from the one given, within a day unless notAfter says otherwise) at which this plan fits now; files nothing',
          requestBody: { required: true, content: { 'application/json': { schema: ref('EarliestSlotRequest') } } },
          responses: { 200: json('EarliestSlot', 'The earliest departure, or none'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/confirm': {
        parameters: path(IdParam),
        post: {
          summary:
            'Confirm a held plan (仮押さえ → 確定): Accepted with the sky road it holds; never refused before the hold expires',
          responses: { 200: planResponse, 409: json('Error', 'Not held, or the hold expired'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/dips': {
        parameters: path(IdParam),
        get: {
          summary:
            'The plan as the national flight-plan filing (飛行計画の通報, DIPS 2.0) asks for it, pilot and contact included: its operator only',
          parameters: query(DipsQuery),
          responses: {
            200: {
              description: 'The filing',
              content: {
                'application/json': { schema: ref('DipsFlightPlan') },
                'text/csv': { schema: { type: 'string', description: 'a heading row and one row of values, UTF-8' } },
              },
            },
            ...errors,
          },
        },
      },
      '/api/v1/flight-plans/{id}/activate': {
        parameters: path(IdParam),
        post: {
          summary: 'The flight has started',
          responses: { 200: planResponse, 409: json('Error', 'Not activatable'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/end': {
        parameters: path(IdParam),
        post: {
          summary: 'The flight is over: frees the sky road',
          responses: { 200: planResponse, 409: json('Error', 'Already over'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/sky-road': {
        parameters: path(IdParam),
        get: {
          summary: 'The plan’s sky road as cell polygons',
          responses: { 200: geojson('Sky-road cells'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/spatial-ids': {
        parameters: path(IdParam),
        get: {
          summary:
            'The plan’s sky road as Japan’s 空間ID (z/f/x/y): every voxel it shares volume with, grouped by the window it is held; airspace only, as the sky road, to anyone',
          parameters: query(PlanSpatialIdQuery),
          responses: { 200: spatialIds('The spatial IDs'), ...errors },
        },
      },
      '/api/v1/flight-plans/from-spatial-ids': {
        post: {
          summary:
            'File a reservation given as 空間ID: the voxels become a plan of volumes (joined into outlines, AMSL through the geoid) decided like any plan (operators, administrators)',
          parameters: [idempotencyParam, ...query(FileQuery)],
          requestBody: { required: true, content: { 'application/json': { schema: ref('SpatialIdPlanRequest') } } },
          responses: { ...decision('201'), 422: json('Error', 'The Idempotency-Key was used for a different request') },
        },
      },
      '/api/v1/airspace/spatial-ids': {
        get: {
          summary: 'Reserved airspace in a box and time window as 空間ID (z/f/x/y), times clipped to the window',
          parameters: query(AirspaceSpatialIdQuery),
          responses: { 200: spatialIds('The spatial IDs of live plans'), 400: errors[400] },
        },
      },
      '/api/v1/airspace': {
        get: {
          summary: 'Reserved airspace in a box and time window',
          parameters: query(AirspaceQuery),
          responses: {
            200: geojson(
              `Sky-road cells of live plans, at most ${LIMITS.maxAirspaceFeatures} (then \`truncated: true\`)`,
            ),
            400: errors[400],
          },
        },
      },
      '/api/v1/capacity': {
        get: {
          summary: 'How much of the sky is reserved, per coarse H3 cell and 15-minute slot',
          parameters: query(CapacityQuery),
          responses: {
            200: json('Capacity', 'Reserved share, cell-hours and plans per cell and slot'),
            400: errors[400],
          },
        },
      },
      '/api/v1/rules': {
        get: {
          summary:
            'How the sky is allocated: priorities, holds, caps, candidates and how alternatives are found (operators’ own caps to monitors and administrators, an operator’s to it)',
          responses: { 200: json('AllocationRules', 'The rules') },
        },
      },
      '/api/v1/caps': {
        get: {
          summary: 'Operators’ caps on the sky they hold at once, with what each holds now (monitors, administrators)',
          responses: {
            200: {
              description: 'Caps',
              content: { 'application/json': { schema: { type: 'array', items: ref('OperatorCap') } } },
            },
            ...readErrors,
          },
        },
      },
      '/api/v1/caps/{operator}': {
        parameters: path(OperatorParam),
        put: {
          summary: 'Set an operator’s cap in cell-hours held at once (administrators); plans beyond it are refused',
          requestBody: { required: true, content: { 'application/json': { schema: ref('CapRequest') } } },
          responses: { 200: json('OperatorCap', 'The cap'), ...errors },
        },
        delete: {
          summary: 'Lift an operator’s own cap (administrators): the default applies again',
          responses: { 204: { description: 'Lifted' }, ...errors },
        },
      },
      '/api/v1/decisions': {
        get: {
          summary:
            'Decisions on plans by operator and refusal reason over [from, to), with each operator’s share of the sky accepted (monitors, administrators)',
          parameters: query(DecisionsQuery),
          responses: { 200: json('DecisionsReport', 'The report'), ...readErrors },
        },
      },
      '/api/v1/airspace/check': {
        get: {
          summary: 'What restricts one point at one moment, and why: zones in force and reserved flights',
          parameters: query(AirspaceCheckQuery),
          responses: { 200: json('AirspaceCheck', 'The point and what holds it'), 400: errors[400] },
        },
      },
      '/api/v1/geofences': {
        post: {
          summary:
            'Declare a zone (administrator); in force when the request returns: accepted plans under it are pre-empted, plans in flight reported',
          requestBody: { required: true, content: { 'application/geo+json': { schema: ref('ZoneFeature') } } },
          responses: {
            201: json('ZoneCreated', 'Declared, with the plans it pre-empted and those in flight inside it'),
            ...readErrors,
          },
        },
        get: {
          summary: 'Zones as GeoJSON, with their limits as defined and in W84',
          parameters: query(GeofenceQuery),
          responses: { 200: json('Geofences', 'FeatureCollection of zones'), 400: errors[400] },
        },
      },
      '/api/v1/geofences/{id}': {
        parameters: path(IdParam),
        get: { summary: 'One zone', responses: { 200: json('Geofence', 'The zone'), ...errors } },
        delete: {
          summary: 'Lift a zone (administrator)',
          responses: {
            204: { description: 'Lifted' },
            409: json('Error', 'The zone comes from a zone file; change the file'),
            ...errors,
          },
        },
      },
      '/api/v1/geofences/{id}/spatial-ids': {
        parameters: path(IdParam),
        get: {
          summary: 'A zone as 空間ID (z/f/x/y), held in each window it applies within [from, to)',
          parameters: query(ZoneSpatialIdQuery),
          responses: { 200: spatialIds('The spatial IDs'), ...errors },
        },
      },
      '/api/v1/drones': {
        get: {
          summary: 'The latest state of every drone that has reported telemetry',
          responses: {
            200: {
              description: 'Drones',
              content: { 'application/json': { schema: { type: 'array', items: ref('DroneState') } } },
            },
          },
        },
      },
      '/api/v1/drones/{id}/track': {
        parameters: path(DroneIdParam),
        get: {
          summary: 'A drone’s stored samples in a time window, oldest first',
          parameters: query(TrackQuery),
          responses: { 200: json('DroneTrack', 'The track'), ...errors },
        },
      },
      '/api/v1/drones/{id}/commands': {
        parameters: path(DroneIdParam),
        post: {
          summary:
            'Command a drone through its gateway (RTL, LAND, LOITER, or upload an accepted plan as mission and fence)',
          description:
            'An administrator, or the operator the drone is registered to. Answers when the drone has answered (or the gateway gave up).',
          requestBody: { required: true, content: { 'application/json': { schema: ref('DroneCommand') } } },
          responses: {
            200: json('CommandOutcome', 'What the drone answered; `ok` is false when it refused or never answered'),
            409: json('Error', 'The plan cannot be uploaded, or the drone’s gateway is not connected'),
            504: json('CommandOutcome', 'The gateway gave no answer in time'),
            ...errors,
          },
        },
      },
      '/api/v1/drones/{id}/registration': {
        parameters: path(DroneIdParam),
        get: {
          summary: 'Which operator flies the drone (its operator, monitors and administrators)',
          responses: { 200: json('DroneRegistration', 'The registration'), ...errors },
        },
        put: {
          summary:
            'Register a drone: an operator to itself, an administrator to any operator (moving it needs no live plans of the old one)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('DroneRegistrationRequest') } },
          },
          responses: {
            200: json('DroneRegistration', 'Updated'),
            201: json('DroneRegistration', 'Registered'),
            409: json('Error', 'The registration mark is another drone’s, or the drone has live plans'),
            ...errors,
          },
        },
        delete: {
          summary: 'Unregister a drone without live plans (its operator or an administrator)',
          responses: {
            204: { description: 'Unregistered' },
            409: json('Error', 'The drone has live plans'),
            ...errors,
          },
        },
      },
      '/api/v1/drone-registrations': {
        get: {
          summary: 'Registered drones: every one for monitors and administrators, its own for an operator',
          parameters: query(DroneRegistrationQuery),
          responses: {
            200: {
              description: 'Registrations',
              content: { 'application/json': { schema: { type: 'array', items: ref('DroneRegistration') } } },
            },
            ...readErrors,
          },
        },
      },
      '/api/v1/priority-grants': {
        get: {
          summary: 'Operators granted priorities above the normal level (monitors and administrators)',
          responses: {
            200: {
              description: 'Grants',
              content: { 'application/json': { schema: { type: 'array', items: ref('PriorityGrant') } } },
            },
            ...readErrors,
          },
        },
      },
      '/api/v1/priority-grants/{operator}': {
        parameters: path(OperatorParam),
        put: {
          summary: 'Grant an operator priorities up to maxPriority (administrators)',
          requestBody: { required: true, content: { 'application/json': { schema: ref('PriorityGrantRequest') } } },
          responses: { 200: json('PriorityGrant', 'The grant'), ...errors },
        },
        delete: {
          summary: 'Withdraw an operator’s priority grant (administrators)',
          responses: { 204: { description: 'Withdrawn' }, ...errors },
        },
      },
      '/api/v1/zone-authorizations': {
        get: {
          summary:
            'Authorisations to enter restricted zones: all for monitors and administrators, its own for an operator',
          parameters: query(ZoneAuthorizationQuery),
          responses: {
            200: {
              description: 'Authorisations, newest first',
              content: { 'application/json': { schema: { type: 'array', items: ref('ZoneAuthorization') } } },
            },
            ...readErrors,
          },
        },
        post: {
          summary: 'Authorise one drone of one operator to enter a restricted zone during a window (administrators)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('ZoneAuthorizationRequest') } },
          },
          responses: { 201: json('ZoneAuthorization', 'Issued'), ...errors },
        },
      },
      '/api/v1/zone-authorizations/{id}': {
        parameters: path(IdParam),
        get: {
          summary: 'One authorisation (its operator, monitors and administrators)',
          responses: { 200: json('ZoneAuthorization', 'The authorisation'), ...errors },
        },
        delete: {
          summary:
            'Revoke an authorisation (administrators): the live plans that relied on it may no longer enter the zone',
          responses: { 200: json('ZoneAuthorization', 'Revoked'), ...errors },
        },
      },
      '/api/v1/alerts': {
        get: {
          summary: 'Alerts raised by conformance monitoring, newest first',
          parameters: query(AlertQuery),
          responses: {
            200: json('AlertList', 'Alerts: all for monitors and administrators, an operator’s plans’ for an operator'),
            ...readErrors,
          },
        },
      },
      '/api/v1/alerts/{id}': {
        parameters: path(AlertIdParam),
        get: { summary: 'One alert', responses: { 200: json('Alert', 'The alert'), ...errors } },
      },
      '/api/v1/alerts/{id}/ack': {
        parameters: path(AlertIdParam),
        post: {
          summary: 'Acknowledge an alert (a monitor); the first acknowledgement stands',
          responses: { 200: json('Alert', 'The alert, acknowledged'), ...errors },
        },
      },
      '/api/v1/replay': {
        get: {
          summary: 'Stored telemetry of every drone in a window and an area, for the map’s replay',
          parameters: query(ReplayQuery),
          responses: {
            200: json('Replay', 'One track per drone, oldest first (monitors, administrators)'),
            ...readErrors,
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness and database reachability',
          responses: { 200: { description: 'OK' }, 503: { description: 'Database unreachable' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (monitors, administrators)',
          responses: { 200: { description: 'text/plain exposition format' }, 401: errors[401], 403: errors[403] },
        },
      },
      '/api/v1/tokens': {
        post: {
          summary: 'Issue a bearer token (administrators); the token is shown once',
          requestBody: { required: true, content: { 'application/json': { schema: ref('TokenRequest') } } },
          responses: { 201: json('IssuedToken', 'The token and what it is'), ...errors },
        },
        get: {
          summary: 'Tokens issued and not expired (administrators), without the tokens themselves',
          parameters: query(TokenListQuery),
          responses: {
            200: {
              description: 'Tokens',
              content: { 'application/json': { schema: { type: 'array', items: ref('TokenInfo') } } },
            },
            ...readErrors,
          },
        },
      },
      '/api/v1/tokens/{id}': {
        parameters: path(TokenIdParam),
        delete: {
          summary: 'Revoke a token (administrators): refused at once by every instance',
          responses: { 200: json('TokenInfo', 'The token, revoked'), ...errors },
        },
      },
      '/api/v1/audit': {
        get: {
          summary: 'The audit trail of writes (administrators), oldest first',
          parameters: query(AuditQuery),
          responses: {
            200: {
              description: 'Entries',
              content: { 'application/json': { schema: { type: 'array', items: ref('AuditEntry') } } },
            },
            ...readErrors,
          },
        },
      },
      '/api/v1/transparency': {
        get: {
          summary: 'What data the service collects, why, who receives it and how long it is kept',
          responses: { 200: json('Transparency', 'The statement, with the retention periods in force') },
        },
      },
      '/rid/v2/uss/flights': {
        get: {
          summary:
            'ASTM F3411-22a network Remote ID: every flight with a position in the view in the last 60 s (scope rid.display_provider)',
          description:
            'Real drones from live telemetry and injected test flights (`simulated`). No identity: the id is opaque; who flies is in the details.',
          parameters: query(RidFlightsQuery),
          responses: {
            200: json('RidGetFlightsResponse', 'The flights'),
            ...readErrors,
            413: json('Error', 'The view’s diagonal is over 7 km (NetMaxDisplayAreaDiagonal)'),
          },
        },
      },
      '/rid/v2/uss/flights/{id}/details': {
        parameters: path(RidFlightParams),
        get: {
          summary: 'ASTM F3411-22a: who flies a reported flight: UAS id, operator (scope rid.display_provider)',
          responses: { 200: json('RidGetFlightDetailsResponse', 'The details'), ...errors },
        },
      },
      '/ridsp/injection/tests/{test_id}': {
        parameters: path(RidInjectionTestParams),
        put: {
          summary:
            'InterUSS rid/v1: inject a test of simulated flights, served as their states come due (scope rid.inject_test_data)',
          requestBody: { required: true, content: { 'application/json': { schema: ref('RidInjectionCreateTest') } } },
          responses: {
            200: json(
              'RidInjectionChangeTestResponse',
              'What was injected (ids this provider changed included) and its version',
            ),
            409: json('Error', 'The test exists already, or as many tests are held as allowed'),
            ...errors,
          },
        },
      },
      '/ridsp/injection/tests/{test_id}/{version}': {
        parameters: path(RidInjectionTestVersionParams),
        delete: {
          summary: 'InterUSS rid/v1: delete a test and its flights (scope rid.inject_test_data)',
          responses: {
            200: json('RidInjectionDeleteTestResponse', 'What was deleted'),
            409: json('Error', 'The test is at another version'),
            ...errors,
          },
        },
      },
      '/ridsp/injection/user_notifications': {
        get: {
          summary:
            'InterUSS rid/v1: what the injected flights’ operators were told, e.g. telemetry unfit for network Remote ID (scope rid.inject_test_data)',
          parameters: query(RidUserNotificationsQuery),
          responses: { 200: json('RidUserNotifications', 'The notifications'), ...readErrors },
        },
      },
      '/api/v1/whoami': {
        get: {
          summary: 'What the server makes of the caller’s token',
          responses: { 200: json('WhoAmI', 'The caller'), 401: errors[401] },
        },
      },
      '/api/v1/flight-plans/{id}/publication': {
        parameters: path(IdParam),
        get: {
          summary:
            'Whether the DSS holds the plan as it is (ASTM F3548-21, with DSS_URL): published, on its way, or failed and why',
          description: 'For whoever sees the plan whole (its operator, monitors, administrators).',
          responses: { 200: json('PlanPublication', 'The plan’s publication'), ...errors },
        },
      },
      ...interussPaths(),
      ...ussPaths(),
    },
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A token from POST /api/v1/tokens or npm run token (roles admin, operator, gateway, monitor), or ADMIN_TOKEN. Without one, a caller is the public. The standards' interfaces go by OAuth scope, in the token's space-separated `scope` claim: on /flight_planning/v1 and /versioning an RS256 token of the InterUSS authority configured by INTERUSS_PUBLIC_KEY_FILE (`aud` one of INTERUSS_AUDIENCE); on /rid and /ridsp such a token or one of this server's, whose role implies scopes (admin: all; monitor: rid.display_provider). ADMIN_TOKEN may do everything.",
        },
      },
    },
    security: [{ bearer: [] }, {}],
  };
}

/**
 * ASTM F3548-21's USS↔USS interface (`/uss/v1`), as the standard's utm.yaml defines it; these
 * paths say how soramichi answers.
 */
function ussPaths(): Record<string, unknown> {
  const scoped = (scope: string) =>
    `Needs an RS256 token of the authority (INTERUSS_PUBLIC_KEY_FILE, \`aud\` one of INTERUSS_AUDIENCE) with the scope ${scope}, or ADMIN_TOKEN; 401 without a valid token, 403 without the scope.`;
  const auth = { 401: errors[401], 403: errors[403] };
  const notified = (what: string) => ({
    204: { description: `The ${what} is held here as told (or was already)` },
    400: errors[400],
    ...auth,
    409: json('Error', `An older version than the one held, or the same version with another OVN`),
  });
  return {
    '/uss/v1/operational_intents/{entityid}': {
      parameters: path(F3548EntityParam),
      get: {
        summary:
          'ASTM F3548-21: the details of an operational intent this USS manages: its sky road as the fewest Volume4Ds (W84) that cover it',
        description: `${scoped('utm.strategic_coordination')} With a DSS, the version the DSS last accepted (404 before it accepted one); without, the plan as it is. A Held plan is shared as Accepted; off-nominal, the sky road is also the off-nominal volumes. Airspace and priority only: no identity.`,
        responses: {
          200: json('F3548GetOperationalIntentDetailsResponse', 'The intent'),
          400: errors[400],
          ...auth,
          404: json('Error', 'No live plan of that id managed here'),
        },
      },
    },
    '/uss/v1/operational_intents/{entityid}/telemetry': {
      parameters: path(F3548EntityParam),
      get: {
        summary: 'ASTM F3548-21: where the drone of an off-nominal intent was last reported (W84)',
        description: scoped('utm.conformance_monitoring_sa'),
        responses: {
          200: json('F3548GetOperationalIntentTelemetryResponse', 'The latest telemetry'),
          400: errors[400],
          ...auth,
          404: json('Error', 'No plan of that id managed here'),
          409: json('Error', 'The intent is not Nonconforming or Contingent'),
          412: json('Error', 'No telemetry of its drone since the plan began'),
        },
      },
    },
    '/uss/v1/operational_intents': {
      post: {
        summary:
          'ASTM F3548-21: a peer tells of its operational intent; it is held here as a foreign reservation (a plan of uss:<manager>) that every decision respects, or freed when gone',
        description: `${scoped('utm.strategic_coordination')} Only the intent's manager (the token's sub) may tell of it; an id that is this USS's plan is refused (403).`,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('F3548PutOperationalIntentDetailsParameters') } },
        },
        responses: notified('intent'),
      },
    },
    '/uss/v1/constraints/{entityid}': {
      parameters: path(F3548EntityParam),
      get: {
        summary:
          'ASTM F3548-21: a zone of this USS as a constraint (zones declared through the API; imported zones have no version-4 id)',
        description: scoped('utm.constraint_processing'),
        responses: {
          200: json('F3548GetConstraintDetailsResponse', 'The constraint'),
          400: errors[400],
          ...auth,
          404: json('Error', 'No zone of that id managed here'),
        },
      },
    },
    '/uss/v1/constraints': {
      post: {
        summary:
          'ASTM F3548-21: a peer tells of its constraint; it is held here as advisory zones (plans entering it are told), or lifted when gone',
        description: scoped('utm.constraint_management'),
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('F3548PutConstraintDetailsParameters') } },
        },
        responses: notified('constraint'),
      },
    },
  };
}

/**
 * InterUSS flight_planning/v1 and versioning, as InterUSS's YAML defines them (the interface's own
 * document is the reference; these paths say how soramichi answers them).
 */
function interussPaths(): Record<string, unknown> {
  const scoped = (scope: string) =>
    `Needs an InterUSS token with the scope ${scope} (or ADMIN_TOKEN); 401 without a valid token, 403 without the scope.`;
  const auth = { 401: errors[401], 403: errors[403] };
  const planning = json(
    'InterussPlanningResponse',
    'The outcome, whatever it is: Completed; Rejected (a conflict, or an intent that cannot be planned, with notes); NotSupported (a priority outside 0–1000); Failed only for a fault of this USS',
  );
  return {
    '/flight_planning/v1/status': {
      get: {
        summary: 'InterUSS flight_planning/v1: whether the interface is ready',
        description: scoped('interuss.flight_planning.direct_automated_test'),
        responses: { 200: json('InterussStatusResponse', 'Ready'), ...auth },
      },
    },
    '/flight_planning/v1/flight_plans/{flight_plan_id}': {
      parameters: path(InterussFlightPlanParam),
      put: {
        summary:
          'InterUSS flight_planning/v1: plan, modify, activate, report off-nominal or close a flight; decided by the same arbiter as POST /api/v1/flight-plans',
        description: `${scoped('interuss.flight_planning.plan')} usage_state Planned → Accepted, InUse → Activated (uas_state OffNominal → Nonconforming, Contingent → Contingent), Closed → Ended. A modification is atomic: on Rejected the old sky road stays. Hypothetical decides exactly as for real and keeps nothing. The same request_id gets its first answer again.`,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('InterussUpsertFlightPlanRequest') } },
        },
        responses: {
          200: planning,
          400: errors[400],
          ...auth,
          409: json('Error', 'request_id used for another request, or its first answer is not available'),
        },
      },
      delete: {
        summary: 'InterUSS flight_planning/v1: close a flight and forget its id',
        description: scoped('interuss.flight_planning.plan or interuss.flight_planning.direct_automated_test'),
        responses: {
          200: json('InterussPlanningResponse', 'Closed'),
          ...auth,
          404: json(
            'InterussPlanningResponse',
            'No flight of that id here (closed already); the body also carries `error` and `message`',
          ),
        },
      },
    },
    '/flight_planning/v1/clear_area_requests': {
      post: {
        summary: 'InterUSS flight_planning/v1: close every flight planned through this interface that meets an area',
        description: scoped('interuss.flight_planning.direct_automated_test'),
        requestBody: { required: true, content: { 'application/json': { schema: ref('InterussClearAreaRequest') } } },
        responses: { 200: json('InterussClearAreaResponse', 'What was closed'), 400: errors[400], ...auth },
      },
    },
    '/flight_planning/v1/user_notifications': {
      get: {
        summary:
          'InterUSS flight_planning/v1: what the user of the caller’s flights was told (pre-emption, conformance)',
        description: scoped('interuss.flight_planning.plan'),
        parameters: query(InterussUserNotificationsQuery),
        responses: { 200: json('InterussUserNotificationsResponse', 'Notifications'), 400: errors[400], ...auth },
      },
    },
    '/versioning/versions/{system_identity}': {
      get: {
        summary: 'InterUSS versioning: the version of a system boundary (soramichi)',
        description: scoped('interuss.versioning.read_system_versions'),
        parameters: path(InterussSystemParam),
        responses: { 200: json('InterussVersionResponse', 'The version'), ...auth, 404: errors[404] },
      },
    },
  };
}
