import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, FlightPlan } from '../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { inHours, KAGA, routePlan } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const { medicalCenter: A, yamashiro: B } = KAGA;

describe.each(DATABASE_KINDS)('bad input on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const valid = () => routePlan([A, B], { departure: inHours(1) });
  const cases: Array<[string, () => unknown, string]> = [
    ['a missing drone id', () => ({ ...valid(), droneId: undefined }), 'droneId'],
    [
      'latitude 91',
      () => ({ ...valid(), route: { ...valid().route!, waypoints: [{ lat: 91, lon: 136 }, B] } }),
      'route.waypoints.0.lat',
    ],
    ['a route of one point', () => ({ ...valid(), route: { ...valid().route!, waypoints: [A] } }), 'route.waypoints'],
    ['a departure in the past', () => routePlan([A, B], { departure: inHours(-24) }), 'route.departure'],
    ['a departure beyond 30 days', () => routePlan([A, B], { departure: inHours(31 * 24) }), 'route.departure'],
    ['a negative speed', () => routePlan([A, B], { departure: inHours(1), speedMps: -3 }), 'route.speedMps'],
    [
      'an unknown altitude reference',
      () => ({ ...valid(), route: { ...valid().route!, altitude: { value: 60, reference: 'QNH' } } }),
      'route.altitude.reference',
    ],
    ['NaN as a number', () => ({ ...valid(), route: { ...valid().route!, speedMps: 'NaN' } }), 'route.speedMps'],
    ['both route and volumes', () => ({ ...valid(), volumes: [] }), 'volumes'],
    [
      'more than 10,000 vertices',
      () => ({
        ...valid(),
        route: {
          ...valid().route!,
          waypoints: Array.from({ length: 10_001 }, (_, i) => ({ lat: A.lat + i * 1e-6, lon: A.lon })),
        },
      }),
      'route.waypoints',
    ],
  ];

  it.each(cases)('refuses %s with 400 naming the field, and writes nothing', async (_name, body, field) => {
    const before = await server.api<FlightPlan[]>('GET', '/api/v1/flight-plans?limit=1000');
    const r = await server.api<ErrorBody>('POST', '/api/v1/flight-plans', body());
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('bad_request');
    expect(r.body.issues!.map((i) => i.path)).toContain(field);
    expect(r.body.message).toContain(field);
    const after = await server.api<FlightPlan[]>('GET', '/api/v1/flight-plans?limit=1000');
    expect(after.body).toEqual(before.body);
  });

  it('refuses malformed JSON with 400', async () => {
    const r = await server.api<ErrorBody>('POST', '/api/v1/flight-plans', '{"droneId": ');
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/not valid JSON/);
  });

  it('answers 404 for an unknown plan and 400 for an id that is not one', async () => {
    expect((await server.api('GET', '/api/v1/flight-plans/8d6f4f0e-3b7a-4d6c-9a51-2f1a7c9e0b11')).status).toBe(404);
    const bad = await server.api<ErrorBody>('GET', '/api/v1/flight-plans/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.issues![0]!.path).toBe('id');
  });

  it('refuses a zone whose outline crosses itself, or whose floor is above its ceiling', async () => {
    const bowtie = {
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [136.3, 36.3],
            [136.31, 36.31],
            [136.31, 36.3],
            [136.3, 36.31],
            [136.3, 36.3],
          ],
        ],
      },
      properties: {
        name: 'bow tie',
        kind: 'prohibited',
        lower: { value: 0, reference: 'AGL' },
        upper: { value: 100, reference: 'AGL' },
      },
    };
    const crossed = await server.api<ErrorBody>('POST', '/api/v1/geofences', bowtie);
    expect(crossed.status).toBe(400);
    expect(crossed.body.message).toMatch(/crosses itself/);
    const inverted = await server.api<ErrorBody>('POST', '/api/v1/geofences', {
      ...bowtie,
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [136.3, 36.3],
            [136.31, 36.3],
            [136.31, 36.31],
            [136.3, 36.3],
          ],
        ],
      },
      properties: {
        ...bowtie.properties,
        lower: { value: 120, reference: 'AGL' },
        upper: { value: 100, reference: 'AGL' },
      },
    });
    expect(inverted.status).toBe(400);
    expect(inverted.body.issues![0]!.path).toBe('properties.lower');
    const list = await server.api<{ features: unknown[] }>('GET', '/api/v1/geofences');
    expect(list.body.features).toEqual([]);
  });
});
