import { z } from 'zod';
import { wire } from '../protocol/index.ts';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});
const errors = {
  400: json('Error', 'Bad input; `issues` names each bad field and why'),
  404: json('Error', 'No such resource'),
};
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
          summary: 'File a flight plan; get its sky road, or every conflict and alternatives',
          requestBody: { required: true, content: { 'application/json': { schema: ref('FlightPlanRequest') } } },
          responses: decision('201'),
        },
        get: {
          summary: 'List flight plans',
          parameters: [
            query('state', 'comma-separated states'),
            query('from', 'RFC 3339; plans whose reservation ends after'),
            query('to', 'RFC 3339; plans whose reservation starts before'),
            query('bbox', 'minLon,minLat,maxLon,maxLat'),
            query('droneId', 'one drone'),
            query('limit', '1–1000, default 100'),
          ],
          responses: {
            200: {
              description: 'Plans',
              content: { 'application/json': { schema: { type: 'array', items: ref('FlightPlan') } } },
            },
            400: errors[400],
          },
        },
      },
      '/api/v1/flight-plans/{id}': {
        parameters: [idParam],
        get: { summary: 'A flight plan with its state history', responses: { 200: planResponse, ...errors } },
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
            query('bbox', 'minLon,minLat,maxLon,maxLat', true),
            query('from', 'RFC 3339, default now'),
            query('to', 'RFC 3339, default from + 2 h'),
          ],
          responses: { 200: geojson('Sky-road cells of live plans'), 400: errors[400] },
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
            400: errors[400],
            403: json('Error', 'Not the administrator'),
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
            403: json('Error', 'Not the administrator'),
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
          summary: 'Command a drone through its gateway (RTL, LAND, LOITER, or upload an accepted plan as mission and fence)',
          description: 'Needs the administrator token. Answers when the drone has answered (or the gateway gave up).',
          requestBody: { required: true, content: { 'application/json': { schema: ref('DroneCommand') } } },
          responses: {
            200: json('CommandOutcome', 'What the drone answered; `ok` is false when it refused or never answered'),
            403: json('Error', 'Not the administrator'),
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
          responses: { 200: json('AlertList', 'Alerts'), 400: errors[400] },
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
          responses: {
            200: json('Alert', 'The alert, acknowledged'),
            403: json('Error', 'No monitor token'),
            ...errors,
          },
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
          responses: { 200: json('Replay', 'One track per drone, oldest first'), 400: errors[400] },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness and database reachability',
          responses: { 200: { description: 'OK' }, 503: { description: 'Database unreachable' } },
        },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain exposition format' } } },
      },
    },
    components: { schemas },
  };
}
