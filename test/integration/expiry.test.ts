import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRecord } from '../../server/store/plans.ts';
import type { FlightPlan } from '../../server/protocol/index.ts';
import { ManualClock } from '../support/clock.ts';
import { inHours, KAGA, routePlan } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('plans whose reservation is over', () => {
  let server: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    server = await startTestServer('pglite', {}, undefined, clock);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('end by themselves when never activated, freeing their sky road; activated plans are left to conformance', async () => {
    const now = clock.now();
    const idle = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure: inHours(1, now) }),
    );
    const flying = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.cityHall, KAGA.katayamazu], { departure: inHours(1, now) }),
    );
    await server.api('POST', `/api/v1/flight-plans/${flying.body.id}/activate`);
    expect(await server.flights.expire()).toBe(0);

    const ended = new Promise<PlanRecord>((resolve) =>
      server.airspaceEvents.on('plan', (p) => {
        if (p.id === idle.body.id && p.state === 'Ended') resolve(p);
      }),
    );
    await clock.advance(3 * 3_600_000);
    expect((await ended).stateReason).toBe('reservation expired without activation');
    const stored = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${idle.body.id}`);
    expect(stored.body).toMatchObject({ state: 'Ended', stateReason: 'reservation expired without activation' });
    expect(server.mirror.index.hasPlan(idle.body.id)).toBe(false);
    expect((await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${flying.body.id}`)).body.state).toBe(
      'Activated',
    );
  });
});
