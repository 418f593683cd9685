import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_CELL_RESOLUTION,
  type CommandOutcome,
  type FlightPlan,
  type Rejection,
} from '../../server/protocol/index.ts';
import { viewportCells } from '../../ui/src/map/viewport-cells.ts';
import { until } from './gateway/support.ts';
import { fakeGateway, sample, viewer } from './live/support.ts';
import { POSTGRES_URL } from '../support/databases.ts';
import { KAGA, inHours, routePlan } from '../support/plans.ts';
import { startTwoInstances, type TestServer } from '../support/server.ts';

const KAGA_VIEW = viewportCells([136.25, 36.23, 136.45, 36.37], LIVE_CELL_RESOLUTION, 2000);

/**
 * Two server instances on one PostgreSQL behave as one service: the database decides plans for
 * both, each one's mirror follows the other's decisions, and what a gateway on one reports is
 * seen live, and commanded, through the other.
 */
describe.skipIf(!POSTGRES_URL)('two server instances on one PostgreSQL', () => {
  let cluster: Awaited<ReturnType<typeof startTwoInstances>>;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    cluster = await startTwoInstances();
    ({ a, b } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a plan accepted through one is refused as a conflict through the other, and both mirrors hold it', async () => {
    const plan = routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure: inHours(3), droneId: 'JUCLUSTER001' });
    const first = await a.api<FlightPlan>('POST', '/api/v1/flight-plans', plan);
    expect(first.status).toBe(201);
    await until('B’s mirror holding A’s plan', () => b.mirror.index.plan(first.body.id) !== undefined);
    expect(b.mirror.index.plan(first.body.id)!.keys.length).toBe(first.body.skyRoad.keyCount);

    const second = await b.api<Rejection>('POST', '/api/v1/flight-plans', { ...plan, droneId: 'JUCLUSTER002' });
    expect(second.status).toBe(409);
    expect(second.body.conflicts.map((c) => c.id)).toEqual([first.body.id]);
    expect(second.body.alternatives.length).toBeGreaterThan(0);

    // Cancelled on B: A's mirror lets the cells go, and A accepts the same sky road at once.
    expect((await b.api('DELETE', `/api/v1/flight-plans/${first.body.id}`)).status).toBe(200);
    await until('A’s mirror letting it go', () => a.mirror.index.plan(first.body.id) === undefined);
    expect((await a.api('POST', '/api/v1/flight-plans', { ...plan, droneId: 'JUCLUSTER003' })).status).toBe(201);
  });

  it('a drone whose gateway is connected to one is seen live by a viewer of the other', async () => {
    const onB = await viewer(b.url);
    await onB.subscribe(KAGA_VIEW, true);
    const gateway = await fakeGateway(a.url, 'gw-on-a');
    for (let i = 0; i < 3; i++) {
      await gateway.send([sample('JUCLUSTERLIVE', { lat: KAGA.station.lat + i * 1e-4, lon: KAGA.station.lon })]);
    }
    const last = KAGA.station.lat + 2e-4;
    await until('the drone’s latest position in B’s frames', () =>
      onB.rowsOf('JUCLUSTERLIVE').some((r) => Math.abs(r[2] - last) < 1e-6),
    );
    const rows = onB.rowsOf('JUCLUSTERLIVE');
    // Each instance streams every drone to its own viewers once: no frame reaches B's viewer twice.
    const times = rows.map((r) => r[10]);
    expect(new Set(times).size).toBe(times.length);

    gateway.socket.emit('link', { droneId: 'JUCLUSTERLIVE', link: 'lost', at: new Date().toISOString() });
    await until('the lost link on B', () =>
      onB.events.some((e) => e.event === 'link' && e.payload.droneId === 'JUCLUSTERLIVE' && e.payload.link === 'lost'),
    );
    onB.close();
    gateway.close();
  });

  it('a command sent through one reaches the drone’s gateway on the other, and its answer comes back', async () => {
    const gateway = await fakeGateway(a.url, 'gw-commands');
    await gateway.send([sample('JUCLUSTERCMD', KAGA.cityHall)]);
    const outcome = await b.api<CommandOutcome>('POST', '/api/v1/drones/JUCLUSTERCMD/commands', { type: 'rtl' });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ ok: true, gatewayId: 'gw-commands', action: 'rtl' });
    expect(gateway.commands.map((c) => c.action)).toEqual(['rtl']);
    gateway.close();
  });
});
