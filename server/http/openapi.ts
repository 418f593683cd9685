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
const query = (name: string, description: string, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});
const planResponse = json('FlightPlan', 'The plan');
const decision = (ok: string) => ({
  [ok]: json('FlightPlan', 'Accepted: the plan holds its sky road'),
  409: json('Rejection', 'Rejected: every conflict, and alternatives that would be accepted'),
  ...errors,
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
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Any 1–255 visible ASCII characters, unique per request: a retry with the same key and body gets the first answer again (header Idempotent-Replayed: true) instead of a second plan; the same key with another body is refused (422). Kept for a day.',
              schema: { type: 'string', maxLength: 255 },
            },
          ],
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
            'An administrator, or the operator of a live plan for the drone. Answers when the drone has answered (or the gateway gave up).',
          requestBody: { required: true, content: { 'application/json': { schema: ref('DroneCommand') } } },
          responses: {
            200: json('CommandOutcome', 'What the drone answered; `ok` is false when it refused or never answered'),
            409: json('Error', 'The plan cannot be uploaded, or the drone’s gateway is not connected'),
            504: json('CommandOutcome', 'The gateway gave no answer in time'),
            ...errors,
          },
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
      '/api/v1/whoami': {
        get: {
          summary: 'What the server makes of the caller’s token',
          responses: { 200: json('WhoAmI', 'The caller'), 401: errors[401] },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A token from POST /api/v1/tokens or npm run token (roles admin, operator, gateway, monitor), or ADMIN_TOKEN. Without one, a caller is the public.',
        },
      },
    },
    security: [{ bearer: [] }, {}],
  };
}
