import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../gateway/gateway.ts';
import { startFleet, type Fleet } from '../../../gateway/sim/fleet.ts';
import { distanceM, insidePolygon, moveBy } from '../../../gateway/sim/geo.ts';
import type { CommandOutcome, DroneState, FlightPlan, TrackPoint } from '../../../server/protocol/index.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';
import { fullTrack, gatewayFor, until } from './support.ts';

/** Two pads near Kaga Medical Center; the simulator flies three times faster than real time. */
const PAD1 = { lat: 36.317, lon: 136.345 };
const PAD2 = moveBy(PAD1, -200, 0);
const TIME_SCALE = 3;

describe('a plan uploaded as mission and fence to a simulated drone', () => {
  let server: TestServer;
  let gateway: RunningGateway & { spoolDir: string };
  let fleet: Fleet;
  const states: DroneState[] = [];

  beforeAll(async () => {
    server = await startTestServer('pglite');
    server.droneEvents.on('state', (s) => states.push(s));
    gateway = await gatewayFor({ url: server.url, token: ADMIN_TOKEN }, { positionHz: 10 });
    fleet = await startFleet({
      drones: [
        { sysid: 1, start: PAD1 },
        { sysid: 2, start: PAD2 },
      ],
      transport: { udp: { host: '127.0.0.1', port: gateway.udpPorts.udp0! } },
      timeScale: TIME_SCALE,
    });
    await until('both drones on the server', async () => {
      const r = await server.api<DroneState[]>('GET', '/api/v1/drones');
      return r.body.length === 2;
    });
  });

  afterAll(async () => {
    await fleet?.stop();
    await gateway?.stop();
    await server?.stop();
  });

  async function fileAndUpload(droneId: string, waypoints: Array<{ lat: number; lon: number }>) {
    const plan = await server.api<FlightPlan>('POST', '/api/v1/flight-plans', {
      droneId,
      route: {
        waypoints,
        altitude: { value: 30, reference: 'AGL' },
        speedMps: 5,
        departure: new Date(Date.now() + 30_000).toISOString(),
      },
    });
    expect(plan.status).toBe(201);
    const upload = await server.api<CommandOutcome>('POST', `/api/v1/drones/${droneId}/commands`, {
      type: 'upload-plan',
      planId: plan.body.id,
    });
    expect(upload.status).toBe(200);
    return upload.body;
  }

  /** The track from the first sample after `since`, once the drone has landed (disarmed after being armed). */
  async function flightOf(droneId: string, since: number): Promise<TrackPoint[]> {
    return until(`${droneId} to fly and land`, async () => {
      const points = (await fullTrack(server.url, droneId)).points.filter((p) => Date.parse(p.time) >= since);
      const firstArmed = points.findIndex((p) => p.armed);
      return firstArmed >= 0 && points.slice(firstArmed).some((p) => !p.armed) && points;
    });
  }

  it('flies the uploaded mission through every waypoint in order, inside its fence, and lands at the end', async () => {
    const since = Date.now();
    const A = moveBy(PAD1, 60, 40);
    const B = moveBy(PAD1, 120, -20);
    const outcome = await fileAndUpload('JUSIM0000001', [PAD1, A, B]);
    expect(outcome).toMatchObject({ ok: true, action: 'upload' });
    expect(outcome.steps.map((s) => [s.step, s.result])).toEqual([
      ['fence', 'ACCEPTED'],
      ['ceiling', 'ACCEPTED'],
      ['mission', 'ACCEPTED'],
    ]);
    // The sky road's top above home: the route's 30 m plus the default vertical buffer (8 m).
    expect(fleet.drone(1).params.get('FENCE_ALT_MAX')!.value).toBe(38);

    const copter = fleet.drone(1).copter;
    const fence = copter.fence.map((i) => ({ lat: i.lat, lon: i.lon }));
    expect(fence.length).toBeGreaterThanOrEqual(4);
    for (const p of [PAD1, A, B]) expect(insidePolygon(p, fence)).toBe(true);

    const flight = (await flightOf('JUSIM0000001', since)).filter((p) => p.armed || p.mode === 'AUTO');
    expect(flight.some((p) => p.mode === 'AUTO')).toBe(true);
    const closest = [A, B].map((wp) => {
      const d = flight.map((p) => distanceM(p, wp));
      const min = Math.min(...d);
      return { min, at: d.indexOf(min) };
    });
    for (const c of closest) expect(c.min).toBeLessThan(3);
    expect(closest[0]!.at).toBeLessThan(closest[1]!.at);
    expect(Math.max(...flight.map((p) => p.altRelative ?? 0))).toBeCloseTo(30, 0);
    expect(flight.every((p) => insidePolygon(p, fence))).toBe(true);
    const last = flight.at(-1)!;
    expect(distanceM(last, B)).toBeLessThan(3);
    expect(last).toMatchObject({ armed: false, altRelative: 0 });
  });

  it('obeys RTL: turns back mid-route and lands at home', async () => {
    const since = Date.now();
    const far = moveBy(PAD2, -400, 300);
    expect((await fileAndUpload('JUSIM0000002', [PAD2, far])).ok).toBe(true);
    await until('drone 2 60 m out', () => {
      const s = states.findLast((x) => x.droneId === 'JUSIM0000002');
      return s && distanceM(s, PAD2) > 60;
    });
    const rtl = await server.api<CommandOutcome>('POST', '/api/v1/drones/JUSIM0000002/commands', { type: 'rtl' });
    expect(rtl.body).toMatchObject({ ok: true, result: 'ACCEPTED', action: 'rtl' });
    const ordered = Date.now();

    const flight = await flightOf('JUSIM0000002', since);
    const after = flight.filter((p) => Date.parse(p.time) >= ordered);
    expect(after.some((p) => p.mode === 'RTL')).toBe(true);
    expect(Math.min(...flight.map((p) => distanceM(p, far)))).toBeGreaterThan(100);
    const last = flight.at(-1)!;
    expect(distanceM(last, PAD2)).toBeLessThan(3);
    expect(last).toMatchObject({ armed: false, altRelative: 0, mode: 'RTL' });
  });
});
