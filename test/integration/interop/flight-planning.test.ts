import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egm96Undulation } from '../../../server/protocol/geoid.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { until } from '../gateway/support.ts';
import {
  FlightIntents,
  formatTime,
  loadValidator,
  makeAuthority,
  newFlightId,
  SCOPES,
  type Authority,
  type Placement,
  type ResponseValidator,
} from './support.ts';

interface Planning {
  planning_result: string;
  flight_plan_status: string;
  notes?: string;
  includes_advisories?: string;
}

/** Each scenario flies over its own part of Kaga, two kilometres from the next. */
let places = 0;
function place(zone = 'Z'): Placement {
  const lat = 36.24 + 0.02 * places++;
  const lng = 136.28;
  return { lat, lng, groundW84: egm96Undulation(lat, lng), now: Date.now(), zone };
}

describe('the InterUSS authority’s key', () => {
  it('stops the start when INTERUSS_PUBLIC_KEY_FILE holds no RSA public key', async () => {
    const authority = await makeAuthority('127.0.0.1');
    await fs.writeFile(authority.publicKeyFile, 'not a key');
    await expect(
      startTestServer('pglite', { INTERUSS_PUBLIC_KEY_FILE: authority.publicKeyFile, INTERUSS_AUDIENCE: '127.0.0.1' }),
    ).rejects.toThrow(/INTERUSS_PUBLIC_KEY_FILE .* is not an RSA public key/);
    await authority.cleanup();
  });
});

describe.each(DATABASE_KINDS)('InterUSS flight_planning/v1 on %s', (kind) => {
  let server: TestServer;
  let authority: Authority;
  let validator: ResponseValidator;
  let intents: FlightIntents;
  let planToken: string;
  let directorToken: string;

  beforeAll(async () => {
    authority = await makeAuthority('127.0.0.1');
    validator = await loadValidator();
    intents = await FlightIntents.load();
    server = await startTestServer(kind, {
      INTERUSS_PUBLIC_KEY_FILE: authority.publicKeyFile,
      INTERUSS_AUDIENCE: '127.0.0.1',
    });
    planToken = await authority.token([SCOPES.plan]);
    directorToken = await authority.token([SCOPES.directTest]);
  });
  afterAll(async () => {
    await server?.stop();
    await authority?.cleanup();
  });

  /** One call; every answer the YAML describes is checked against its schema. */
  async function call<T = Planning>(
    method: string,
    pathKey: string,
    path: string,
    options: { body?: unknown; token?: string | null; file?: 'flight_planning' | 'versioning' } = {},
  ): Promise<{ status: number; body: T }> {
    const file = options.file ?? 'flight_planning';
    const token = options.token === undefined ? planToken : options.token;
    const res = await fetch(
      `${server.url}${file === 'flight_planning' ? '/flight_planning/v1' : '/versioning'}${path}`,
      {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      },
    );
    const text = await res.text();
    const body = (text ? JSON.parse(text) : null) as T;
    expect(validator.errors(file, pathKey, method.toLowerCase(), res.status, body)).toEqual([]);
    return { status: res.status, body };
  }

  const upsert = (
    id: string,
    flightPlan: unknown,
    options: { style?: string; requestId?: string; token?: string } = {},
  ) =>
    call('PUT', '/flight_plans/{flight_plan_id}', `/flight_plans/${id}`, {
      body: {
        flight_plan: flightPlan,
        execution_style: options.style ?? 'IfAllowed',
        request_id: options.requestId ?? newFlightId(),
      },
      ...(options.token ? { token: options.token } : {}),
    });
  const plan = async (id: string, intent: string, at: Placement, options: Parameters<typeof upsert>[2] = {}) => {
    const res = await upsert(id, intents.flightPlan(intent, { ...at, now: Date.now() }), options);
    expect(res.status).toBe(200);
    return res.body;
  };
  const close = (id: string, token = planToken) =>
    call('DELETE', '/flight_plans/{flight_plan_id}', `/flight_plans/${id}`, { token });

  it('says it is ready to the test director only, and names its version', async () => {
    const status = await call<{ status: string; api_version: string }>('GET', '/status', '/status', {
      token: directorToken,
    });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'Ready', api_version: 'v0.7.0' });
    expect((await call('GET', '/status', '/status')).status).toBe(403);
    expect((await call('GET', '/status', '/status', { token: null })).status).toBe(401);

    const versions = await authority.token([SCOPES.versions]);
    const version = await call('GET', '/versions/{system_identity}', '/versions/soramichi', {
      token: versions,
      file: 'versioning',
    });
    expect(version.status).toBe(200);
    expect(version.body).toEqual({ system_identity: 'soramichi', system_version: 'v0.1.0' });
    const unknown = await call('GET', '/versions/{system_identity}', '/versions/gov.eu.uspace.v1.netid', {
      token: versions,
      file: 'versioning',
    });
    expect(unknown.status).toBe(404);
  });

  it('refuses tokens for another host, signed by another key, or without a scope that allows the call', async () => {
    const at = place();
    const flight = intents.flightPlan('flight_1', at);
    const otherHost = await authority.token([SCOPES.plan], { aud: 'uss.example.com' });
    expect((await upsert(newFlightId(), flight, { token: otherHost })).status).toBe(401);
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await authority.token([SCOPES.plan], { key: stranger });
    expect((await upsert(newFlightId(), flight, { token: forged })).status).toBe(401);
    expect((await upsert(newFlightId(), flight, { token: directorToken })).status).toBe(403);

    // Another user of the interface may not change or close this user's flight; the director may close it.
    const id = newFlightId();
    expect((await plan(id, 'flight_1', at)).planning_result).toBe('Completed');
    const other = await authority.token([SCOPES.plan], { sub: 'another_user' });
    expect((await upsert(id, flight, { token: other })).status).toBe(403);
    expect((await close(id, other)).status).toBe(403);
    expect((await close(id, directorToken)).body).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'Closed',
    });
  });

  it('plans a non-conflicting pair, activates one, and closes both (the plan scope closes, as the qualifier sends it)', async () => {
    const at = place();
    const [one, two] = [newFlightId(), newFlightId()];
    expect(await plan(one, 'flight_1', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'Planned',
    });
    expect(await plan(two, 'flight_2', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'Planned',
    });
    expect(await plan(one, 'flight_1_activated', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'OkToFly',
    });
    for (const id of [one, two]) {
      const closed = await close(id);
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ planning_result: 'Completed', flight_plan_status: 'Closed' });
    }
    const again = await close(one);
    expect(again.status).toBe(404);
    expect(again.body.flight_plan_status).toBe('Closed');

    // Every change through the interface is in the audit trail, under the InterUSS user's name.
    const trail = await server.api<Array<{ actor: string; action: string; target: string | null; outcome: string }>>(
      'GET',
      '/api/v1/audit?limit=10000',
    );
    expect(trail.body).toContainEqual(
      expect.objectContaining({
        actor: 'interuss:uss_qualifier',
        action: 'PUT /flight_planning/v1/flight_plans/{id}',
        target: one,
        outcome: '200',
      }),
    );
  });

  it('rejects a conflict with an equal-priority flight as Rejected with HTTP 200, and decides a Hypothetical one without keeping it', async () => {
    const at = place();
    const first = newFlightId();
    expect((await plan(first, 'flight1_planned', at)).planning_result).toBe('Completed');

    const rival = newFlightId();
    const refused = await plan(rival, 'equal_prio_flight2_planned', at);
    expect(refused).toMatchObject({ planning_result: 'Rejected', flight_plan_status: 'NotPlanned' });
    expect(refused.notes).toMatch(/conflict|flight/i);
    expect(
      (await plan(newFlightId(), 'equal_prio_flight2_planned', at, { style: 'Hypothetical' })).planning_result,
    ).toBe('Rejected');

    // Hypothetically planned elsewhere: Completed, yet nothing holds the airspace and nothing is known by that id.
    const dream = newFlightId();
    expect(await plan(dream, 'flight_north', at, { style: 'Hypothetical' })).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'Planned',
    });
    expect((await close(dream)).status).toBe(404);
    expect((await plan(newFlightId(), 'flight1_moved_north', at)).planning_result).toBe('Completed');
  });

  it('lets a higher-priority flight pre-empt a lower one, whose user is told', async () => {
    const at = place();
    const since = formatTime(Date.now() - 1000, 'Z');
    const low = newFlightId();
    expect((await plan(low, 'flight1_planned', at)).planning_result).toBe('Completed');
    // A priority above the normal level is a right the city's administrator grants the test director.
    const ungranted = await plan(newFlightId(), 'flight2_planned', at);
    expect(ungranted).toMatchObject({ planning_result: 'Rejected', notes: expect.stringMatching(/grant/) });
    const granted = await server.api('PUT', '/api/v1/priority-grants/interuss:uss_qualifier', {
      maxPriority: 1000,
      reason: 'InterUSS qualification of this deployment',
    });
    expect(granted.status).toBe(200);
    // Hypothetically, the higher priority would be planned; in fact nothing is pre-empted.
    expect((await plan(newFlightId(), 'flight2_planned', at, { style: 'Hypothetical' })).planning_result).toBe(
      'Completed',
    );
    expect((await plan(newFlightId(), 'equal_prio_flight2_planned', at)).planning_result).toBe('Rejected');
    expect(await plan(newFlightId(), 'flight2_planned', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'Planned',
    });
    const told = await until('the pre-empted user is notified', async () => {
      const res = await call<{ user_notifications: Array<{ message: string; conflicts: string }> }>(
        'GET',
        '/user_notifications',
        `/user_notifications?after=${encodeURIComponent(since)}`,
      );
      return res.body.user_notifications.length > 0 && res.body.user_notifications;
    });
    expect(told[0]).toMatchObject({ conflicts: 'Single', message: expect.stringMatching(/pre-empted/) });
    // The pre-empted flight planned again where the higher priority now flies: refused.
    expect((await plan(low, 'flight1_planned', at)).planning_result).toBe('Rejected');
    const bad = await call('GET', '/user_notifications', '/user_notifications');
    expect(bad.status).toBe(400);
  });

  it('modifies a flight atomically: a modification into a conflict is Rejected and the old sky road stays', async () => {
    const at = place();
    const mine = newFlightId();
    expect((await plan(mine, 'flight1_planned', at)).planning_result).toBe('Completed');
    expect((await plan(newFlightId(), 'flight_north', at)).planning_result).toBe('Completed');

    expect(await plan(mine, 'flight1_moved_north', at)).toMatchObject({
      planning_result: 'Rejected',
      flight_plan_status: 'Planned',
    });
    expect(
      (await plan(newFlightId(), 'equal_prio_flight2_planned', at, { style: 'Hypothetical' })).planning_result,
    ).toBe('Rejected');

    // A Hypothetical modification moves nothing.
    expect((await plan(mine, 'flight1_moved_east', at, { style: 'Hypothetical' })).planning_result).toBe('Completed');
    expect((await plan(newFlightId(), 'equal_prio_flight2_planned', at)).planning_result).toBe('Rejected');

    expect(await plan(mine, 'flight1_moved_east', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'Planned',
    });
    expect((await plan(newFlightId(), 'equal_prio_flight2_planned', at)).planning_result).toBe('Completed');
  });

  it('follows the user through activation, off-nominal and contingent states to closing', async () => {
    const at = place('+09:00');
    const id = newFlightId();
    expect((await plan(id, 'flight1_planned_off_nominal', at)).planning_result).toBe('Rejected');
    expect((await plan(id, 'flight1_planned', at)).flight_plan_status).toBe('Planned');
    expect(await plan(id, 'flight1_activated', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'OkToFly',
    });
    expect(await plan(id, 'flight1_planned', at)).toMatchObject({
      planning_result: 'Rejected',
      flight_plan_status: 'OkToFly',
    });
    expect(await plan(id, 'flight1_nonconforming', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'OffNominal',
    });
    expect(await plan(id, 'flight1_contingent', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'OffNominal',
    });
    expect(await plan(id, 'flight1_activated', at)).toMatchObject({
      planning_result: 'Rejected',
      flight_plan_status: 'OffNominal',
    });
    expect(await plan(id, 'flight1_closed', at)).toMatchObject({
      planning_result: 'Completed',
      flight_plan_status: 'Closed',
    });
    // Its airspace is free again.
    expect((await plan(newFlightId(), 'equal_prio_flight2_planned', at)).planning_result).toBe('Completed');
  });

  it('answers a repeated request_id with its first answer, and a request_id reused for another request with 409', async () => {
    const at = place();
    const id = newFlightId();
    const requestId = newFlightId();
    const flight = intents.flightPlan('flight1_planned', at);
    const first = await upsert(id, flight, { requestId });
    expect(first.body.planning_result).toBe('Completed');
    // The same request again: the first answer, no second plan (a second plan would conflict).
    expect(await upsert(id, flight, { requestId })).toEqual(first);
    const other = await upsert(newFlightId(), flight, { requestId });
    expect(other.status).toBe(409);
    expect((await plan(newFlightId(), 'equal_prio_flight2_planned', at)).planning_result).toBe('Rejected');
  });

  it('rejects invalid intents in the body of a 200, refuses malformed requests with 400', async () => {
    const at = place();
    for (const intent of ['invalid_too_far_away', 'invalid_recently_ended', 'invalid_crossing_outline']) {
      const answer = await plan(newFlightId(), intent, at);
      expect(answer, intent).toMatchObject({ planning_result: 'Rejected', flight_plan_status: 'NotPlanned' });
      expect(answer.notes, intent).toMatch(/basic_information\.area/);
    }
    expect((await plan(newFlightId(), 'unsupported_priority', at)).planning_result).toBe('NotSupported');

    const flight = intents.flightPlan('flight_1', at);
    const noStyle = await call('PUT', '/flight_plans/{flight_plan_id}', `/flight_plans/${newFlightId()}`, {
      body: { flight_plan: flight, request_id: 'r' },
    });
    expect(noStyle.status).toBe(400);
    const notV4 = await call('PUT', '/flight_plans/{flight_plan_id}', '/flight_plans/not-a-uuid', {
      body: { flight_plan: flight, execution_style: 'IfAllowed', request_id: 'r' },
    });
    expect(notV4.status).toBe(400);
  });

  it('holds circles above the ground (SFC) and above the take-off point as sky roads at the right height', async () => {
    const at = place('+01:00');
    expect((await plan(newFlightId(), 'circle_above_ground', at)).planning_result).toBe('Completed');
    expect((await plan(newFlightId(), 'polygon_through_circle', at)).planning_result).toBe('Rejected');
    expect((await plan(newFlightId(), 'polygon_above_circle', at)).planning_result).toBe('Completed');
    expect((await plan(newFlightId(), 'takeoff_circle_above', at)).planning_result).toBe('Completed');
  });

  it('clears an area of the interface’s flights for the test director', async () => {
    const at = place();
    const [inside, outside] = [newFlightId(), newFlightId()];
    expect((await plan(inside, 'flight1_planned', at)).planning_result).toBe('Completed');
    expect((await plan(outside, 'flight1_moved_north', at)).planning_result).toBe('Completed');
    const extent = {
      volume: {
        outline_circle: { center: { lat: at.lat, lng: at.lng }, radius: { value: 300, units: 'M' } },
        altitude_lower: { value: 0, reference: 'W84', units: 'M' },
        altitude_upper: { value: 3000, reference: 'W84', units: 'M' },
      },
      time_start: { value: formatTime(Date.now(), 'Z'), format: 'RFC3339' },
      time_end: { value: formatTime(Date.now() + 86_400_000, '+09:00'), format: 'RFC3339' },
    };
    const body = { request_id: newFlightId(), extent };
    expect((await call('POST', '/clear_area_requests', '/clear_area_requests', { body })).status).toBe(403);
    const cleared = await call<{ outcome: { success: boolean } }>(
      'POST',
      '/clear_area_requests',
      '/clear_area_requests',
      {
        body,
        token: directorToken,
      },
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body.outcome.success).toBe(true);
    expect((await close(inside)).status).toBe(404);
    expect((await close(outside)).status).toBe(200);
  });
});
