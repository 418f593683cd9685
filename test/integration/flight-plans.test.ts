import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlightPlan, Rejection } from '../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { inHours, KAGA, routePlan, squareZone } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const { medicalCenter: A, yamashiro: B, katayamazu: C } = KAGA;

describe.each(DATABASE_KINDS)('flight plans on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** 201 carries a plan, 409 a rejection; the tests read whichever the status says. */
  type Answer = Omit<FlightPlan, 'state'> & Omit<Rejection, 'state'> & { state: string };
  const file = (body: unknown) => server.api<Answer>('POST', '/api/v1/flight-plans', body);

  it('accepts a plan and gives it a sky road; the same plan again is refused with the conflict and a working alternative', async () => {
    const departure = inHours(1);
    const first = await file(routePlan([A, B], { departure, droneId: 'JU-FIRST' }));
    expect(first.status).toBe(201);
    expect(first.body.state).toBe('Accepted');
    expect(first.body.skyRoad.cellCount).toBeGreaterThan(50);
    expect(first.body.skyRoad.h3Resolution).toBe(11);

    const second = await file(routePlan([A, B], { departure, droneId: 'JU-SECOND' }));
    expect(second.status).toBe(409);
    expect(second.body.state).toBe('Rejected');
    expect(second.body.conflicts).toHaveLength(1);
    const [conflict] = second.body.conflicts;
    expect(conflict).toMatchObject({ type: 'flight', id: first.body.id, priority: 0 });
    expect(conflict!.cells[0]).toMatchObject({
      cell: expect.any(String),
      bandLo: expect.any(Number),
      start: expect.any(String),
    });

    const later = second.body.alternatives.find((a) => a.kind === 'departure');
    expect(later).toBeDefined();
    expect(Date.parse(later!.departure)).toBeGreaterThan(Date.parse(departure));
    const retry = await file(later!.request);
    expect(retry.status).toBe(201);
  });

  it('accepts the same route two hours later', async () => {
    const departure = inHours(3);
    expect((await file(routePlan([A, C], { departure }))).status).toBe(201);
    expect((await file(routePlan([A, C], { departure: inHours(5) }))).status).toBe(201);
  });

  it('accepts crossing routes that pass the crossing at different times, refuses them at the same time', async () => {
    const departure = inHours(7);
    // Yamashiro → Katayamazu crosses Medical Center → (east) at about the same place.
    const east = { lat: A.lat, lon: A.lon + 0.03 };
    const north = { lat: A.lat - 0.02, lon: A.lon + 0.015 };
    const south = { lat: A.lat + 0.02, lon: A.lon + 0.015 };
    expect((await file(routePlan([A, east], { departure }))).status).toBe(201);
    expect((await file(routePlan([north, south], { departure: inHours(7.2) }))).status).toBe(201);
    const same = await file(routePlan([north, south], { departure }));
    expect(same.status).toBe(409);
  });

  it('refuses a plan through a zone naming the zone, and accepts the same plan beside it', async () => {
    const departure = inHours(9);
    const middle = { lat: (A.lat + B.lat) / 2, lon: (A.lon + B.lon) / 2 };
    const zone = await server.api<{ id: string }>(
      'POST',
      '/api/v1/geofences',
      squareZone(middle, 150, { name: 'Daishoji river flood' }),
    );
    expect(zone.status).toBe(201);
    const through = await file(routePlan([A, B], { departure }));
    expect(through.status).toBe(409);
    expect(through.body.conflicts).toEqual([
      expect.objectContaining({ type: 'geofence', id: zone.body.id, name: 'Daishoji river flood', kind: 'prohibited' }),
    ]);
    const shifted = (p: { lat: number; lon: number }) => ({ lat: p.lat, lon: p.lon - 0.006 }); // ~540 m west
    expect((await file(routePlan([shifted(A), shifted(B)], { departure }))).status).toBe(201);
    expect((await server.api('DELETE', `/api/v1/geofences/${zone.body.id}`)).status).toBe(204);
    expect((await file(routePlan([A, B], { departure }))).status).toBe(201);
  });

  it('lets a higher priority pre-empt a lower one, and refuses an equal one', async () => {
    const departure = inHours(11);
    const routine = await file(routePlan([B, C], { departure, priority: 0 }));
    expect(routine.status).toBe(201);
    const medical = await file(routePlan([B, C], { departure, priority: 50, droneId: 'JU-MEDICAL' }));
    expect(medical.status).toBe(201);
    expect(medical.body.preempted).toEqual([routine.body.id]);
    const after = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${routine.body.id}`);
    expect(after.body.state).toBe('Preempted');
    expect(after.body.stateReason).toMatch(/priority 50/);
    expect(after.body.history!.map((h) => h.state)).toEqual(['Accepted', 'Preempted']);
    const equal = await file(routePlan([B, C], { departure, priority: 50 }));
    expect(equal.status).toBe(409);
    expect(equal.body.conflicts[0]).toMatchObject({ type: 'flight', id: medical.body.id, priority: 50 });
  });

  it('replans atomically: a conflicting replan keeps the old sky road untouched', async () => {
    const departure = inHours(13);
    const mine = await file(routePlan([A, B], { departure }));
    const other = await file(routePlan([A, C], { departure: inHours(14) }));
    expect([mine.status, other.status]).toEqual([201, 201]);
    const before = await server.api('GET', `/api/v1/flight-plans/${mine.body.id}/sky-road`);

    const clash = await server.api<Rejection>(
      'PUT',
      `/api/v1/flight-plans/${mine.body.id}`,
      routePlan([A, C], { departure: inHours(14) }),
    );
    expect(clash.status).toBe(409);
    expect(clash.body.conflicts[0]).toMatchObject({ id: other.body.id });
    const unchanged = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${mine.body.id}`);
    expect(unchanged.body.version).toBe(1);
    expect(await server.api('GET', `/api/v1/flight-plans/${mine.body.id}/sky-road`)).toEqual(before);

    const ok = await server.api<FlightPlan>(
      'PUT',
      `/api/v1/flight-plans/${mine.body.id}`,
      routePlan([A, C], { departure: inHours(15) }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
    // Its old sky road is free again.
    expect((await file(routePlan([A, B], { departure }))).status).toBe(201);
  });

  it('cancel frees the cells at once; ended and cancelled plans cannot be activated', async () => {
    const departure = inHours(17);
    const plan = await file(routePlan([C, B], { departure }));
    expect((await file(routePlan([C, B], { departure }))).status).toBe(409);
    const cancelled = await server.api<FlightPlan>('DELETE', `/api/v1/flight-plans/${plan.body.id}`);
    expect(cancelled.body.state).toBe('Cancelled');
    expect((await file(routePlan([C, B], { departure }))).status).toBe(201);
    const again = await server.api('POST', `/api/v1/flight-plans/${plan.body.id}/activate`);
    expect(again.status).toBe(409);
  });

  it('activates and ends a plan', async () => {
    const plan = await file(routePlan([A, C], { departure: inHours(19) }));
    const active = await server.api<FlightPlan>('POST', `/api/v1/flight-plans/${plan.body.id}/activate`);
    expect(active.body.state).toBe('Activated');
    const ended = await server.api<FlightPlan>('POST', `/api/v1/flight-plans/${plan.body.id}/end`);
    expect(ended.body.state).toBe('Ended');
    expect((await file(routePlan([A, C], { departure: inHours(19) }))).status).toBe(201);
  });

  it('accepts F3548 volumes', async () => {
    const start = inHours(21);
    const end = inHours(21.5);
    const body = {
      droneId: 'JU-VOLUME',
      volumes: [
        {
          volume: {
            outline_circle: { center: { lat: C.lat, lng: C.lon }, radius: { value: 150, units: 'M' } },
            altitude_lower: { value: 0, reference: 'AGL', units: 'M' },
            altitude_upper: { value: 80, reference: 'AGL', units: 'M' },
          },
          time_start: { value: start, format: 'RFC3339' },
          time_end: { value: end, format: 'RFC3339' },
        },
      ],
    };
    const first = await file(body);
    expect(first.status, JSON.stringify(first.body).slice(0, 600)).toBe(201);
    expect(first.body.timeStart < start).toBe(true);
    const second = await file(body);
    expect(second.status).toBe(409);
    // 80 m tall: no band step of up to 48 m clears it, so the alternative is to wait for it to end.
    const later = second.body.alternatives.find((a) => a.kind === 'departure')!;
    expect(Date.parse(later.departure)).toBeGreaterThanOrEqual(Date.parse(end));
    expect((await file(later.request)).status).toBe(201);
  });

  it('lists plans by state, time and box, and serves the airspace as GeoJSON cells', async () => {
    const departure = inHours(23);
    const plan = await file(routePlan([A, B], { departure, droneId: 'JU-LISTED' }));
    const listed = await server.api<FlightPlan[]>('GET', `/api/v1/flight-plans?droneId=JU-LISTED&state=Accepted`);
    expect(listed.body.map((p) => p.id)).toEqual([plan.body.id]);
    const bbox = [A.lon - 0.01, B.lat - 0.01, B.lon + 0.01, A.lat + 0.01].join(',');
    const from = inHours(22.9);
    const to = inHours(23.2);
    const airspace = await server.api<{
      features: Array<{ properties: { planId: string; floorM: number; ceilingM: number } }>;
    }>('GET', `/api/v1/airspace?bbox=${bbox}&from=${from}&to=${to}`);
    expect(airspace.status).toBe(200);
    const mine = airspace.body.features.filter((f) => f.properties.planId === plan.body.id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((f) => f.properties.ceilingM > f.properties.floorM)).toBe(true);
    const far = await server.api<{ features: unknown[] }>(
      'GET',
      `/api/v1/airspace?bbox=139,35,139.1,35.1&from=${from}&to=${to}`,
    );
    expect(far.body.features).toEqual([]);
  });
});
