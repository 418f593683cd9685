import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../server/auth/principal.ts';
import type { FlightPlan, Rejection } from '../../server/protocol/index.ts';
import { ManualClock } from '../support/clock.ts';
import { POSTGRES_URL } from '../support/databases.ts';
import { inHours, KAGA, routePlan } from '../support/plans.ts';
import { registerOwnDrones, startTwoInstances, type TestServer } from '../support/server.ts';
import { until } from './gateway/support.ts';
import { viewer } from './live/support.ts';

const MINUTE = 60_000;
const { medicalCenter: A, yamashiro: B } = KAGA;
/** About 9 km east: other lock stripes, the same shape of sky road. */
const east = (p: { lat: number; lon: number }) => ({ lat: p.lat, lon: p.lon + 0.1 });

/**
 * Holds and caps across two instances on one PostgreSQL, on one clock: a hold expires on both at
 * once, and two instances deciding for one operator at the same moment cannot take it past its cap.
 */
describe.skipIf(!POSTGRES_URL)('planning across two instances on one PostgreSQL', () => {
  const clock = new ManualClock();
  let cluster: Awaited<ReturnType<typeof startTwoInstances>>;
  let a: TestServer;
  let b: TestServer;
  let racer: string;

  const as = async <T>(server: TestServer, method: string, path: string, body?: unknown) => {
    if (path.startsWith('/api/v1/flight-plans') && body !== undefined) await registerOwnDrones(server.url, racer, body);
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${racer}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    cluster = await startTwoInstances(clock);
    ({ a, b } = cluster);
    racer = (await a.issuer.issue({ subject: 'op-racer', role: 'operator', ttlSeconds: 86_400 }, system('test'))).token;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('releases a hold made through one instance on the other the moment it expires', async () => {
    const onB = await viewer(b.url);
    await onB.subscribe([], true);
    const plan = routePlan([A, B], { departure: inHours(1, clock.now()), droneId: 'JUCLUSTERHOLD1' });
    const held = await a.api<FlightPlan>('POST', '/api/v1/flight-plans?hold=true', plan);
    expect(held.status).toBe(201);
    await until('B’s mirror holding A’s hold', () => b.mirror.index.hasPlan(held.body.id));
    const streamed = (state: string) =>
      onB.events.some((e) => e.event === 'plan' && e.payload.id === held.body.id && e.payload.state === state);
    await until('B’s map hearing of the hold', () => streamed('Held'));
    expect((await b.api('POST', '/api/v1/flight-plans', { ...plan, droneId: 'JUCLUSTERHOLD2' })).status).toBe(409);

    await clock.advance(10 * MINUTE);
    await until('B’s mirror letting the hold go', () => !b.mirror.index.hasPlan(held.body.id));
    await until('A’s mirror letting the hold go', () => !a.mirror.index.hasPlan(held.body.id));
    expect((await b.api('POST', '/api/v1/flight-plans', { ...plan, droneId: 'JUCLUSTERHOLD2' })).status).toBe(201);
    const released = await a.api<FlightPlan>('GET', `/api/v1/flight-plans/${held.body.id}`);
    expect(released.body).toMatchObject({ state: 'Cancelled', stateReason: 'hold expired without confirmation' });
    // Released once, by whichever instance committed first.
    expect(released.body.history!.map((h) => h.state)).toEqual(['Held', 'Cancelled']);
    await until('B’s map hearing of the release', () => streamed('Cancelled'));
    onB.close();
  });

  it('confirms through one instance a hold made through the other', async () => {
    const held = await a.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans?hold=true',
      routePlan([B, A], { departure: inHours(2, clock.now()), droneId: 'JUCLUSTERHOLD3' }),
    );
    await clock.advance(9 * MINUTE);
    const confirmed = await b.api<FlightPlan>('POST', `/api/v1/flight-plans/${held.body.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.state).toBe('Accepted');
    await clock.advance(2 * MINUTE);
    await until('A hearing of the confirmation', () => a.mirror.heldVersion(held.body.id) === confirmed.body.version);
    expect(a.mirror.index.hasPlan(held.body.id)).toBe(true);
    expect((await a.api<FlightPlan>('GET', `/api/v1/flight-plans/${held.body.id}`)).body.state).toBe('Accepted');
  });

  it('never lets two instances deciding at once take an operator past its cap', async () => {
    // What one plan here and one 9 km east hold, measured, then the cap set to one and a half.
    const probe = async (route: Array<{ lat: number; lon: number }>) => {
      const r = await as<FlightPlan>(
        a,
        'POST',
        '/api/v1/flight-plans',
        routePlan(route, { departure: inHours(20, clock.now()) }),
      );
      expect(r.status).toBe(201);
      expect((await as(a, 'DELETE', `/api/v1/flight-plans/${r.body.id}`)).status).toBe(200);
      return r.body.cellHours;
    };
    const most = Math.max(await probe([A, B]), await probe([east(A), east(B)]));
    expect((await a.api('PUT', '/api/v1/caps/op-racer', { cellHours: most * 1.5 })).status).toBe(200);

    for (let round = 0; round < 4; round++) {
      const departure = inHours(6 + round, clock.now());
      const [here, there] = await Promise.all([
        as<FlightPlan | Rejection>(a, 'POST', '/api/v1/flight-plans', routePlan([A, B], { departure })),
        as<FlightPlan | Rejection>(b, 'POST', '/api/v1/flight-plans', routePlan([east(A), east(B)], { departure })),
      ]);
      const statuses = [here.status, there.status].sort();
      expect(statuses, `round ${round}`).toEqual([201, 409]);
      const [won, lost] = here.status === 201 ? [here, there] : [there, here];
      expect((lost.body as Rejection).reason).toBe('cap_exceeded');
      expect((await as(a, 'DELETE', `/api/v1/flight-plans/${(won.body as FlightPlan).id}`)).status).toBe(200);
    }
  });
});
