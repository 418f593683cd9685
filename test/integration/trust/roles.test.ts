import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSpatialId, spatialIdOf } from '../../../server/airspace/spatial-id.ts';
import { system } from '../../../server/auth/principal.ts';
import type { Alert, FlightPlan, LiveSnapshot, TelemetryAck } from '../../../server/protocol/index.ts';
import { until } from '../gateway/support.ts';
import { fakeGateway, sample } from '../live/support.ts';
import { KAGA, inHours, routePlan, squareZone } from '../../support/plans.ts';
import { ADMIN_TOKEN, registerDrones, startTestServer, type TestServer } from '../../support/server.ts';

/**
 * Every endpoint and socket event, with every role: what each may do, what each is refused, and
 * what each sees of other people's plans, drones and alerts.
 */

type Who = 'admin' | 'owner' | 'otherOperator' | 'monitor' | 'gateway' | 'public';
const WHO: Who[] = ['admin', 'owner', 'otherOperator', 'monitor', 'gateway', 'public'];

/** A status for each caller; `write` cases get fresh fixtures per caller (they change state). */
interface Case {
  method: string;
  /** The OpenAPI path this case covers. */
  path: string;
  url: () => string | Promise<string>;
  body?: () => unknown;
  expect: Record<Who, number>;
}

const only = (allowed: Partial<Record<Who, number>>, refused = 403): Record<Who, number> => ({
  admin: refused,
  owner: refused,
  otherOperator: refused,
  monitor: refused,
  gateway: refused,
  public: 401,
  ...allowed,
});
const everyone = (status: number): Record<Who, number> => ({
  admin: status,
  owner: status,
  otherOperator: status,
  monitor: status,
  gateway: status,
  public: status,
});

/** A flight_planning/v1 request for a small box south of the city, starting at `start`. */
function interussFlight(start: string) {
  const vertex = (lat: number, lng: number) => ({ lat, lng });
  return {
    flight_plan: {
      basic_information: {
        usage_state: 'Planned',
        uas_state: 'Nominal',
        area: [
          {
            volume: {
              outline_polygon: { vertices: [vertex(36.2, 136.2), vertex(36.201, 136.2), vertex(36.201, 136.201)] },
              altitude_lower: { value: 30, reference: 'SFC', units: 'M' },
              altitude_upper: { value: 60, reference: 'SFC', units: 'M' },
            },
            time_start: { value: start, format: 'RFC3339' },
            time_end: { value: new Date(Date.parse(start) + 600_000).toISOString(), format: 'RFC3339' },
          },
        ],
      },
    },
    execution_style: 'IfAllowed',
    request_id: randomUUID(),
  };
}

/** What a peer USS tells of its operational intent (ASTM F3548-21): a small box south of the city from `start`. */
function peerNotification(start: string) {
  const id = randomUUID();
  const vertex = (lat: number, lng: number) => ({ lat, lng });
  const end = new Date(Date.parse(start) + 600_000).toISOString();
  return {
    operational_intent_id: id,
    operational_intent: {
      reference: {
        id,
        manager: 'uss-roles',
        uss_availability: 'Normal',
        version: 1,
        state: 'Accepted',
        ovn: `ovn-roles-${id}`,
        time_start: { value: start, format: 'RFC3339' },
        time_end: { value: end, format: 'RFC3339' },
        uss_base_url: 'https://uss.example.com/utm',
        subscription_id: randomUUID(),
      },
      details: {
        volumes: [
          {
            volume: {
              outline_polygon: { vertices: [vertex(36.19, 136.19), vertex(36.191, 136.19), vertex(36.191, 136.191)] },
              altitude_lower: { value: 0, reference: 'W84', units: 'M' },
              altitude_upper: { value: 200, reference: 'W84', units: 'M' },
            },
            time_start: { value: start, format: 'RFC3339' },
            time_end: { value: end, format: 'RFC3339' },
          },
        ],
        priority: 0,
      },
    },
    subscriptions: [{ subscription_id: randomUUID(), notification_index: 1 }],
  };
}

const DRONE = 'JUROLESOWNER1';
const BOUND = [DRONE, 'JUROLESBOUND2'];
const UNBOUND = 'JUROLESSTRAY3';
const BBOX = '136.2,36.2,136.5,36.45';
/** Sockets a token (the public: an address) may hold on this server; small, so the walk below reaches it. */
const SOCKETS = 4;

describe('who may do what: every endpoint and socket event with every role', () => {
  let server: TestServer;
  const tokens = {} as Record<Who, string | null>;
  let ownerPlan: FlightPlan;
  let alert: Alert;
  let zoneId: string;
  let gatewaySocket: Socket;
  let restrictedZoneId: string;
  let drones = 0;
  /** A drone registered to the owner, for a case that unregisters it. */
  const freshOwnedDrone = async () => {
    const id = `JUROLESREG${++drones}`;
    await registerDrones(server, 'op-owner', id);
    return id;
  };
  const authorization = () => ({
    zoneId: restrictedZoneId,
    operator: 'op-owner',
    droneId: DRONE,
    validFrom: inHours(0),
    validTo: inHours(2),
    reason: 'roles test',
  });
  const freshAuthorization = async () => {
    const r = await server.api<{ id: string }>('POST', '/api/v1/zone-authorizations', authorization());
    expect(r.status).toBe(201);
    return r.body.id;
  };
  let departureHour = 1;
  const nextDeparture = () => inHours((departureHour += 0.25));

  const call = async (who: Who, method: string, url: string, body?: unknown) => {
    const token = tokens[who];
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  };

  /** A plan of the owner's, accepted, for a case that changes it. */
  const freshOwnerPlan = async (): Promise<FlightPlan> => {
    const r = await call(
      'owner',
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.medicalCenter, KAGA.station], { departure: nextDeparture(), droneId: DRONE }),
    );
    expect(r.status).toBe(201);
    return r.body as FlightPlan;
  };
  /** A Remote ID test of one simulated flight over the station, flying now; injected by the administrator. */
  const freshRidTest = async (): Promise<{ path: string; flightId: string }> => {
    const testId = randomUUID();
    const flightId = `roles-${testId}`;
    const t = Date.now();
    const body = {
      requested_flights: [
        {
          injection_id: randomUUID(),
          telemetry: [0, 1, 2].map((i) => ({
            timestamp: new Date(t - 1000 + i * 60_000).toISOString(),
            timestamp_accuracy: 0,
            position: { lat: KAGA.station.lat, lng: KAGA.station.lon + i * 1e-4, alt: 100 },
            track: 90,
            speed: 5,
            speed_accuracy: 'SA1mps',
            vertical_speed: 0,
          })),
          details_responses: [{ effective_after: new Date(t - 1000).toISOString(), details: { id: flightId } }],
        },
      ],
    };
    const r = await call('admin', 'PUT', `/ridsp/injection/tests/${testId}`, body);
    expect(r.status).toBe(200);
    return { path: `/ridsp/injection/tests/${testId}/${(r.body as { version: string }).version}`, flightId };
  };
  let ridFlight: Promise<string> | null = null;
  /** A plan of the owner's, held, for a case that confirms it. */
  const freshHeldPlan = async (): Promise<FlightPlan> => {
    const r = await call(
      'owner',
      'POST',
      '/api/v1/flight-plans?hold=true',
      routePlan([KAGA.medicalCenter, KAGA.station], { departure: nextDeparture(), droneId: DRONE }),
    );
    expect(r.status).toBe(201);
    return r.body as FlightPlan;
  };
  /** A cap of an operator nobody here files for, for a case that lifts it. */
  const freshCap = async (): Promise<string> => {
    expect((await server.api('PUT', '/api/v1/caps/op-roles-capped', { cellHours: 1e6 })).status).toBe(200);
    return '/api/v1/caps/op-roles-capped';
  };
  const freshZone = async (): Promise<string> => {
    const zone = squareZone({ lat: 36.25, lon: 136.25 }, 100, { name: 'roles test zone', kind: 'advisory' });
    const r = await server.api<{ id: string }>('POST', '/api/v1/geofences', zone);
    expect(r.status).toBe(201);
    return r.body.id;
  };

  beforeAll(async () => {
    server = await startTestServer('pglite', { SOCKETS_PER_TOKEN: String(SOCKETS) });
    const issue = async (role: 'operator' | 'monitor' | 'gateway', subject: string, drones?: string[]) =>
      (await server.issuer.issue({ subject, role, ttlSeconds: 3600, ...(drones ? { drones } : {}) }, system('test')))
        .token;
    tokens.admin = ADMIN_TOKEN;
    tokens.owner = await issue('operator', 'op-owner');
    tokens.otherOperator = await issue('operator', 'op-other');
    tokens.monitor = await issue('monitor', 'city-monitor');
    tokens.gateway = await issue('gateway', 'gs-roles', BOUND);
    tokens.public = null;
    await registerDrones(server, 'op-owner', DRONE, 'JUROLESBOUND2', 'JUROLESFILE01', 'JUROLESFILE02', 'JUROLESFILE03');
    restrictedZoneId = (
      await server.api<{ id: string }>(
        'POST',
        '/api/v1/geofences',
        squareZone({ lat: 36.24, lon: 136.24 }, 100, { name: 'roles restricted zone', kind: 'restricted' }),
      )
    ).body.id;

    ownerPlan = await freshOwnerPlan();
    expect((await call('owner', 'POST', `/api/v1/flight-plans/${ownerPlan.id}/activate`)).status).toBe(200);
    ownerPlan = (await call('owner', 'GET', `/api/v1/flight-plans/${ownerPlan.id}`)).body as FlightPlan;
    zoneId = await freshZone();

    // The bound ground station relays the owner's drone, and answers every command it is given.
    gatewaySocket = (await fakeGateway(server.url, 'gs-roles', tokens.gateway!)).socket;
    const ack = (await gatewaySocket.emitWithAck('telemetry', {
      samples: [sample(DRONE, KAGA.medicalCenter)],
    })) as TelemetryAck;
    expect(ack.accepted).toBe(1);

    alert = (await server.alerts.raise(
      {
        kind: 'low_battery',
        droneId: DRONE,
        planId: ownerPlan.id,
        subjectId: null,
        message: 'battery low for the remaining route',
        lat: KAGA.medicalCenter.lat,
        lon: KAGA.medicalCenter.lon,
        altW84: 120,
      },
      'notify',
    ))!;
    expect(alert).not.toBeNull();
  });

  afterAll(async () => {
    gatewaySocket?.close();
    await server?.stop();
  });

  const cases = (): Case[] => [
    { method: 'GET', path: '/healthz', url: () => '/healthz', expect: everyone(200) },
    { method: 'GET', path: '/metrics', url: () => '/metrics', expect: only({ admin: 200, monitor: 200 }) },
    { method: 'GET', path: '/openapi.json', url: () => '/openapi.json', expect: everyone(200) },
    { method: 'GET', path: '/api/v1/transparency', url: () => '/api/v1/transparency', expect: everyone(200) },
    { method: 'GET', path: '/api/v1/whoami', url: () => '/api/v1/whoami', expect: everyone(200) },
    {
      method: 'POST',
      path: '/api/v1/flight-plans',
      url: () => '/api/v1/flight-plans',
      body: () => routePlan([KAGA.cityHall, KAGA.station], { departure: nextDeparture(), droneId: 'JUROLESFILE01' }),
      expect: only({ admin: 201, owner: 201 }),
    },
    {
      method: 'GET',
      path: '/api/v1/flight-plans',
      url: () => '/api/v1/flight-plans',
      expect: only({ admin: 200, owner: 200, otherOperator: 200, monitor: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/flight-plans/{id}',
      url: () => `/api/v1/flight-plans/${ownerPlan.id}`,
      expect: everyone(200),
    },
    {
      method: 'PUT',
      path: '/api/v1/flight-plans/{id}',
      url: async () => `/api/v1/flight-plans/${(await freshOwnerPlan()).id}`,
      body: () => routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure: nextDeparture(), droneId: DRONE }),
      expect: only({ admin: 200, owner: 200 }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/flight-plans/{id}',
      url: async () => `/api/v1/flight-plans/${(await freshOwnerPlan()).id}`,
      expect: only({ admin: 200, owner: 200 }),
    },
    ...(['activate', 'end'] as const).map((op): Case => ({
      method: 'POST',
      path: `/api/v1/flight-plans/{id}/${op}`,
      url: async () => `/api/v1/flight-plans/${(await freshOwnerPlan()).id}/${op}`,
      expect: only({ admin: 200, owner: 200 }),
    })),
    {
      method: 'POST',
      path: '/api/v1/flight-plans/candidates',
      url: () => '/api/v1/flight-plans/candidates',
      body: () => ({
        candidates: [
          routePlan([KAGA.cityHall, KAGA.station], { departure: nextDeparture(), droneId: 'JUROLESFILE02' }),
        ],
      }),
      expect: only({ admin: 201, owner: 201 }),
    },
    {
      method: 'POST',
      path: '/api/v1/flight-plans/earliest',
      url: () => '/api/v1/flight-plans/earliest',
      body: () => ({ plan: routePlan([KAGA.cityHall, KAGA.station], { departure: nextDeparture() }) }),
      expect: only({ admin: 200, owner: 200, otherOperator: 200 }),
    },
    {
      method: 'POST',
      path: '/api/v1/flight-plans/{id}/confirm',
      url: async () => `/api/v1/flight-plans/${(await freshHeldPlan()).id}/confirm`,
      expect: only({ admin: 200, owner: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/flight-plans/{id}/dips',
      url: () => `/api/v1/flight-plans/${ownerPlan.id}/dips`,
      expect: only({ owner: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/flight-plans/{id}/sky-road',
      url: () => `/api/v1/flight-plans/${ownerPlan.id}/sky-road`,
      expect: everyone(200),
    },
    {
      method: 'GET',
      path: '/api/v1/flight-plans/{id}/spatial-ids',
      url: () => `/api/v1/flight-plans/${ownerPlan.id}/spatial-ids?zoom=20`,
      expect: everyone(200),
    },
    {
      method: 'POST',
      path: '/api/v1/flight-plans/from-spatial-ids',
      url: () => '/api/v1/flight-plans/from-spatial-ids',
      body: () => {
        const start = nextDeparture();
        const end = new Date(Date.parse(start) + 600_000).toISOString();
        const ids = [formatSpatialId(spatialIdOf(36.22, 136.22, 90, 21))];
        return { droneId: 'JUROLESFILE03', spatialIds: [{ start, end, ids }] };
      },
      expect: only({ admin: 201, owner: 201 }),
    },
    { method: 'GET', path: '/api/v1/airspace', url: () => `/api/v1/airspace?bbox=${BBOX}`, expect: everyone(200) },
    {
      method: 'GET',
      path: '/api/v1/airspace/spatial-ids',
      url: () => `/api/v1/airspace/spatial-ids?bbox=${BBOX}&zoom=18`,
      expect: everyone(200),
    },
    { method: 'GET', path: '/api/v1/capacity', url: () => `/api/v1/capacity?bbox=${BBOX}`, expect: everyone(200) },
    { method: 'GET', path: '/api/v1/rules', url: () => '/api/v1/rules', expect: everyone(200) },
    { method: 'GET', path: '/api/v1/caps', url: () => '/api/v1/caps', expect: only({ admin: 200, monitor: 200 }) },
    {
      method: 'PUT',
      path: '/api/v1/caps/{operator}',
      url: () => '/api/v1/caps/op-roles-capped',
      body: () => ({ cellHours: 1e6 }),
      expect: only({ admin: 200 }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/caps/{operator}',
      url: freshCap,
      expect: only({ admin: 204 }),
    },
    {
      method: 'GET',
      path: '/api/v1/decisions',
      url: () => '/api/v1/decisions',
      expect: only({ admin: 200, monitor: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/airspace/check',
      url: () => `/api/v1/airspace/check?lat=${KAGA.station.lat}&lon=${KAGA.station.lon}&alt=60&reference=AGL`,
      expect: everyone(200),
    },
    {
      method: 'POST',
      path: '/api/v1/geofences',
      url: () => '/api/v1/geofences',
      body: () => squareZone({ lat: 36.26, lon: 136.26 }, 100, { name: 'declared', kind: 'advisory' }),
      expect: only({ admin: 201 }),
    },
    { method: 'GET', path: '/api/v1/geofences', url: () => `/api/v1/geofences?bbox=${BBOX}`, expect: everyone(200) },
    { method: 'GET', path: '/api/v1/geofences/{id}', url: () => `/api/v1/geofences/${zoneId}`, expect: everyone(200) },
    {
      method: 'GET',
      path: '/api/v1/geofences/{id}/spatial-ids',
      url: () => `/api/v1/geofences/${zoneId}/spatial-ids?zoom=20`,
      expect: everyone(200),
    },
    {
      method: 'DELETE',
      path: '/api/v1/geofences/{id}',
      url: async () => `/api/v1/geofences/${await freshZone()}`,
      expect: only({ admin: 204 }),
    },
    { method: 'GET', path: '/api/v1/drones', url: () => '/api/v1/drones', expect: everyone(200) },
    {
      method: 'GET',
      path: '/api/v1/drones/{id}/track',
      url: () => `/api/v1/drones/${DRONE}/track`,
      expect: only({ admin: 200, owner: 200, otherOperator: 404, monitor: 200 }),
    },
    {
      method: 'POST',
      path: '/api/v1/drones/{id}/commands',
      url: () => `/api/v1/drones/${DRONE}/commands`,
      body: () => ({ type: 'loiter' }),
      expect: only({ admin: 200, owner: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/drones/{id}/registration',
      url: () => `/api/v1/drones/${DRONE}/registration`,
      expect: only({ admin: 200, owner: 200, otherOperator: 404, monitor: 200 }),
    },
    {
      method: 'PUT',
      path: '/api/v1/drones/{id}/registration',
      url: () => `/api/v1/drones/JUROLESNEW${++drones}/registration`,
      body: () => ({ model: 'test copter' }),
      expect: only({ admin: 201, owner: 201, otherOperator: 201 }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/drones/{id}/registration',
      url: async () => `/api/v1/drones/${await freshOwnedDrone()}/registration`,
      expect: only({ admin: 204, owner: 204, otherOperator: 404 }),
    },
    {
      method: 'GET',
      path: '/api/v1/drone-registrations',
      url: () => '/api/v1/drone-registrations',
      expect: only({ admin: 200, owner: 200, otherOperator: 200, monitor: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/priority-grants',
      url: () => '/api/v1/priority-grants',
      expect: only({ admin: 200, monitor: 200 }),
    },
    {
      method: 'PUT',
      path: '/api/v1/priority-grants/{operator}',
      url: () => '/api/v1/priority-grants/op-granted',
      body: () => ({ maxPriority: 100, reason: 'roles test' }),
      expect: only({ admin: 200 }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/priority-grants/{operator}',
      url: async () => {
        await server.api('PUT', '/api/v1/priority-grants/op-withdrawn', { maxPriority: 50, reason: 'roles test' });
        return '/api/v1/priority-grants/op-withdrawn';
      },
      expect: only({ admin: 204 }),
    },
    {
      method: 'GET',
      path: '/api/v1/zone-authorizations',
      url: () => '/api/v1/zone-authorizations',
      expect: only({ admin: 200, owner: 200, otherOperator: 200, monitor: 200 }),
    },
    {
      method: 'POST',
      path: '/api/v1/zone-authorizations',
      url: () => '/api/v1/zone-authorizations',
      body: authorization,
      expect: only({ admin: 201 }),
    },
    {
      method: 'GET',
      path: '/api/v1/zone-authorizations/{id}',
      url: async () => `/api/v1/zone-authorizations/${await freshAuthorization()}`,
      expect: only({ admin: 200, owner: 200, otherOperator: 404, monitor: 200 }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/zone-authorizations/{id}',
      url: async () => `/api/v1/zone-authorizations/${await freshAuthorization()}`,
      expect: only({ admin: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/alerts',
      url: () => '/api/v1/alerts',
      expect: only({ admin: 200, owner: 200, otherOperator: 200, monitor: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/alerts/{id}',
      url: () => `/api/v1/alerts/${alert.id}`,
      expect: only({ admin: 200, owner: 200, otherOperator: 404, monitor: 200 }),
    },
    {
      method: 'POST',
      path: '/api/v1/alerts/{id}/ack',
      url: () => `/api/v1/alerts/${alert.id}/ack`,
      expect: only({ admin: 200, monitor: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/replay',
      url: () => `/api/v1/replay?bbox=${BBOX}`,
      expect: only({ admin: 200, monitor: 200 }),
    },
    {
      method: 'POST',
      path: '/api/v1/tokens',
      url: () => '/api/v1/tokens',
      body: () => ({ subject: 'op-new', role: 'operator', ttlSeconds: 600 }),
      expect: only({ admin: 201 }),
    },
    { method: 'GET', path: '/api/v1/tokens', url: () => '/api/v1/tokens', expect: only({ admin: 200 }) },
    {
      method: 'DELETE',
      path: '/api/v1/tokens/{id}',
      url: async () => {
        const t = await server.issuer.issue({ subject: 'to-revoke', role: 'monitor', ttlSeconds: 600 }, system('test'));
        return `/api/v1/tokens/${t.id}`;
      },
      expect: only({ admin: 200 }),
    },
    { method: 'GET', path: '/api/v1/audit', url: () => '/api/v1/audit', expect: only({ admin: 200 }) },
    // The Remote ID interfaces go by OAuth scope: these tokens carry none, so only the roles' own count.
    {
      method: 'GET',
      path: '/rid/v2/uss/flights',
      url: () =>
        `/rid/v2/uss/flights?view=${KAGA.station.lat - 0.01},${KAGA.station.lon - 0.01},${KAGA.station.lat + 0.01},${KAGA.station.lon + 0.01}`,
      expect: only({ admin: 200, monitor: 200 }),
    },
    {
      method: 'GET',
      path: '/rid/v2/uss/flights/{id}/details',
      url: async () => `/rid/v2/uss/flights/${await (ridFlight ??= freshRidTest().then((t) => t.flightId))}/details`,
      expect: only({ admin: 200, monitor: 200 }),
    },
    {
      method: 'PUT',
      path: '/ridsp/injection/tests/{test_id}',
      url: () => `/ridsp/injection/tests/${randomUUID()}`,
      body: () => ({ requested_flights: [{ injection_id: randomUUID(), telemetry: [], details_responses: [] }] }),
      expect: only({ admin: 200 }),
    },
    {
      method: 'DELETE',
      path: '/ridsp/injection/tests/{test_id}/{version}',
      url: async () => (await freshRidTest()).path,
      expect: only({ admin: 200 }),
    },
    {
      method: 'GET',
      path: '/ridsp/injection/user_notifications',
      url: () => `/ridsp/injection/user_notifications?after=${new Date(0).toISOString()}`,
      expect: only({ admin: 200 }),
    },
    // InterUSS's interfaces answer InterUSS scopes (their own tests); of this server's tokens, only the administrator's.
    {
      method: 'GET',
      path: '/flight_planning/v1/status',
      url: () => '/flight_planning/v1/status',
      expect: only({ admin: 200 }),
    },
    {
      method: 'PUT',
      path: '/flight_planning/v1/flight_plans/{flight_plan_id}',
      url: () => `/flight_planning/v1/flight_plans/${randomUUID()}`,
      body: () => interussFlight(nextDeparture()),
      expect: only({ admin: 200 }),
    },
    {
      method: 'DELETE',
      path: '/flight_planning/v1/flight_plans/{flight_plan_id}',
      url: () => `/flight_planning/v1/flight_plans/${randomUUID()}`,
      expect: only({ admin: 404 }),
    },
    {
      method: 'POST',
      path: '/flight_planning/v1/clear_area_requests',
      url: () => '/flight_planning/v1/clear_area_requests',
      body: () => ({
        request_id: randomUUID(),
        extent: {
          volume: { outline_circle: { center: { lat: 36.2, lng: 136.2 }, radius: { value: 10, units: 'M' } } },
        },
      }),
      expect: only({ admin: 200 }),
    },
    {
      method: 'GET',
      path: '/flight_planning/v1/user_notifications',
      url: () => '/flight_planning/v1/user_notifications?after=2026-01-01T00:00:00Z',
      expect: only({ admin: 200 }),
    },
    {
      method: 'GET',
      path: '/versioning/versions/{system_identity}',
      url: () => '/versioning/versions/soramichi',
      expect: only({ admin: 200 }),
    },
    {
      method: 'GET',
      path: '/api/v1/flight-plans/{id}/publication',
      url: () => `/api/v1/flight-plans/${ownerPlan.id}/publication`,
      expect: only({ admin: 200, owner: 200, monitor: 200 }),
    },
    // ASTM F3548-21's USS↔USS interface goes by the standard's scopes: of this server's tokens, only the administrator's.
    {
      method: 'GET',
      path: '/uss/v1/operational_intents/{entityid}',
      url: () => `/uss/v1/operational_intents/${ownerPlan.id}`,
      expect: only({ admin: 200 }),
    },
    {
      method: 'GET',
      path: '/uss/v1/operational_intents/{entityid}/telemetry',
      url: async () => `/uss/v1/operational_intents/${(await freshOwnerPlan()).id}/telemetry`,
      expect: only({ admin: 409 }),
    },
    {
      method: 'POST',
      path: '/uss/v1/operational_intents',
      url: () => '/uss/v1/operational_intents',
      body: () => peerNotification(nextDeparture()),
      expect: only({ admin: 204 }),
    },
    {
      method: 'GET',
      path: '/uss/v1/constraints/{entityid}',
      url: () => `/uss/v1/constraints/${zoneId}`,
      expect: only({ admin: 200 }),
    },
    {
      method: 'POST',
      path: '/uss/v1/constraints',
      url: () => '/uss/v1/constraints',
      body: () => {
        const { operational_intent: intent, subscriptions } = peerNotification(nextDeparture());
        const { state: _state, subscription_id: _subscription, ...reference } = intent.reference;
        return {
          constraint_id: reference.id,
          constraint: { reference, details: { volumes: intent.details.volumes } },
          subscriptions,
        };
      },
      expect: only({ admin: 204 }),
    },
  ];

  it('covers every endpoint of the OpenAPI document', async () => {
    const doc = (await call('public', 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const verbs = new Set(['get', 'put', 'post', 'delete', 'patch']);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => verbs.has(m))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    const walked = new Set(cases().map((c) => `${c.method} ${c.path}`));
    expect(documented.filter((e) => !walked.has(e))).toEqual([]);
  });

  it('answers each role as the policy says, refusals with a message', async () => {
    const seen: string[] = [];
    for (const c of cases()) {
      for (const who of WHO) {
        const r = await call(who, c.method, await c.url(), c.body?.());
        seen.push(`${c.method} ${c.path} as ${who}: ${r.status}`);
        if (r.status !== c.expect[who]) {
          throw new Error(
            `${c.method} ${c.path} as ${who}: ${r.status}, expected ${c.expect[who]}: ${JSON.stringify(r.body).slice(0, 300)}`,
          );
        }
        if (r.status === 401 || r.status === 403) expect(r.body.message).toMatch(/\w/);
        if (r.status === 401) expect(r.body.error).toBe('unauthorized');
      }
    }
    expect(seen.length).toBe(cases().length * WHO.length);
  });

  it('shows the owner, monitors and administrators a plan whole, everyone else anonymous airspace', async () => {
    for (const who of WHO) {
      const r = await call(who, 'GET', `/api/v1/flight-plans/${ownerPlan.id}`);
      const whole = who === 'admin' || who === 'owner' || who === 'monitor';
      if (whole) {
        expect(r.body).toMatchObject({ id: ownerPlan.id, droneId: DRONE, operator: 'op-owner' });
      } else {
        expect(r.body).toMatchObject({ id: ownerPlan.id, anonymous: true, skyRoad: ownerPlan.skyRoad });
        expect(JSON.stringify(r.body)).not.toContain(DRONE);
        expect(JSON.stringify(r.body)).not.toContain('op-owner');
      }
    }
    // Spatial IDs are the sky road's airspace, nothing of who flies it.
    for (const who of WHO) {
      const ids = await call(who, 'GET', `/api/v1/flight-plans/${ownerPlan.id}/spatial-ids?zoom=20`);
      expect(ids.body.count).toBeGreaterThan(0);
      expect(JSON.stringify(ids.body)).not.toContain(DRONE);
      expect(JSON.stringify(ids.body)).not.toContain('op-owner');
    }
    const other = await call('otherOperator', 'GET', '/api/v1/flight-plans?limit=1000');
    expect((other.body as FlightPlan[]).every((p) => p.operator === 'op-other')).toBe(true);
    const mine = await call('owner', 'GET', '/api/v1/flight-plans?limit=1000');
    expect((mine.body as FlightPlan[]).some((p) => p.id === ownerPlan.id)).toBe(true);
  });

  it('shows drones to everyone, but who relays and operates them only to monitors, administrators and their operator', async () => {
    for (const who of WHO) {
      const states = (await call(who, 'GET', '/api/v1/drones')).body as Array<Record<string, unknown>>;
      const drone = states.find((s) => s['droneId'] === DRONE)!;
      expect(drone).toBeDefined();
      if (who === 'admin' || who === 'monitor' || who === 'owner') {
        expect(drone['gatewayId']).toBe('gs-roles');
      } else {
        expect(drone).toMatchObject({ anonymous: true });
        expect(drone['gatewayId']).toBeUndefined();
      }
    }
  });

  it('lists to an operator the alerts on its own plans only', async () => {
    const owner = (await call('owner', 'GET', '/api/v1/alerts')).body as Alert[];
    const other = (await call('otherOperator', 'GET', '/api/v1/alerts')).body as Alert[];
    expect(owner.map((a) => a.id)).toContain(alert.id);
    expect(other.map((a) => a.id)).not.toContain(alert.id);
  });

  describe('/gateway', () => {
    const connect = (who: Who, gatewayId: string) =>
      new Promise<{ socket: Socket; error: string | null }>((resolve) => {
        const token = tokens[who];
        const socket = io(`${server.url}/gateway`, {
          auth: { ...(token ? { token } : {}), gatewayId },
          transports: ['websocket'],
          reconnection: false,
        });
        socket.once('connect', () => resolve({ socket, error: null }));
        socket.once('connect_error', (e) => resolve({ socket, error: e.message }));
      });

    it('lets gateways and administrators connect, and nobody else', async () => {
      for (const who of WHO) {
        const { socket, error } = await connect(who, who === 'gateway' ? 'gs-roles' : `gw-${who}`);
        socket.close();
        if (who === 'gateway' || who === 'admin') expect(error).toBeNull();
        else expect(error).toMatch(/unauthorized/);
      }
    });

    it('knows a gateway by its token: one that names another gateway is refused', async () => {
      const { socket, error } = await connect('gateway', 'gs-elsewhere');
      socket.close();
      expect(error).toMatch(/this token is gateway "gs-roles", not "gs-elsewhere"/);
    });

    it('stores telemetry only for the drones bound to the gateway’s token', async () => {
      const ack = (await gatewaySocket.emitWithAck('telemetry', {
        samples: [sample(BOUND[1]!, KAGA.station), sample(UNBOUND, KAGA.station)],
      })) as TelemetryAck;
      expect(ack.accepted).toBe(1);
      expect(ack.rejected).toEqual([expect.objectContaining({ message: expect.stringContaining('not bound') })]);
      const states = (await server.api<Array<{ droneId: string }>>('GET', '/api/v1/drones')).body;
      expect(states.some((s) => s.droneId === BOUND[1])).toBe(true);
      expect(states.some((s) => s.droneId === UNBOUND)).toBe(false);
    });

    it('ignores link reports for drones the gateway is not bound to', async () => {
      gatewaySocket.emit('link', { droneId: UNBOUND, link: 'lost', at: new Date().toISOString() });
      gatewaySocket.emit('link', { droneId: BOUND[1], link: 'lost', at: new Date().toISOString() });
      await until('the bound drone reported lost', async () => {
        const states = (await server.api<Array<{ droneId: string; link: string }>>('GET', '/api/v1/drones')).body;
        return states.find((s) => s.droneId === BOUND[1])?.link === 'lost';
      });
      const states = (await server.api<Array<{ droneId: string }>>('GET', '/api/v1/drones')).body;
      expect(states.some((s) => s.droneId === UNBOUND)).toBe(false);
    });
  });

  describe('/live', () => {
    const watch = async (who: Who) => {
      const token = tokens[who];
      const socket = io(`${server.url}/live`, { transports: ['websocket'], ...(token ? { auth: { token } } : {}) });
      const events: Array<{ event: string; payload: any }> = [];
      socket.onAny((event: string, payload: unknown) => events.push({ event, payload }));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const snapshot = (await socket.emitWithAck('subscribe', { cells: [], full: true })) as LiveSnapshot;
      return { socket, events, snapshot };
    };

    it('refuses a connection with a token that does not verify', async () => {
      const socket = io(`${server.url}/live`, {
        transports: ['websocket'],
        auth: { token: 'forged.jwt.token' },
        reconnection: false,
      });
      const error = await new Promise<string>((resolve) => socket.once('connect_error', (e) => resolve(e.message)));
      socket.close();
      expect(error).toMatch(/unauthorized/);
    });

    it('streams each viewer the plans and alerts it may see', async () => {
      const viewers = Object.fromEntries(
        await Promise.all(WHO.map(async (w) => [w, await watch(w)] as const)),
      ) as Record<Who, Awaited<ReturnType<typeof watch>>>;
      const whole = (w: Who) => w === 'admin' || w === 'owner' || w === 'monitor';
      for (const w of WHO) {
        const plan = viewers[w].snapshot.plans!.find((p) => p.id === ownerPlan.id)!;
        expect(plan).toBeDefined();
        expect('anonymous' in plan).toBe(!whole(w));
        const alerts = viewers[w].snapshot.alerts!.map((a) => a.id);
        expect(alerts.includes(alert.id)).toBe(whole(w));
      }

      // A change of the owner's plan, and a new alert on it, as events.
      const changed = await freshOwnerPlan();
      const raised = (await server.alerts.raise(
        {
          kind: 'proximity',
          droneId: DRONE,
          planId: ownerPlan.id,
          subjectId: 'JUOTHER',
          message: 'too close',
          lat: null,
          lon: null,
          altW84: null,
        },
        'notify',
      ))!;
      for (const w of WHO) {
        const v = viewers[w];
        await until(`${w} hears of the new plan`, () =>
          v.events.some((e) => e.event === 'plan' && e.payload.id === changed.id),
        );
        const plan = v.events.find((e) => e.event === 'plan' && e.payload.id === changed.id)!.payload;
        expect('anonymous' in plan).toBe(!whole(w));
      }
      await until('the monitor hears of the alert', () =>
        viewers.monitor.events.some((e) => e.event === 'alert' && e.payload.id === raised.id),
      );
      await until('the owner hears of the alert', () =>
        viewers.owner.events.some((e) => e.event === 'alert' && e.payload.id === raised.id),
      );
      for (const w of ['otherOperator', 'gateway', 'public'] as const) {
        expect(viewers[w].events.some((e) => e.event === 'alert')).toBe(false);
      }
      for (const v of Object.values(viewers)) v.socket.close();
    });
  });

  describe('limits that hold for every role', () => {
    it('lets each role’s token, and the public’s address, hold at most SOCKETS_PER_TOKEN sockets', async () => {
      for (const who of WHO) {
        const token = tokens[who];
        const opened: Socket[] = [];
        let error: string | null = null;
        // At most SOCKETS + 1 tries: whatever this caller already holds, one of them is refused.
        for (let i = 0; i <= SOCKETS && error === null; i++) {
          const socket = io(`${server.url}/live`, {
            transports: ['websocket'],
            reconnection: false,
            ...(token ? { auth: { token } } : {}),
          });
          opened.push(socket);
          error = await new Promise<string | null>((resolve) => {
            socket.once('connect', () => resolve(null));
            socket.once('connect_error', (e) => resolve(e.message));
          });
        }
        for (const s of opened) s.close();
        expect(error, who).toMatch(
          who === 'public'
            ? new RegExp(`^too many sockets: address \\S+ already holds ${SOCKETS}`)
            : new RegExp(`^too many sockets: "[^"]+" already holds ${SOCKETS}`),
        );
      }
    });

    it('bounds what anyone may ask of /api/v1/airspace, whatever the role', async () => {
      for (const who of WHO) {
        const wide = await call(who, 'GET', '/api/v1/airspace?bbox=130,30,140,40');
        expect(wide.status, who).toBe(400);
        expect(wide.body.issues[0].path).toBe('bbox');
      }
    });
  });
});
