import { booleanPointInPolygon, point, polygon } from '@turf/turf';
import { cellToLatLng } from 'h3-js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkyKey } from '../../../server/airspace/types.ts';
import { system } from '../../../server/auth/principal.ts';
import type { FlightPlan, Rejection } from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import {
  callJson,
  loadF3548,
  makeTestAuthority,
  squareVolume4D,
  UTM,
  type F3548Validator,
  type TestAuthority,
} from '../../support/f3548.ts';
import { KAGA, inHours, routePlan, squareZone } from '../../support/plans.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { sample } from '../live/support.ts';

type Volume = {
  volume: {
    outline_polygon: { vertices: Array<{ lat: number; lng: number }> };
    altitude_lower: { value: number };
    altitude_upper: { value: number };
  };
  time_start: { value: string };
  time_end: { value: string };
};

/** The keys no set of the volumes covers: cell centre, bands and whole interval. */
function uncovered(keys: readonly SkyKey[], volumes: readonly Volume[], bandHeightM: number): SkyKey[] {
  return keys.filter((k) => {
    const [lat, lng] = cellToLatLng(k.cell);
    const spans = volumes
      .filter((v) => {
        const ring = v.volume.outline_polygon.vertices.map((p) => [p.lng, p.lat]);
        return (
          v.volume.altitude_lower.value <= k.bandLo * bandHeightM &&
          v.volume.altitude_upper.value >= (k.bandHi + 1) * bandHeightM &&
          booleanPointInPolygon(point([lng, lat]), polygon([[...ring, ring[0]!]]))
        );
      })
      .map((v) => [Date.parse(v.time_start.value), Date.parse(v.time_end.value)] as const)
      .sort((a, b) => a[0] - b[0]);
    let reached = k.t0;
    for (const [t0, t1] of spans) if (t0 <= reached) reached = Math.max(reached, t1);
    return reached < k.t1;
  });
}

/** What a peer USS sends of its intent. */
function peerIntent(
  id: string,
  volumes: unknown[],
  options: { version?: number; ovn?: string; manager?: string; priority?: number; state?: string } = {},
) {
  const times = (volumes as Volume[]).map((v) => [v.time_start.value, v.time_end.value]);
  return {
    operational_intent_id: id,
    operational_intent: {
      reference: {
        id,
        manager: options.manager ?? 'uss2',
        uss_availability: 'Normal',
        version: options.version ?? 1,
        state: options.state ?? 'Accepted',
        ovn: options.ovn ?? `ovn-${id}-${options.version ?? 1}`,
        time_start: { value: times[0]![0], format: 'RFC3339' },
        time_end: { value: times[times.length - 1]![1], format: 'RFC3339' },
        uss_base_url: 'https://uss2.example.com/utm',
        subscription_id: randomUUID(),
      },
      details: { volumes, off_nominal_volumes: [], priority: options.priority ?? 0 },
    },
    subscriptions: [{ subscription_id: randomUUID(), notification_index: 3 }],
  };
}

describe.each(DATABASE_KINDS)('ASTM F3548-21 USS↔USS endpoints on %s (no DSS)', (kind) => {
  let server: TestServer;
  let authority: TestAuthority;
  let spec: F3548Validator;
  const tokens = {} as Record<'sc' | 'cmsa' | 'cp' | 'cm' | 'otherUss' | 'qualifier', string>;

  beforeAll(async () => {
    authority = await makeTestAuthority();
    spec = await loadF3548();
    server = await startTestServer(kind, {
      INTERUSS_PUBLIC_KEY_FILE: authority.publicKeyFile,
      INTERUSS_AUDIENCE: '127.0.0.1',
    });
    tokens.sc = await authority.token('uss2', [UTM.sc]);
    tokens.cmsa = await authority.token('uss2', [UTM.cmsa]);
    tokens.cp = await authority.token('uss2', [UTM.cp]);
    tokens.cm = await authority.token('uss2', [UTM.cm]);
    tokens.otherUss = await authority.token('uss3', [UTM.sc]);
    tokens.qualifier = await authority.token('uss_qualifier', ['interuss.flight_planning.plan']);
  });
  afterAll(async () => {
    await server?.stop();
    await authority?.cleanup();
  });

  /** A call to /uss/v1; every answer is checked against utm.yaml for its operation and status. */
  async function uss<T = any>(method: string, pathKey: string, path: string, token: string | null, body?: unknown) {
    const res = await callJson<T>(`${server.url}/uss/v1${path}`, method, token, body);
    expect(spec.response(`/uss/v1${pathKey}`, method, res.status, res.body), JSON.stringify(res.body)).toEqual([]);
    if (body !== undefined && res.status < 400) expect(spec.request(`/uss/v1${pathKey}`, method, body)).toEqual([]);
    return res;
  }
  const details = (id: string, token = tokens.sc) =>
    uss('GET', '/operational_intents/{entityid}', `/operational_intents/${id}`, token);
  const notify = (body: unknown, token = tokens.sc) =>
    uss('POST', '/operational_intents', '/operational_intents', token, body);
  const file = (plan: unknown) =>
    server.api<FlightPlan & Omit<Rejection, 'state'>>('POST', '/api/v1/flight-plans', plan);

  it('gives a peer an accepted plan as the fewest Volume4Ds that cover its sky road, airspace and priority only', async () => {
    const filed = await file(
      routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure: inHours(2), priority: 7, droneId: 'JUSSDETAILS01' }),
    );
    expect(filed.status).toBe(201);
    const res = await details(filed.body.id);
    expect(res.status).toBe(200);
    const intent = res.body.operational_intent;
    expect(intent.reference).toMatchObject({
      id: filed.body.id,
      manager: 'soramichi',
      state: 'Accepted',
      version: filed.body.version,
      uss_base_url: server.url,
    });
    expect(intent.details.priority).toBe(7);
    const volumes = intent.details.volumes as Volume[];
    const { keys } = await server.flights.skyRoad(filed.body.id);
    expect(uncovered(keys, volumes, 16)).toEqual([]);
    // Merged cells per time window: a handful of volumes for a 3 km flight of about 200 cells.
    expect(volumes.length).toBeLessThanOrEqual(12);
    expect(JSON.stringify(intent)).not.toContain('JUSSDETAILS01');
  });

  it('answers only what the standard allows: 401 without a token, 403 without the scope, 404 for no intent of ours', async () => {
    const filed = await file(
      routePlan([KAGA.station, KAGA.cityHall], { departure: inHours(3), droneId: 'JUSSAUTH01' }),
    );
    expect((await details(filed.body.id, null as unknown as string)).status).toBe(401);
    expect((await details(filed.body.id, tokens.cmsa)).status).toBe(403);
    expect((await details(filed.body.id, tokens.qualifier)).status).toBe(403);
    expect((await details(randomUUID())).status).toBe(404);
    const bad = await details('not-a-uuid');
    expect(bad.status).toBe(400);
    // A plan no longer holding airspace is no operational intent.
    expect((await server.api('DELETE', `/api/v1/flight-plans/${filed.body.id}`)).status).toBe(200);
    expect((await details(filed.body.id)).status).toBe(404);
  });

  it('shares the telemetry of an off-nominal intent only: 409 while nominal, 412 before any, then the last position', async () => {
    const drone = 'JUSSTELEMETRY1';
    const departure = new Date(Date.now() - 20_000).toISOString();
    const filed = await file(routePlan([KAGA.katayamazu, KAGA.station], { departure, droneId: drone }));
    expect(filed.status).toBe(201);
    const id = filed.body.id;
    const telemetry = (token = tokens.cmsa) =>
      uss('GET', '/operational_intents/{entityid}/telemetry', `/operational_intents/${id}/telemetry`, token);
    expect((await telemetry()).status).toBe(409);
    expect((await telemetry(tokens.sc)).status).toBe(403);
    expect((await server.api('POST', `/api/v1/flight-plans/${id}/activate`)).status).toBe(200);
    // The operator reports the flight off its plan (as InterUSS's interface does).
    await server.flights.operate(id, 'report-off-nominal', system('test'));
    expect((await telemetry()).status).toBe(412);
    const ack = await server.telemetry.accept('gw-uss', { samples: [sample(drone, KAGA.katayamazu)] }, () => true);
    expect(ack.accepted).toBe(1);
    const res = await telemetry();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      operational_intent_id: id,
      telemetry: {
        position: {
          latitude: KAGA.katayamazu.lat,
          longitude: KAGA.katayamazu.lon,
          altitude: { value: 117, reference: 'W84' },
        },
        velocity: { speed: 10, units_speed: 'MetersPerSecond', track: 90 },
      },
    });
    // Off-nominal, the sky road is also where the drone may be off its plan.
    const off = await details(id);
    expect(off.body.operational_intent.reference.state).toBe('Nonconforming');
    expect(off.body.operational_intent.details.off_nominal_volumes.length).toBeGreaterThan(0);
  });

  it('holds a peer’s notified intent as airspace every plan must respect, anonymous to the public, untouchable here', async () => {
    const id = randomUUID();
    const over = KAGA.cityHall;
    const told = await notify(peerIntent(id, [squareVolume4D(over, 150, { fromH: 4.5, toH: 5.5 })]));
    expect(told.status).toBe(204);

    // A plan through it at that time is refused, the peer's intent named; an hour later it is not.
    const through = (departure: string, priority = 0) =>
      routePlan(
        [
          { lat: over.lat - 0.005, lon: over.lon },
          { lat: over.lat + 0.005, lon: over.lon },
        ],
        {
          departure,
          priority,
          droneId: 'JUSSPEER01',
        },
      );
    const refused = await file(through(inHours(5)));
    expect(refused.status).toBe(409);
    expect(refused.body.conflicts.map((c) => c.id)).toContain(id);
    const later = await file(through(inHours(7)));
    expect(later.status).toBe(201);

    const publicView = await callJson(`${server.url}/api/v1/flight-plans/${id}`, 'GET', null);
    expect(publicView.body).toMatchObject({ id, anonymous: true, state: 'Accepted' });
    expect(JSON.stringify(publicView.body)).not.toContain('uss2');
    const admin = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`);
    expect(admin.body).toMatchObject({ operator: 'uss:uss2', state: 'Accepted' });
    expect((await server.api('DELETE', `/api/v1/flight-plans/${id}`)).status).toBe(403);
    // It is the peer's to describe, not ours.
    expect((await details(id)).status).toBe(404);
  });

  it('takes a newer version, refuses an older one, a changed one of the same version, another USS and our own ids', async () => {
    const id = randomUUID();
    const at = KAGA.yamashiro;
    const first = peerIntent(id, [squareVolume4D(at, 120, { fromH: 8, toH: 9 })], { version: 3 });
    expect((await notify(first)).status).toBe(204);
    expect((await notify(first)).status).toBe(204);
    const stale = peerIntent(id, [squareVolume4D(at, 120, { fromH: 8, toH: 9 })], { version: 2 });
    expect((await notify(stale)).status).toBe(409);
    const changed = peerIntent(id, [squareVolume4D(at, 120, { fromH: 8, toH: 9 })], {
      version: 3,
      ovn: 'another-ovn-of-v3',
    });
    expect((await notify(changed)).status).toBe(409);
    expect(
      (await notify(peerIntent(id, [squareVolume4D(at, 120, { fromH: 8, toH: 9 })], { version: 4 }), tokens.otherUss))
        .status,
    ).toBe(403);
    const claimed = peerIntent(id, [squareVolume4D(at, 120, { fromH: 8, toH: 9 })], { version: 4, manager: 'uss3' });
    expect((await notify(claimed, tokens.otherUss)).status).toBe(403);
    const ours = await file(
      routePlan([KAGA.station, KAGA.katayamazu], { departure: inHours(9), droneId: 'JUSSOURS01' }),
    );
    expect((await notify(peerIntent(ours.body.id, [squareVolume4D(at, 50, { fromH: 8, toH: 9 })]))).status).toBe(403);

    // Moved two hours later: the airspace it held is free again.
    const through = routePlan(
      [
        { lat: at.lat - 0.004, lon: at.lon },
        { lat: at.lat + 0.004, lon: at.lon },
      ],
      {
        departure: inHours(8.5),
        droneId: 'JUSSMOVED01',
      },
    );
    expect((await file(through)).status).toBe(409);
    expect(
      (await notify(peerIntent(id, [squareVolume4D(at, 120, { fromH: 10, toH: 11 })], { version: 5 }))).status,
    ).toBe(204);
    expect((await file(through)).status).toBe(201);

    // Gone: its sky road is freed and it is Ended here.
    expect((await notify({ operational_intent_id: id, subscriptions: first.subscriptions })).status).toBe(204);
    const ended = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`);
    expect(ended.body.state).toBe('Ended');
    expect(ended.body.history?.at(-1)?.reason).toMatch(/ended by its USS uss2/);
  });

  it('refuses a notification it cannot hold with 400 naming the field', async () => {
    const id = randomUUID();
    const body = peerIntent(id, [squareVolume4D(KAGA.station, 100, { fromH: 12, toH: 13 })]);
    const noOvn = structuredClone(body);
    delete (noOvn.operational_intent.reference as { ovn?: string }).ovn;
    const res = await notify(noOvn);
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('operational_intent.reference.ovn');
    const noEnd = structuredClone(body);
    delete (noEnd.operational_intent.details.volumes[0] as { time_end?: unknown }).time_end;
    const res2 = await notify(noEnd);
    expect(res2.status).toBe(400);
    expect(res2.body.issues[0].path).toBe('operational_intent.details.volumes.0.time_end');
    const mismatched = { ...body, operational_intent_id: randomUUID() };
    expect((await notify(mismatched)).status).toBe(400);
  });

  it('describes the city’s declared zones as constraints, and holds a peer’s constraints as advisory zones', async () => {
    const zone = await server.api<{ id: string }>(
      'POST',
      '/api/v1/geofences',
      squareZone(KAGA.medicalCenter, 80, { name: 'festival', kind: 'prohibited', lower: 0, upper: 150 }),
    );
    expect(zone.status).toBe(201);
    const got = await uss('GET', '/constraints/{entityid}', `/constraints/${zone.body.id}`, tokens.cp);
    expect(got.status).toBe(200);
    expect(got.body.constraint.reference).toMatchObject({ id: zone.body.id, manager: 'soramichi' });
    expect(got.body.constraint.details.volumes).toHaveLength(1);
    expect((await uss('GET', '/constraints/{entityid}', `/constraints/${zone.body.id}`, tokens.sc)).status).toBe(403);

    const id = randomUUID();
    const volume = squareVolume4D(KAGA.katayamazu, 200, { fromH: 14, toH: 16 });
    const constraint = {
      constraint_id: id,
      constraint: {
        reference: {
          id,
          manager: 'uss2',
          uss_availability: 'Normal',
          version: 1,
          ovn: `ovn-constraint-${id}`,
          time_start: volume.time_start,
          time_end: volume.time_end,
          uss_base_url: 'https://uss2.example.com/utm',
        },
        details: { volumes: [volume], type: 'com.example.event' },
      },
      subscriptions: [{ subscription_id: randomUUID(), notification_index: 0 }],
    };
    expect((await uss('POST', '/constraints', '/constraints', tokens.sc, constraint)).status).toBe(403);
    expect((await uss('POST', '/constraints', '/constraints', tokens.cm, constraint)).status).toBe(204);
    const through = routePlan(
      [
        { lat: KAGA.katayamazu.lat - 0.004, lon: KAGA.katayamazu.lon },
        { lat: KAGA.katayamazu.lat + 0.004, lon: KAGA.katayamazu.lon },
      ],
      { departure: inHours(15), droneId: 'JUSSCONSTRAINT' },
    );
    const told = await file(through);
    expect(told.status).toBe(201);
    expect(told.body.advisories?.map((a) => a.name)).toContain(`constraint ${id} of uss2`);
    // It is a peer's: not described as ours.
    const ownZones = await server.api<{ features: Array<{ id: string; properties: { origin: string } }> }>(
      'GET',
      '/api/v1/geofences?limit=10000',
    );
    const held = ownZones.body.features.filter((f) => f.properties.origin === 'f3548');
    expect(held).toHaveLength(1);
    expect((await uss('GET', '/constraints/{entityid}', `/constraints/${held[0]!.id}`, tokens.cp)).status).toBe(404);

    const gone = { constraint_id: id, subscriptions: constraint.subscriptions };
    expect((await uss('POST', '/constraints', '/constraints', tokens.cm, gone)).status).toBe(204);
    const after = await server.api<{ features: Array<{ properties: { origin: string } }> }>(
      'GET',
      '/api/v1/geofences?limit=10000',
    );
    expect(after.body.features.filter((f) => f.properties.origin === 'f3548')).toHaveLength(0);
  });
});
