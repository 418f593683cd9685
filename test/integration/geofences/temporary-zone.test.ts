import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, FlightPlan, ZoneCreated } from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { inHours, KAGA, routePlan, squareZone } from '../../support/plans.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

const { medicalCenter: A, yamashiro: B, katayamazu: C } = KAGA;
const middle = { lat: (A.lat + B.lat) / 2, lon: (A.lon + B.lon) / 2 };

describe.each(DATABASE_KINDS)('a temporary zone declared by the administrator on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const file = (body: unknown) => server.api<FlightPlan>('POST', '/api/v1/flight-plans', body);

  it('pre-empts the accepted plans under it in the same request, naming it, and reports the ones in flight', async () => {
    const accepted = await file(routePlan([A, B], { departure: inHours(1) }));
    expect(accepted.status).toBe(201);
    const flying = await file(routePlan([B, A], { departure: inHours(0), droneId: 'JU-FLYING' }));
    expect(flying.status).toBe(201);
    expect((await server.api('POST', `/api/v1/flight-plans/${flying.body.id}/activate`)).status).toBe(200);
    const elsewhere = await file(
      routePlan([C, { lat: C.lat + 0.01, lon: C.lon + 0.02 }], { departure: inHours(1), droneId: 'JU-ELSEWHERE' }),
    );
    expect(elsewhere.status).toBe(201);

    const zone = await server.api<ZoneCreated>(
      'POST',
      '/api/v1/geofences',
      squareZone(middle, 200, { name: 'Daishoji river flood' }),
    );
    expect(zone.status).toBe(201);
    expect(zone.body.preempted).toEqual([accepted.body.id]);
    expect(zone.body.alerted).toEqual([flying.body.id]);

    const closed = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${accepted.body.id}`);
    expect(closed.body.state).toBe('Preempted');
    expect(closed.body.stateReason).toContain('Daishoji river flood');
    expect(closed.body.stateReason).toContain(zone.body.id);
    expect(closed.body.history!.map((h) => h.state)).toEqual(['Accepted', 'Preempted']);
    const inFlight = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${flying.body.id}`);
    expect(inFlight.body.state).toBe('Activated');
    const other = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${elsewhere.body.id}`);
    expect(other.body.state).toBe('Accepted');

    // In force at once: the same route is refused; lifted, it is accepted again.
    const again = await file(routePlan([A, B], { departure: inHours(1), droneId: 'JU-AGAIN' }));
    expect(again.status).toBe(409);
    expect((await server.api('DELETE', `/api/v1/geofences/${zone.body.id}`)).status).toBe(204);
    expect((await file(routePlan([A, B], { departure: inHours(1), droneId: 'JU-AGAIN' }))).status).toBe(201);
  });

  it('touches no plan outside its validity', async () => {
    const later = await file(routePlan([A, B], { departure: inHours(5), droneId: 'JU-LATER' }));
    expect(later.status).toBe(201);
    const zone = await server.api<ZoneCreated>(
      'POST',
      '/api/v1/geofences',
      squareZone(middle, 200, { name: 'morning event', validFrom: inHours(2), validTo: inHours(3) }),
    );
    expect(zone.body).toMatchObject({ preempted: [], alerted: [] });
    expect((await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${later.body.id}`)).body.state).toBe('Accepted');
    expect((await server.api('DELETE', `/api/v1/geofences/${zone.body.id}`)).status).toBe(204);
  });

  it('is refused to anyone but the administrator, and leaves nothing behind', async () => {
    const before = await server.api<{ features: unknown[] }>('GET', '/api/v1/geofences');
    const res = await fetch(`${server.url}/api/v1/geofences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(squareZone(middle, 200, { name: 'not mine to declare' })),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).message).toMatch(/bearer token/);
    const after = await server.api<{ features: unknown[] }>('GET', '/api/v1/geofences');
    expect(after.body.features).toHaveLength(before.body.features.length);
  });
});
