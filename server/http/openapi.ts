import { z } from 'zod';
import { hours, LIMITS } from '../limits.ts';
import { wire } from '../protocol/index.ts';

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
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const droneIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'drone id: Remote ID registration or serial, or one the gateway was configured with',
  schema: { type: 'string', maxLength: 64 },
};
const testIdParam = { name: 'test_id', in: 'path', required: true, schema: { type: 'string', maxLength: 255 } };
const query = (name: string, description: string, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});
const planResponse = json('FlightPlan', 'The plan');
const holdParam = {
  name: 'hold',
  in: 'query',
  required: false,
  description:
    'true: hold the sky road (state Held, 仮押さえ) until heldUntil instead of accepting it outright; confirm it with POST …/{id}/confirm',
  schema: { type: 'string', enum: ['true', 'false'] },
};
const idempotencyParam = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any 1–255 visible ASCII characters, unique per request: a retry with the same key and body gets the first answer again (header Idempotent-Replayed: true) instead of a second plan; the same key with another body is refused (422). Kept for a day.',
  schema: { type: 'string', maxLength: 255 },
};
/** The query of every 空間ID export. */
const spatialIdParams = [
  query(
    'zoom',
    '0–30: x, y are the Web Mercator tiles of this zoom, f counts voxels of 2^(25−zoom) m (21: 16 m); a 400 names the limit when the answer would pass 100,000 IDs',
    true,
  ),
  query('reference', 'what f counts from: AMSL (default; EGM96 geoid) or W84 (the ellipsoid)'),
  query('interval', '1–86400 s: time-extended IDs z/f/x/y_i/t, one per slot of i seconds (t = ⌊Unix seconds / i⌋)'),
];
const spatialIds = (description: string) => json('SpatialIdSet', description);
const operatorParam = {
  name: 'operator',
  in: 'path',
  required: true,
  description: 'the operator’s token subject',
  schema: { type: 'string', maxLength: 200 },
};
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
 * requests, paths written beside the routers. openapi.json at the root is this, committed.
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
          parameters: [idempotencyParam, holdParam],
          requestBody: { required: true, content: { 'application/json': { schema: ref('FlightPlanRequest') } } },
          responses: { ...decision('201'), 422: json('Error', 'The Idempotency-Key was used for a different request') },
        },
        get: {
          summary: 'List flight plans',
          parameters: [
            query('state', 'comma-separated states'),
            query('from', 'RFC 3339; plans whose reservation ends after'),
            query('to', 'RFC 3339; plans whose reservation starts before'),
            query('bbox', 'minLon,minLat,maxLon,maxLat'),
            query('droneId', 'one drone'),
            query('operator', 'one operator’s plans; an operator sees only its own whatever this says'),
            query('limit', '1–1000, default 100'),
          ],
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
        parameters: [idParam],
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
          parameters: [holdParam],
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
        parameters: [idParam],
        post: {
          summary:
            'Confirm a held plan (仮押さえ → 確定): Accepted with the sky road it holds; never refused before the hold expires',
          responses: { 200: planResponse, 409: json('Error', 'Not held, or the hold expired'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/dips': {
        parameters: [idParam],
        get: {
          summary:
            'The plan as the national flight-plan filing (飛行計画の通報, DIPS 2.0) asks for it, pilot and contact included: its operator only',
          parameters: [query('format', 'json (default) or csv')],
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
        parameters: [idParam],
        post: {
          summary: 'The flight has started',
          responses: { 200: planResponse, 409: json('Error', 'Not activatable'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/end': {
        parameters: [idParam],
        post: {
          summary: 'The flight is over: frees the sky road',
          responses: { 200: planResponse, 409: json('Error', 'Already over'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/sky-road': {
        parameters: [idParam],
        get: {
          summary: 'The plan’s sky road as cell polygons',
          responses: { 200: geojson('Sky-road cells'), ...errors },
        },
      },
      '/api/v1/flight-plans/{id}/spatial-ids': {
        parameters: [idParam],
        get: {
          summary:
            'The plan’s sky road as Japan’s 空間ID (z/f/x/y): every voxel it shares volume with, grouped by the window it is held; airspace only, as the sky road, to anyone',
          parameters: [
            ...spatialIdParams,
            query(
              'timing',
              'cell (default): each voxel when the sky road holds it; plan: every voxel over the whole reservation',
            ),
          ],
          responses: { 200: spatialIds('The spatial IDs'), ...errors },
        },
      },
      '/api/v1/flight-plans/from-spatial-ids': {
        post: {
          summary:
            'File a reservation given as 空間ID: the voxels become a plan of volumes (joined into outlines, AMSL through the geoid) decided like any plan (operators, administrators)',
          parameters: [idempotencyParam, holdParam],
          requestBody: { required: true, content: { 'application/json': { schema: ref('SpatialIdPlanRequest') } } },
          responses: { ...decision('201'), 422: json('Error', 'The Idempotency-Key was used for a different request') },
        },
      },
      '/api/v1/airspace/spatial-ids': {
        get: {
          summary: 'Reserved airspace in a box and time window as 空間ID (z/f/x/y), times clipped to the window',
          parameters: [
            query('bbox', 'minLon,minLat,maxLon,maxLat: tiles that overlap it', true),
            query('from', 'RFC 3339, default now'),
            query('to', 'RFC 3339, default from + 2 h'),
            ...spatialIdParams,
          ],
          responses: { 200: spatialIds('The spatial IDs of live plans'), 400: errors[400] },
        },
      },
      '/api/v1/airspace': {
        get: {
          summary: 'Reserved airspace in a box and time window',
          parameters: [
            query('bbox', `minLon,minLat,maxLon,maxLat, at most ${LIMITS.maxAirspaceBboxDeg}° each way`, true),
            query('from', 'RFC 3339, default now'),
            query('to', `RFC 3339, default from + 2 h; at most ${hours(LIMITS.maxAirspaceWindowMs)} after from`),
          ],
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
          parameters: [
            query('bbox', 'minLon,minLat,maxLon,maxLat', true),
            query('from', 'RFC 3339, default now'),
            query('to', 'RFC 3339, default from + 24 h; at most 48 h after from'),
          ],
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
        parameters: [operatorParam],
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
          parameters: [query('from', 'RFC 3339, default 30 days before `to`'), query('to', 'RFC 3339, default now')],
          responses: { 200: json('DecisionsReport', 'The report'), ...readErrors },
        },
      },
      '/api/v1/airspace/check': {
        get: {
          summary: 'What restricts one point at one moment, and why: zones in force and reserved flights',
          parameters: [
            query('lat', 'latitude', true),
            query('lon', 'longitude', true),
            query('alt', 'altitude, metres', true),
            query('reference', 'W84 (default), AMSL or AGL'),
            query('time', 'RFC 3339, default now'),
          ],
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
          parameters: [query('bbox', 'minLon,minLat,maxLon,maxLat'), query('limit', '1–10000, default 1000')],
          responses: { 200: json('Geofences', 'FeatureCollection of zones'), 400: errors[400] },
        },
      },
      '/api/v1/geofences/{id}': {
        parameters: [idParam],
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
        parameters: [idParam],
        get: {
          summary: 'A zone as 空間ID (z/f/x/y), held in each window it applies within [from, to)',
          parameters: [
            query('from', 'RFC 3339, default now'),
            query('to', 'RFC 3339, default from + 24 h; at most 31 days after from'),
            ...spatialIdParams,
          ],
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
        parameters: [droneIdParam],
        get: {
          summary: 'A drone’s stored samples in a time window, oldest first',
          parameters: [
            query('from', 'RFC 3339, default one hour before `to`'),
            query('to', 'RFC 3339, default now'),
            query('limit', '1–100000, default 10000'),
          ],
          responses: { 200: json('DroneTrack', 'The track'), ...errors },
        },
      },
      '/api/v1/drones/{id}/commands': {
        parameters: [droneIdParam],
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
        parameters: [droneIdParam],
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
          parameters: [query('operator', 'one operator'), query('limit', '1–10000, default 1000')],
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
        parameters: [{ name: 'operator', in: 'path', required: true, schema: { type: 'string', maxLength: 200 } }],
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
          parameters: [
            query('zoneId', 'one zone'),
            query('operator', 'one operator'),
            query('droneId', 'one drone'),
            query('limit', '1–10000, default 1000'),
          ],
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
        parameters: [idParam],
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
          parameters: [
            query('open', 'true: open alerts only; false: closed ones only; absent: both'),
            query('since', 'RFC 3339; alerts opened, acted on, acknowledged or closed at or after'),
            query('droneId', 'one drone'),
            query('kind', 'one kind of alert'),
            query('limit', '1–1000, default 100'),
          ],
          responses: {
            200: json('AlertList', 'Alerts: all for monitors and administrators, an operator’s plans’ for an operator'),
            ...readErrors,
          },
        },
      },
      '/api/v1/alerts/{id}': {
        parameters: [idParam],
        get: { summary: 'One alert', responses: { 200: json('Alert', 'The alert'), ...errors } },
      },
      '/api/v1/alerts/{id}/ack': {
        parameters: [idParam],
        post: {
          summary: 'Acknowledge an alert (a monitor); the first acknowledgement stands',
          responses: { 200: json('Alert', 'The alert, acknowledged'), ...errors },
        },
      },
      '/api/v1/replay': {
        get: {
          summary: 'Stored telemetry of every drone in a window and an area, for the map’s replay',
          parameters: [
            query('from', 'RFC 3339, default one hour before `to`'),
            query('to', 'RFC 3339, default now; at most 24 hours after `from`'),
            query('bbox', 'minLon,minLat,maxLon,maxLat; default everywhere'),
            query('intervalMs', 'at most one sample per drone per interval, default 1000; 0 for every sample'),
            query('limit', '1–500000 samples, default 100000'),
          ],
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
          parameters: [query('subject', 'one subject'), query('expired', 'true: include expired ones')],
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
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        delete: {
          summary: 'Revoke a token (administrators): refused at once by every instance',
          responses: { 200: json('TokenInfo', 'The token, revoked'), ...errors },
        },
      },
      '/api/v1/audit': {
        get: {
          summary: 'The audit trail of writes (administrators), oldest first',
          parameters: [
            query('from', 'RFC 3339'),
            query('to', 'RFC 3339'),
            query('actor', 'one token subject'),
            query('limit', '1–10000, default 1000'),
          ],
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
          parameters: [
            query('view', 'lat1,lng1,lat2,lng2: the smallest box with these corners; diagonal at most 7 km', true),
            query('recent_positions_duration', 'seconds, 0–60: include the positions of that long (default 0: none)'),
          ],
          responses: {
            200: json('RidGetFlightsResponse', 'The flights'),
            ...readErrors,
            413: json('Error', 'The view’s diagonal is over 7 km (NetMaxDisplayAreaDiagonal)'),
          },
        },
      },
      '/rid/v2/uss/flights/{id}/details': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 255 } }],
        get: {
          summary: 'ASTM F3411-22a: who flies a reported flight: UAS id, operator (scope rid.display_provider)',
          responses: { 200: json('RidGetFlightDetailsResponse', 'The details'), ...errors },
        },
      },
      '/ridsp/injection/tests/{test_id}': {
        parameters: [testIdParam],
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
        parameters: [testIdParam, { name: 'version', in: 'path', required: true, schema: { type: 'string' } }],
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
          parameters: [query('after', 'RFC 3339', true), query('before', 'RFC 3339, default now')],
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
        parameters: [idParam],
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
  const entityId = {
    name: 'entityid',
    in: 'path',
    required: true,
    description: 'The entity’s id, a version-4 UUID (for this USS’s intents, the plan’s id)',
    schema: { type: 'string', format: 'uuid' },
  };
  const notified = (what: string) => ({
    204: { description: `The ${what} is held here as told (or was already)` },
    400: errors[400],
    ...auth,
    409: json('Error', `An older version than the one held, or the same version with another OVN`),
  });
  return {
    '/uss/v1/operational_intents/{entityid}': {
      parameters: [entityId],
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
      parameters: [entityId],
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
      parameters: [entityId],
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
  const flightPlanId = {
    name: 'flight_plan_id',
    in: 'path',
    required: true,
    description: 'The caller’s id for the flight, a version-4 UUID',
    schema: { type: 'string', format: 'uuid' },
  };
  return {
    '/flight_planning/v1/status': {
      get: {
        summary: 'InterUSS flight_planning/v1: whether the interface is ready',
        description: scoped('interuss.flight_planning.direct_automated_test'),
        responses: { 200: json('InterussStatusResponse', 'Ready'), ...auth },
      },
    },
    '/flight_planning/v1/flight_plans/{flight_plan_id}': {
      parameters: [flightPlanId],
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
        parameters: [query('after', 'RFC 3339', true), query('before', 'RFC 3339, default now')],
        responses: { 200: json('InterussUserNotificationsResponse', 'Notifications'), 400: errors[400], ...auth },
      },
    },
    '/versioning/versions/{system_identity}': {
      get: {
        summary: 'InterUSS versioning: the version of a system boundary (soramichi)',
        description: scoped('interuss.versioning.read_system_versions'),
        parameters: [{ name: 'system_identity', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json('InterussVersionResponse', 'The version'), ...auth, 404: errors[404] },
      },
    },
  };
}
