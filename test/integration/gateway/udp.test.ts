import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../gateway/gateway.ts';
import { signingKey } from '../../../gateway/mavlink/signing.ts';
import { startFleet, type Fleet } from '../../../gateway/sim/fleet.ts';
import { egm96Undulation } from '../../../server/protocol/geoid.ts';
import type { CommandOutcome, DroneState, FlightPlan, TelemetrySample } from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { inHours } from '../../support/plans.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';
import { fullTrack, gatewayFor, udpListener, until } from './support.ts';

const KEY = signingKey('kaga-signed-link');
const PAD = { lat: 36.317, lon: 136.345 };

describe.each(DATABASE_KINDS)('simulated drones over UDP, through the gateway, to a running server (%s)', (kind) => {
  let server: TestServer;
  let gateway: RunningGateway & { spoolDir: string };
  let fleet: Fleet;
  let signedFleet: Fleet;
  const samples: TelemetrySample[] = [];
  const states: DroneState[] = [];
  const links: Array<{ droneId: string; link: string }> = [];

  beforeAll(async () => {
    server = await startTestServer(kind);
    server.droneEvents.on('state', (s) => states.push(s));
    server.droneEvents.on('link', (l) => links.push(l));
    gateway = await gatewayFor(
      { url: server.url, token: ADMIN_TOKEN },
      { links: [udpListener('udp0'), udpListener('signed', { signing: { key: KEY, require: true } })] },
    );
    gateway.events.on('sample', (s) => samples.push(s));
    fleet = await startFleet({
      drones: [{ sysid: 1, start: PAD }, { sysid: 2 }, { sysid: 3, droneId: null }],
      transport: { udp: { host: '127.0.0.1', port: gateway.udpPorts.udp0! } },
    });
    signedFleet = await startFleet({
      drones: [
        { sysid: 10, signingKey: KEY },
        { sysid: 11, signingKey: null },
      ],
      transport: { udp: { host: '127.0.0.1', port: gateway.udpPorts.signed! } },
    });
  });

  afterAll(async () => {
    await fleet?.stop();
    await signedFleet?.stop();
    await gateway?.stop();
    await server?.stop();
  });

  it('shows every drone with its latest position; W84 is AMSL plus the geoid', async () => {
    const expected = ['JUSIM0000001', 'JUSIM0000002', 'test-gw-udp0-3'];
    const drones = await until('the three drones on the server', async () => {
      const r = await server.api<DroneState[]>('GET', '/api/v1/drones');
      return expected.every((id) => r.body.some((d) => d.droneId === id)) && r.body;
    });
    const first = drones.find((d) => d.droneId === 'JUSIM0000001')!;
    expect(first).toMatchObject({ lat: PAD.lat, lon: PAD.lon, altAmsl: 10, link: 'live', gatewayId: 'test-gw' });
    expect(first.remoteId).toEqual({ uasId: 'JUSIM0000001' });
    expect(first.altW84).toBeCloseTo(10 + egm96Undulation(PAD.lat, PAD.lon), 2);
  });

  it('stores each sample the gateway made exactly once, and tells the ingest’s listeners once per sample', async () => {
    await until('30 samples of drone 1', () => samples.filter((s) => s.droneId === 'JUSIM0000001').length >= 30);
    const made = samples.filter((s) => s.droneId === 'JUSIM0000001').map((s) => s.seq);
    await until('the gateway to have delivered them', () => gateway.stats().uplink!.pending === 0);
    const stored = (await fullTrack(server.url, 'JUSIM0000001')).points.map((p) => p.seq);
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored).toEqual(expect.arrayContaining(made));
    const told = states.filter((s) => s.droneId === 'JUSIM0000001').length;
    expect(told).toBeGreaterThanOrEqual(made.length);
    expect(told).toBeLessThanOrEqual(stored.length);
  });

  it('reports a drone lost when its heartbeats stop, and live again when they return', async () => {
    fleet.drone(2).linkCut = true;
    await until('drone 2 lost', () => links.some((l) => l.droneId === 'JUSIM0000002' && l.link === 'lost'));
    const shown = await server.api<DroneState[]>('GET', '/api/v1/drones');
    expect(shown.body.find((d) => d.droneId === 'JUSIM0000002')!.link).toBe('lost');
    fleet.drone(2).linkCut = false;
    await until('drone 2 live again', () => links.at(-1)?.droneId === 'JUSIM0000002' && links.at(-1)?.link === 'live');
  });

  it('takes signed frames on a link that requires signing, and refuses and counts unsigned ones', async () => {
    await until('the signed drone', () => samples.some((s) => s.droneId === 'JUSIM0000010'));
    const signed = gateway.stats().links.find((l) => l.link === 'signed')!;
    expect(signed.signing.verified).toBeGreaterThan(0);
    expect(signed.signing.unsignedRefused).toBeGreaterThan(0);
    expect(samples.some((s) => s.droneId === 'JUSIM0000011')).toBe(false);
    expect(gateway.vehicles.list().some((v) => v.target.sysid === 11)).toBe(false);
  });

  it('refuses a gateway without a valid token', async () => {
    const socket = io(`${server.url}/gateway`, {
      auth: { token: 'not-a-token-at-all', gatewayId: 'x' },
      transports: ['websocket'],
    });
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    socket.close();
    expect(err.message).toMatch(/unauthorized/);
  });

  it('answers bad requests about drones with the field and the reason', async () => {
    expect((await server.api('GET', '/api/v1/drones/JU-NOBODY/track')).status).toBe(404);
    expect((await server.api('POST', '/api/v1/drones/JU-NOBODY/commands', { type: 'rtl' })).status).toBe(404);
    const badQuery = await server.api<{ issues: Array<{ path: string }> }>(
      'GET',
      '/api/v1/drones/JUSIM0000001/track?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.issues[0]!.path).toBe('to');
    const badBody = await server.api<{ issues: Array<{ path: string }> }>(
      'POST',
      '/api/v1/drones/JUSIM0000001/commands',
      {
        type: 'take-off',
      },
    );
    expect(badBody.status).toBe(400);
    expect(badBody.body.issues[0]!.path).toBe('type');
    const anonymous = await fetch(`${server.url}/api/v1/drones/JUSIM0000001/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'rtl' }),
    });
    expect(anonymous.status).toBe(401);

    const plan = await server.api<FlightPlan>('POST', '/api/v1/flight-plans', {
      droneId: 'JUSIM0000002',
      route: {
        waypoints: [PAD, { lat: 36.318, lon: 136.346 }],
        altitude: { value: 30, reference: 'AGL' },
        speedMps: 5,
        departure: inHours(3),
      },
    });
    expect(plan.status).toBe(201);
    const wrongDrone = await server.api<{ issues: Array<{ path: string }> }>(
      'POST',
      '/api/v1/drones/JUSIM0000001/commands',
      {
        type: 'upload-plan',
        planId: plan.body.id,
      },
    );
    expect(wrongDrone.status).toBe(400);
    expect(wrongDrone.body.issues[0]!.path).toBe('planId');
    expect((await server.api('DELETE', `/api/v1/flight-plans/${plan.body.id}`)).status).toBe(200);
    const cancelled = await server.api('POST', '/api/v1/drones/JUSIM0000002/commands', {
      type: 'upload-plan',
      planId: plan.body.id,
    });
    expect(cancelled.status).toBe(409);
  });

  it('carries a command to the drone and its answer back', async () => {
    const r = await server.api<CommandOutcome>('POST', '/api/v1/drones/JUSIM0000001/commands', { type: 'land' });
    expect(r.status).toBe(200);
    // On the ground ArduCopter refuses LAND: the drone's own answer comes back.
    expect(r.body).toMatchObject({ ok: false, result: 'FAILED', action: 'land', gatewayId: 'test-gw' });
    const loiter = await server.api<CommandOutcome>('POST', '/api/v1/drones/JUSIM0000001/commands', { type: 'loiter' });
    expect(loiter.body).toMatchObject({ ok: true, result: 'ACCEPTED' });
    await until('mode LOITER in telemetry', () =>
      states.some((s) => s.droneId === 'JUSIM0000001' && s.mode === 'LOITER'),
    );
  });
});
