import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../../server/auth/principal.ts';
import type {
  Alert,
  AnonymousDroneState,
  AuditEntry,
  DroneState,
  FlightPlan,
  FlightPlanRequestInput,
  TelemetryAck,
  ZoneAuthorization,
} from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { KAGA, freshDroneId, inHours, routePlan, squareZone } from '../../support/plans.ts';
import { registerDrones, startTestServer, type TestServer } from '../../support/server.ts';
import { fakeGateway, sample } from '../live/support.ts';

/**
 * The rights between the roles, probed as another operator would: a drone is flown only by the
 * operator it is registered to, a priority above the normal level and entry into a restricted
 * zone are granted by an administrator, and a gateway is who its token says.
 */
describe.each(DATABASE_KINDS)('rights granted, not claimed (%s)', (kind) => {
  let server: TestServer;
  const tokens: Record<'alice' | 'bob' | 'ambulance', string> = { alice: '', bob: '', ambulance: '' };
  const gatewayTokens: Record<'gsAlice' | 'gsImpostor', string> = { gsAlice: '', gsImpostor: '' };
  const ALICE_DRONE = freshDroneId();
  let departureHour = 1;
  const nextDeparture = () => inHours((departureHour += 0.5));

  const as = async <T = any>(token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const plan = (droneId: string, extra: Partial<Parameters<typeof routePlan>[1]> = {}): FlightPlanRequestInput =>
    routePlan([KAGA.cityHall, KAGA.station], { departure: nextDeparture(), droneId, ...extra });

  beforeAll(async () => {
    server = await startTestServer(kind);
    const issue = async (subject: string, role: 'operator' | 'gateway', drones?: string[]) =>
      (await server.issuer.issue({ subject, role, ttlSeconds: 3600, ...(drones ? { drones } : {}) }, system('test')))
        .token;
    tokens.alice = await issue('op-alice', 'operator');
    tokens.bob = await issue('op-bob', 'operator');
    tokens.ambulance = await issue('op-ambulance', 'operator');
    gatewayTokens.gsAlice = await issue('gs-alice', 'gateway', [ALICE_DRONE]);
    gatewayTokens.gsImpostor = await issue('gs-impostor', 'gateway', [ALICE_DRONE]);
    const registered = await as(tokens.alice, 'PUT', `/api/v1/drones/${ALICE_DRONE}/registration`, {
      registrationMark: 'JU0A1B2C3D4E',
      model: 'Kaga medical quad',
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ operator: 'op-alice', registrationMark: 'JU0A1B2C3D4E' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('drones belong to the operator they are registered to', () => {
    it('refuses another operator a plan naming the drone, and its commands', async () => {
      const filed = await as(tokens.bob, 'POST', '/api/v1/flight-plans', plan(ALICE_DRONE));
      expect(filed.status).toBe(403);
      expect(filed.body.issues).toEqual([{ path: 'droneId', message: expect.stringMatching(/another operator/) }]);
      const landed = await as(tokens.bob, 'POST', `/api/v1/drones/${ALICE_DRONE}/commands`, { type: 'land' });
      expect(landed.status).toBe(403);
      const unregistered = await as(tokens.bob, 'POST', '/api/v1/flight-plans', plan(freshDroneId()));
      expect(unregistered.status).toBe(403);
      expect(unregistered.body.message).toMatch(/not registered/);
      expect((await as(tokens.alice, 'POST', '/api/v1/flight-plans', plan(ALICE_DRONE))).status).toBe(201);
    });

    it('lets no operator take another’s drone; an administrator moves it', async () => {
      const taken = await as(tokens.bob, 'PUT', `/api/v1/drones/${ALICE_DRONE}/registration`, {});
      expect(taken.status).toBe(403);
      const stolenMark = await as(tokens.bob, 'PUT', `/api/v1/drones/${freshDroneId()}/registration`, {
        registrationMark: 'JU0A1B2C3D4E',
      });
      expect(stolenMark.status).toBe(409);
      expect(stolenMark.body.issues[0].path).toBe('registrationMark');
      const spare = freshDroneId();
      await registerDrones(server, 'op-alice', spare);
      expect((await server.api('PUT', `/api/v1/drones/${spare}/registration`, { operator: 'op-bob' })).status).toBe(
        200,
      );
      expect((await as(tokens.bob, 'POST', '/api/v1/flight-plans', plan(spare))).status).toBe(201);
      const mine = await as<Array<{ droneId: string }>>(tokens.bob, 'GET', '/api/v1/drone-registrations');
      expect(mine.body.map((d) => d.droneId)).toEqual([spare]);
    });

    it('shows another operator’s drone as the public sees it, and not its track', async () => {
      const gw = await fakeGateway(server.url, 'gs-alice', gatewayTokens.gsAlice);
      const remoteId = { uasId: 'JU0A1B2C3D4E', operatorId: 'JPN-OP-ALICE', description: 'medicine' };
      expect(((await gw.send([sample(ALICE_DRONE, KAGA.station, { remoteId })])) as TelemetryAck).accepted).toBe(1);
      gw.close();
      const seenByBob = await as<AnonymousDroneState[]>(tokens.bob, 'GET', '/api/v1/drones');
      const shown = seenByBob.body.find((d) => d.droneId === ALICE_DRONE)!;
      expect(shown).toMatchObject({ anonymous: true });
      expect(JSON.stringify(shown)).not.toContain('JPN-OP-ALICE');
      expect((await as(tokens.bob, 'GET', `/api/v1/drones/${ALICE_DRONE}/track`)).status).toBe(404);
      const seenByAlice = await as<DroneState[]>(tokens.alice, 'GET', '/api/v1/drones');
      expect(seenByAlice.body.find((d) => d.droneId === ALICE_DRONE)!.remoteId).toMatchObject(remoteId);
    });

    it('holds one plan per drone at a time', async () => {
      const departure = inHours(20);
      const first = await as(tokens.alice, 'POST', '/api/v1/flight-plans', {
        ...plan(ALICE_DRONE),
        route: { ...plan(ALICE_DRONE).route!, departure },
      });
      expect(first.status).toBe(201);
      const elsewhere = routePlan([KAGA.katayamazu, KAGA.yamashiro], { departure, droneId: ALICE_DRONE });
      const second = await as(tokens.alice, 'POST', '/api/v1/flight-plans', elsewhere);
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ state: 'Rejected', reason: 'drone_busy' });
      expect(second.body.message).toContain(first.body.id);
    });
  });

  describe('priorities above the normal level are granted', () => {
    it('refuses a priority no grant covers; files it under the administrator’s grant, pre-empting, audited', async () => {
      const ambulanceDrone = freshDroneId();
      const bobDrone = freshDroneId();
      await registerDrones(server, 'op-ambulance', ambulanceDrone);
      await registerDrones(server, 'op-bob', bobDrone);
      const departure = inHours(30);
      const routine = await as<FlightPlan>(
        tokens.bob,
        'POST',
        '/api/v1/flight-plans',
        routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure, droneId: bobDrone }),
      );
      expect(routine.status).toBe(201);
      const urgent = routePlan([KAGA.yamashiro, KAGA.medicalCenter], {
        departure,
        droneId: ambulanceDrone,
        priority: 500,
      });

      const claimed = await as(tokens.ambulance, 'POST', '/api/v1/flight-plans', urgent);
      expect(claimed.status).toBe(403);
      expect(claimed.body.issues).toEqual([{ path: 'priority', message: expect.stringMatching(/up to priority 0/) }]);
      expect(
        (await as(tokens.bob, 'PUT', '/api/v1/priority-grants/op-bob', { maxPriority: 900, reason: 'me' })).status,
      ).toBe(403);

      const granted = await server.api('PUT', '/api/v1/priority-grants/op-ambulance', {
        maxPriority: 500,
        reason: 'emergency medical deliveries for Kaga Medical Center',
      });
      expect(granted.status).toBe(200);
      const filed = await as<FlightPlan>(tokens.ambulance, 'POST', '/api/v1/flight-plans', urgent);
      expect(filed.status).toBe(201);
      expect(filed.body.preempted).toEqual([routine.body.id]);
      expect((await as<FlightPlan>(tokens.bob, 'GET', `/api/v1/flight-plans/${routine.body.id}`)).body.state).toBe(
        'Preempted',
      );
      const audit = await server.api<AuditEntry[]>('GET', `/api/v1/audit?actor=op-ambulance`);
      expect(audit.body.find((e) => e.action === 'plan preempted')).toMatchObject({
        target: routine.body.id,
        detail: expect.objectContaining({
          by: filed.body.id,
          grant: expect.stringMatching(/grant up to 500 by admin: emergency medical/),
        }),
      });
      const over = await as(tokens.ambulance, 'POST', '/api/v1/flight-plans', { ...urgent, priority: 501 });
      expect(over.status).toBe(403);
    });

    it('never pre-empts a flight in the air: it keeps its sky road, and its operator is told', async () => {
      const ambulanceDrone = freshDroneId();
      const bobDrone = freshDroneId();
      await registerDrones(server, 'op-ambulance', ambulanceDrone);
      await registerDrones(server, 'op-bob', bobDrone);
      const departure = inHours(0.05);
      const flying = await as<FlightPlan>(
        tokens.bob,
        'POST',
        '/api/v1/flight-plans',
        routePlan([KAGA.station, KAGA.katayamazu], { departure, droneId: bobDrone }),
      );
      expect(flying.status).toBe(201);
      expect((await as(tokens.bob, 'POST', `/api/v1/flight-plans/${flying.body.id}/activate`)).status).toBe(200);

      const told = new Promise<Alert>((resolve) =>
        server.alertEvents.on('alert', (a) => {
          if (a.kind === 'priority_over_active_plan' && a.planId === flying.body.id) resolve(a);
        }),
      );
      const filed = await as<FlightPlan>(
        tokens.ambulance,
        'POST',
        '/api/v1/flight-plans',
        routePlan([KAGA.katayamazu, KAGA.station], { departure, droneId: ambulanceDrone, priority: 400 }),
      );
      expect(filed.status).toBe(201);
      expect(filed.body.preempted).toEqual([]);
      expect(filed.body.overlapped).toEqual([flying.body.id]);
      expect((await as<FlightPlan>(tokens.bob, 'GET', `/api/v1/flight-plans/${flying.body.id}`)).body.state).toBe(
        'Activated',
      );
      expect(await told).toMatchObject({ droneId: bobDrone, subjectId: filed.body.id });
      const audit = await server.api<AuditEntry[]>('GET', `/api/v1/audit?actor=op-ambulance`);
      expect(audit.body.some((e) => e.action === 'plan overlapped in the air' && e.target === flying.body.id)).toBe(
        true,
      );
    });
  });

  describe('restricted zones are entered under an authorisation', () => {
    let zoneId: string;
    const inside = { lat: 36.33, lon: 136.41 };
    const through = (droneId: string, extra: Partial<Parameters<typeof routePlan>[1]> = {}) =>
      routePlan(
        [
          { lat: inside.lat - 0.004, lon: inside.lon },
          { lat: inside.lat + 0.004, lon: inside.lon },
        ],
        { departure: inHours(40), droneId, ...extra },
      );

    beforeAll(async () => {
      const zone = await server.api<{ id: string }>(
        'POST',
        '/api/v1/geofences',
        squareZone(inside, 120, { name: 'Kaga power station', kind: 'restricted' }),
      );
      expect(zone.status).toBe(201);
      zoneId = zone.body.id;
    });

    it('refuses a plan that only copies the zone’s id, and accepts one the authority authorised', async () => {
      const drone = freshDroneId();
      await registerDrones(server, 'op-alice', drone);
      const copied = await as(
        tokens.alice,
        'POST',
        '/api/v1/flight-plans',
        through(drone, { authorizations: [zoneId] }),
      );
      expect(copied.status).toBe(403);
      expect(copied.body.issues[0].path).toBe('authorizations.0');
      const without = await as(tokens.alice, 'POST', '/api/v1/flight-plans', through(drone));
      expect(without.status).toBe(409);
      expect(without.body.conflicts[0]).toMatchObject({ type: 'geofence', id: zoneId, kind: 'restricted' });

      expect(
        (
          await as(tokens.alice, 'POST', '/api/v1/zone-authorizations', {
            zoneId,
            operator: 'op-alice',
            droneId: drone,
            validFrom: inHours(39),
            validTo: inHours(42),
            reason: 'inspection',
          })
        ).status,
      ).toBe(403);
      const issued = await server.api<ZoneAuthorization>('POST', '/api/v1/zone-authorizations', {
        zoneId,
        operator: 'op-alice',
        droneId: drone,
        validFrom: inHours(39),
        validTo: inHours(42),
        reason: 'substation inspection',
      });
      expect(issued.status).toBe(201);
      const otherDrone = freshDroneId();
      await registerDrones(server, 'op-alice', otherDrone);
      expect((await as(tokens.alice, 'POST', '/api/v1/flight-plans', through(otherDrone))).status).toBe(409);
      expect((await as(tokens.bob, 'GET', `/api/v1/zone-authorizations/${issued.body.id}`)).status).toBe(404);
      expect((await as(tokens.alice, 'POST', '/api/v1/flight-plans', through(drone))).status).toBe(201);
    });

    it('raises the breach when a drone whose authorisation was revoked is inside', async () => {
      const drone = freshDroneId();
      await registerDrones(server, 'op-alice', drone);
      const now = Date.now();
      const issued = await server.api<ZoneAuthorization>('POST', '/api/v1/zone-authorizations', {
        zoneId,
        operator: 'op-alice',
        droneId: drone,
        validFrom: new Date(now - 60_000).toISOString(),
        validTo: inHours(2),
        reason: 'survey',
      });
      const filed = await as<FlightPlan>(
        tokens.alice,
        'POST',
        '/api/v1/flight-plans',
        through(drone, { departure: new Date(now + 5_000).toISOString(), altitude: 60 }),
      );
      expect(filed.status).toBe(201);
      await as(tokens.alice, 'POST', `/api/v1/flight-plans/${filed.body.id}/activate`);
      const gw = await fakeGateway(server.url, 'gs-zone-test');
      const breach = new Promise<Alert>((resolve) =>
        server.alertEvents.on('alert', (a) => {
          if (a.kind === 'geofence_breach' && a.droneId === drone && a.closedAt === null) resolve(a);
        }),
      );
      const fix = { altW84: 117, altRelative: 60 };
      await gw.send([sample(drone, inside, fix)]);
      await server.monitor.idle();
      expect((await server.api<Alert[]>('GET', `/api/v1/alerts?droneId=${drone}&kind=geofence_breach`)).body).toEqual(
        [],
      );

      const revoked = await server.api<ZoneAuthorization>('DELETE', `/api/v1/zone-authorizations/${issued.body.id}`);
      expect(revoked.body.revokedAt).not.toBeNull();
      await gw.send([sample(drone, inside, fix)]);
      expect(await breach).toMatchObject({ subjectId: zoneId, planId: filed.body.id });
      gw.close();
    });
  });

  describe('a gateway is who its token says', () => {
    it('refuses a gateway token naming another gateway; an impostor cannot block the real one’s samples', async () => {
      const refused = await new Promise<string>((resolve) => {
        const s: Socket = io(`${server.url}/gateway`, {
          auth: { token: gatewayTokens.gsImpostor, gatewayId: 'gs-alice' },
          transports: ['websocket'],
          reconnection: false,
        });
        s.once('connect_error', (e) => resolve(e.message));
        s.once('connect', () => resolve('connected'));
      });
      expect(refused).toMatch(/this token is gateway "gs-impostor"/);

      const impostor = await fakeGateway(server.url, 'gs-impostor', gatewayTokens.gsImpostor);
      const huge = await impostor.send([{ ...sample(ALICE_DRONE, KAGA.station), seq: Number.MAX_SAFE_INTEGER }]);
      expect((huge as TelemetryAck).accepted).toBe(1);
      impostor.close();
      const real = await fakeGateway(server.url, 'gs-alice', gatewayTokens.gsAlice);
      const ack = (await real.send([sample(ALICE_DRONE, KAGA.cityHall)])) as TelemetryAck;
      real.close();
      expect(ack).toMatchObject({ accepted: 1, duplicates: 0 });
    });
  });

  describe('sockets live no longer than their tokens', () => {
    it('closes /live and /gateway sockets at once when their token is revoked', async () => {
      const issued = await server.issuer.issue(
        { subject: 'gs-revoked', role: 'gateway', ttlSeconds: 3600, drones: [] },
        system('test'),
      );
      const viewerToken = await server.issuer.issue(
        { subject: 'screen', role: 'monitor', ttlSeconds: 3600 },
        system('test'),
      );
      const open = (nsp: string, token: string) =>
        new Promise<Socket>((resolve, reject) => {
          const s = io(`${server.url}${nsp}`, { auth: { token }, transports: ['websocket'], reconnection: false });
          s.once('connect', () => resolve(s));
          s.once('connect_error', reject);
        });
      const gateway = await open('/gateway', issued.token);
      const live = await open('/live', viewerToken.token);
      const ended = (s: Socket) =>
        new Promise<{ reason: string }>((resolve) => s.once('session-ended', (e: { reason: string }) => resolve(e)));
      const gatewayEnded = ended(gateway);
      const liveEnded = ended(live);
      expect((await server.api('DELETE', `/api/v1/tokens/${issued.id}`)).status).toBe(200);
      expect((await server.api('DELETE', `/api/v1/tokens/${viewerToken.id}`)).status).toBe(200);
      expect(await gatewayEnded).toEqual({ reason: 'its token was revoked' });
      expect(await liveEnded).toEqual({ reason: 'its token was revoked' });
      await new Promise<void>((resolve) =>
        gateway.connected ? gateway.once('disconnect', () => resolve()) : resolve(),
      );
      expect(gateway.connected).toBe(false);
      live.close();
    });
  });
});
