import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../server/limits.ts';
import type { ErrorBody, FlightPlan, SkyRoadCells } from '../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { inHours, KAGA, routePlan, squareZone } from '../support/plans.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/server.ts';

const { medicalCenter: A, yamashiro: B, station: STATION } = KAGA;

/** `n` points on a circle of `radiusDeg` around a centre, as [lon, lat], the ring closed. */
const circleRing = (center: { lat: number; lon: number }, n: number, radiusDeg: number) => {
  const ring = Array.from({ length: n - 1 }, (_, i) => [
    +(center.lon + radiusDeg * Math.cos((2 * Math.PI * i) / (n - 1))).toFixed(7),
    +(center.lat + radiusDeg * Math.sin((2 * Math.PI * i) / (n - 1))).toFixed(7),
  ]);
  return [...ring, ring[0]!];
};

const volume = (start: string, end: string, outline: unknown) => ({
  volume: {
    ...(outline as object),
    altitude_lower: { value: 0, reference: 'AGL' },
    altitude_upper: { value: 120, reference: 'AGL' },
  },
  time_start: { value: start },
  time_end: { value: end },
});
const volumePlan = (...volumes: unknown[]) => ({ droneId: 'JUBOUNDSVOL01', volumes });

/**
 * Issue 19, item 5: every dimension of an input is bounded, and what goes past a bound is refused
 * with a 400 that names the field and the limit, before any work is spent on it and with nothing
 * written. The limits are the ones server/limits.ts publishes.
 */
describe.each(DATABASE_KINDS)('bounded input on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const post = (path: string, text: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: text,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as ErrorBody }));

  const cases: Array<[string, () => unknown, string, string]> = [
    [
      'a speed of 1e-9 m/s (a reservation until the year 6565)',
      () => routePlan([A, B], { departure: inHours(1), speedMps: 1e-9 }),
      'route.speedMps',
      `at least ${LIMITS.minSpeedMps} m/s`,
    ],
    [
      'a speed of 61 m/s',
      () => routePlan([A, B], { departure: inHours(1), speedMps: 61 }),
      'route.speedMps',
      `at most ${LIMITS.maxSpeedMps} m/s`,
    ],
    [
      `${LIMITS.maxRouteWaypoints + 1} waypoints`,
      () =>
        routePlan(
          Array.from({ length: LIMITS.maxRouteWaypoints + 1 }, (_, i) => ({ lat: A.lat + i * 1e-5, lon: A.lon })),
          { departure: inHours(1) },
        ),
      'route.waypoints',
      `at most ${LIMITS.maxRouteWaypoints} waypoints`,
    ],
    [
      'a route of 250 km',
      () => routePlan([A, { lat: A.lat, lon: A.lon + 2.8 }], { departure: inHours(1), speedMps: 60 }),
      'route.waypoints',
      `at most ${LIMITS.maxRouteLengthM / 1000} km`,
    ],
    [
      'a cruise of 30 km at 0.5 m/s (16.7 h)',
      () => routePlan([A, { lat: A.lat + 0.27, lon: A.lon }], { departure: inHours(1), speedMps: 0.5 }),
      'route.speedMps',
      '12 h',
    ],
    [
      'a flight that departs inside the planning horizon and lands after it',
      () => routePlan([A, { lat: A.lat + 0.27, lon: A.lon }], { departure: inHours(30 * 24 - 1), speedMps: 1 }),
      'route.departure',
      '30-day planning horizon',
    ],
    [
      `an outline of ${LIMITS.maxVolumeVertices + 1} vertices`,
      () =>
        volumePlan(
          volume(inHours(1), inHours(2), {
            outline_polygon: {
              vertices: circleRing(STATION, LIMITS.maxVolumeVertices + 2, 0.01)
                .slice(0, -1)
                .map(([lng, lat]) => ({ lat, lng })),
            },
          }),
        ),
      'volumes.0.volume.outline_polygon.vertices',
      `at most ${LIMITS.maxVolumeVertices} vertices`,
    ],
    [
      'volumes spanning 13 hours',
      () =>
        volumePlan(
          volume(inHours(1), inHours(2), {
            outline_circle: { center: { lat: A.lat, lng: A.lon }, radius: { value: 50 } },
          }),
          volume(inHours(13), inHours(14), {
            outline_circle: { center: { lat: A.lat, lng: A.lon }, radius: { value: 50 } },
          }),
        ),
      'volumes',
      'at most 12 h',
    ],
    [
      'a volume that ends after the planning horizon',
      () =>
        volumePlan(
          volume(inHours(30 * 24 - 2), inHours(30 * 24 + 2), {
            outline_circle: { center: { lat: A.lat, lng: A.lon }, radius: { value: 50 } },
          }),
        ),
      'volumes.0.time_end.value',
      '30-day planning horizon',
    ],
  ];

  it.each(cases)(
    'refuses %s with 400 naming the field and the limit, and writes nothing',
    async (_n, body, field, limit) => {
      const before = await server.api<FlightPlan[]>('GET', '/api/v1/flight-plans?limit=1000');
      const r = await server.api<ErrorBody>('POST', '/api/v1/flight-plans', body());
      expect(r.status).toBe(400);
      expect(r.body.issues!.map((i) => i.path)).toContain(field);
      expect(r.body.message).toContain(field);
      expect(r.body.message).toContain(limit);
      expect(server.mirror.index.planCount).toBe(before.body.filter((p) => p.state === 'Accepted').length);
      expect((await server.api<FlightPlan[]>('GET', '/api/v1/flight-plans?limit=1000')).body).toEqual(before.body);
    },
  );

  it('accepts a route at the edges of the limits: 500 waypoints, 60 m/s, 12 h at walking pace', async () => {
    const zigzag = Array.from({ length: LIMITS.maxRouteWaypoints }, (_, i) => ({
      lat: 36.2 + (i % 2) * 0.003,
      lon: 136.2 + i * 0.0005,
    }));
    const fast = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan(zigzag, { departure: inHours(2), speedMps: LIMITS.maxSpeedMps, droneId: 'JUBOUNDSFAST01' }),
    );
    expect(fast.status).toBe(201);
    const slow = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([A, { lat: A.lat + 0.18, lon: A.lon }], {
        departure: inHours(40),
        speedMps: LIMITS.minSpeedMps,
        droneId: 'JUBOUNDSSLOW01',
      }),
    );
    expect(slow.status).toBe(201);
    expect(Date.parse(slow.body.arrival!) - Date.parse(slow.body.departure!)).toBeLessThan(LIMITS.maxFlightDurationMs);
  });

  it(`refuses JSON nested more than ${LIMITS.maxJsonDepth} levels, even 600,000, with 400 naming the limit`, async () => {
    for (const depth of [LIMITS.maxJsonDepth + 1, 600_000]) {
      const r = await post('/api/v1/flight-plans', `{"droneId":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      expect(r.status).toBe(400);
      expect(r.body.issues).toEqual([
        { path: 'body', message: expect.stringContaining(`${LIMITS.maxJsonDepth} levels`) },
      ]);
    }
    // Brackets inside strings are text, not nesting.
    const inText = await post(
      '/api/v1/flight-plans',
      JSON.stringify({ ...routePlan([A, B], { departure: inHours(1) }), purpose: '['.repeat(150) }),
    );
    expect(inText.status).not.toBe(400);
  });

  it(`refuses a zone of more than ${LIMITS.maxZoneVertices} positions, in one ring or in all`, async () => {
    const one = squareZone(STATION, 100, { name: 'too detailed' });
    const big = {
      ...one,
      geometry: { type: 'Polygon', coordinates: [circleRing(STATION, LIMITS.maxZoneVertices + 1, 0.01)] },
    };
    const many = {
      ...one,
      geometry: {
        type: 'MultiPolygon',
        coordinates: [0, 1, 2].map((k) => [circleRing({ lat: STATION.lat + k * 0.03, lon: STATION.lon }, 7000, 0.01)]),
      },
    };
    for (const zone of [big, many]) {
      const r = await server.api<ErrorBody>('POST', '/api/v1/geofences', zone);
      expect(r.status).toBe(400);
      expect(r.body.message).toContain('geometry.coordinates');
      expect(r.body.message).toContain(`at most ${LIMITS.maxZoneVertices} positions`);
    }
    expect((await server.api<{ features: unknown[] }>('GET', '/api/v1/geofences')).body.features).toEqual([]);
  });

  it('declares a zone of the most positions allowed', async () => {
    const zone = squareZone(STATION, 100, { name: 'detailed', kind: 'advisory' });
    const r = await server.api<{ id: string }>('POST', '/api/v1/geofences', {
      ...zone,
      geometry: { type: 'Polygon', coordinates: [circleRing(STATION, LIMITS.maxZoneVertices, 0.005)] },
    });
    expect(r.status).toBe(201);
    expect((await server.api('DELETE', `/api/v1/geofences/${r.body.id}`)).status).toBe(204);
  });

  it('bounds /api/v1/airspace by box and window, and says when it cut its answer', async () => {
    const wide = await server.api<ErrorBody>('GET', '/api/v1/airspace?bbox=135,35,137.5,36.5');
    expect(wide.status).toBe(400);
    expect(wide.body.issues![0]!.path).toBe('bbox');
    expect(wide.body.message).toContain(`${LIMITS.maxAirspaceBboxDeg}°`);
    const long = await server.api<ErrorBody>(
      'GET',
      `/api/v1/airspace?bbox=136.2,36.2,136.5,36.45&from=${inHours(0)}&to=${inHours(49)}`,
    );
    expect(long.status).toBe(400);
    expect(long.body.issues![0]!.path).toBe('to');
    expect(long.body.message).toContain('48 h');

    const start = inHours(60);
    let keys = 0;
    const centres = [-0.06, 0, 0.06].flatMap((dLon) =>
      [-0.035, 0.035].map((dLat) => ({ lat: STATION.lat + dLat, lng: STATION.lon + dLon })),
    );
    for (const [k, center] of centres.entries()) {
      const wideVolume = volumePlan(
        volume(start, inHours(61), {
          outline_circle: { center, radius: { value: LIMITS.maxCircleRadiusM } },
        }),
      );
      const filed = await server.api<FlightPlan>('POST', '/api/v1/flight-plans', {
        ...wideVolume,
        droneId: `JUBOUNDSWIDE${k}`,
      });
      expect(filed.status).toBe(201);
      keys += filed.body.skyRoad.keyCount;
    }
    expect(keys).toBeGreaterThan(LIMITS.maxAirspaceFeatures);
    const box = '136.25,36.25,136.45,36.4';
    const cut = await server.api<SkyRoadCells>('GET', `/api/v1/airspace?bbox=${box}&from=${start}&to=${inHours(61)}`);
    expect(cut.status).toBe(200);
    expect(cut.body.truncated).toBe(true);
    expect(cut.body.features).toHaveLength(LIMITS.maxAirspaceFeatures);
    const whole = await server.api<SkyRoadCells>('GET', `/api/v1/airspace?bbox=${box}`);
    expect(whole.body.truncated).toBeUndefined();
  });
});
