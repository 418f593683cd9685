import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuditEntry,
  RidGetFlightDetailsResponse,
  RidGetFlightsResponse,
  RidInjectionAircraftState,
  RidInjectionChangeTestResponse,
  RidInjectionCreateTest,
  RidInjectionDeleteTestResponse,
  RidInjectionTestFlight,
  RidUserNotifications,
} from '../../../server/protocol/index.ts';
import { ManualClock } from '../../support/clock.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { F3411_YAML, loadSpecs, RID_INJECTION_YAML, type SpecValidator } from '../../support/openapi-yaml.ts';
import { SHARED_SECRETS, startTestServer, type TestServer } from '../../support/server.ts';
import { call, scopedToken } from './support.ts';

const INJECTION = '/ridsp/injection';
const FLIGHTS = '/rid/v2/uss/flights';
/** Around the Daishoji river, about 1 km across. */
const VIEW = '36.300,136.310,36.308,136.320';

/** A test flight of `seconds` states a second apart from `start`, heading east along 36.304° N. */
function testFlight(start: number, seconds: number, over: Partial<RidInjectionAircraftState> = {}, lat = 36.304) {
  const telemetry: RidInjectionAircraftState[] = Array.from({ length: seconds }, (_, i) => ({
    timestamp: new Date(start + i * 1000).toISOString(),
    timestamp_accuracy: 0,
    operational_status: 'Airborne',
    position: {
      lat,
      lng: 136.312 + i * 1e-4,
      alt: 300.123 + i,
      accuracy_h: 'HA1m',
      accuracy_v: 'VA1m',
      extrapolated: false,
      pressure_altitude: 0,
    },
    track: 90,
    speed: 9,
    speed_accuracy: 'SA1mps',
    vertical_speed: 1,
    height: { distance: 50, reference: 'TakeoffLocation' },
    ...over,
  }));
  return {
    injection_id: randomUUID(),
    aircraft_type: 'Helicopter',
    telemetry,
    details_responses: [
      {
        effective_after: new Date(start).toISOString(),
        details: {
          id: 'uss1.daishoji-survey',
          operator_id: 'JPN-OP-0042',
          operator_location: { lat: 36.3035, lng: 136.311 },
          operator_altitude: { altitude: 45, altitude_type: 'Takeoff' },
          operation_description: 'river survey',
          serial_number: 'INTCJ123-4567-890',
          registration_number: 'JA.JU0123456789AB',
          eu_classification: { category: 'Open', class: 'Class1' },
          auth_data: { format: 0, data: '' },
        },
      },
    ],
  } satisfies RidInjectionTestFlight;
}

describe.each(DATABASE_KINDS)('rid/v1 injection of test flights (%s)', (kind) => {
  const clock = new ManualClock();
  let server: TestServer;
  let specs: SpecValidator;
  let director: string;
  let display: string;
  const testId = randomUUID();
  const t0 = clock.now() + 10_000;
  let created: RidInjectionChangeTestResponse;

  const as = (token: string | null) => ({
    get: <T>(p: string) => call<T>(server.url, 'GET', p, token),
    put: <T>(p: string, body: unknown) => call<T>(server.url, 'PUT', p, token, body),
    del: <T>(p: string) => call<T>(server.url, 'DELETE', p, token),
  });
  const flights = async (recent = 0) => {
    const res = await as(display).get<RidGetFlightsResponse>(
      `${FLIGHTS}?view=${VIEW}${recent ? `&recent_positions_duration=${recent}` : ''}`,
    );
    expect(res.status).toBe(200);
    expect(specs.errors(F3411_YAML, 'GetFlightsResponse', res.body)).toEqual([]);
    return res.body.flights;
  };
  const at = (t: number) => clock.advance(t - clock.now());

  beforeAll(async () => {
    specs = await loadSpecs();
    server = await startTestServer(kind, SHARED_SECRETS, undefined, clock);
    director = await scopedToken(clock, 'operator', 'td.example', 'rid.inject_test_data');
    display = await scopedToken(clock, 'operator', 'dp.example', 'rid.display_provider');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a director without a token (401) or without scope rid.inject_test_data (403)', async () => {
    const body: RidInjectionCreateTest = { requested_flights: [testFlight(t0, 3)] };
    expect((await as(null).put(`${INJECTION}/tests/${testId}`, body)).status).toBe(401);
    expect((await as(display).put(`${INJECTION}/tests/${testId}`, body)).status).toBe(403);
    expect((await as(display).get(`${INJECTION}/user_notifications?after=${new Date(0).toISOString()}`)).status).toBe(
      403,
    );
    expect((await as(null).del(`${INJECTION}/tests/${testId}/1`)).status).toBe(401);
  });

  it('names the field of a flight it cannot take', async () => {
    const bad = testFlight(t0, 2);
    bad.telemetry[1]!.position!.lat = 91;
    const res = await as(director).put<{ issues: Array<{ path: string }> }>(`${INJECTION}/tests/${randomUUID()}`, {
      requested_flights: [bad],
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]!.path).toBe('requested_flights.0.telemetry.1.position.lat');
  });

  it('takes a test of flights and answers what it injected, as the interface says', async () => {
    const complete = testFlight(t0, 30);
    // Same flight id as the first, and no speed accuracy anywhere: unfit for network Remote ID.
    const lacking = testFlight(t0, 30, { speed_accuracy: undefined }, 36.306);
    const res = await as(director).put<RidInjectionChangeTestResponse>(`${INJECTION}/tests/${testId}`, {
      requested_flights: [complete, lacking],
    });
    expect(res.status).toBe(200);
    expect(specs.errors(RID_INJECTION_YAML, 'ChangeTestResponse', res.body)).toEqual([]);
    created = res.body;
    expect(created.version).toBeTruthy();
    expect(created.injected_flights.map((f) => f.injection_id)).toEqual([complete.injection_id, lacking.injection_id]);
    expect(created.injected_flights[0]).toEqual(complete);
    // The provider changed the second flight's id, and only that.
    const renamed = created.injected_flights[1]!.details_responses[0]!.details.id;
    expect(renamed).not.toBe('uss1.daishoji-survey');
    expect(created.injected_flights[1]).toEqual({
      ...lacking,
      details_responses: [
        { ...lacking.details_responses[0], details: { ...lacking.details_responses[0]!.details, id: renamed } },
      ],
    });
    expect((await as(director).put(`${INJECTION}/tests/${testId}`, { requested_flights: [complete] })).status).toBe(
      409,
    );
  });

  it('shows nothing before the first state’s time', async () => {
    await at(t0 - 1);
    expect(await flights()).toEqual([]);
  });

  it('serves each state once its time has come, as a simulated F3411 flight', async () => {
    await at(t0 + 5_000);
    const [flight, ...others] = await flights(60);
    expect(others).toEqual([]);
    const injected = created.injected_flights[0]!;
    const sixth = injected.telemetry[5]!;
    expect(flight).toEqual({
      id: 'uss1.daishoji-survey',
      aircraft_type: 'Helicopter',
      simulated: true,
      current_state: {
        timestamp: { value: sixth.timestamp, format: 'RFC3339' },
        timestamp_accuracy: 0,
        operational_status: 'Airborne',
        position: { ...sixth.position, height: sixth.height },
        track: 90,
        speed: 9,
        speed_accuracy: 'SA1mps',
        vertical_speed: 1,
      },
      recent_positions: injected.telemetry.slice(0, 6).map((s) => ({
        time: { value: s.timestamp, format: 'RFC3339' },
        position: { ...s.position, height: s.height },
      })),
    });
  });

  it('answers the flight’s details in F3411-22a’s shape', async () => {
    const res = await as(display).get<RidGetFlightDetailsResponse>(`${FLIGHTS}/uss1.daishoji-survey/details`);
    expect(res.status).toBe(200);
    expect(specs.errors(F3411_YAML, 'GetFlightDetailsResponse', res.body)).toEqual([]);
    expect(res.body.details).toEqual({
      id: 'uss1.daishoji-survey',
      uas_id: { serial_number: 'INTCJ123-4567-890', registration_id: 'JA.JU0123456789AB' },
      operator_id: 'JPN-OP-0042',
      operator_location: {
        position: { lat: 36.3035, lng: 136.311 },
        altitude: { value: 45, reference: 'W84', units: 'M' },
        altitude_type: 'Takeoff',
      },
      operation_description: 'river survey',
      auth_data: { format: 0, data: '' },
      eu_classification: { category: 'Open', class: 'Class1' },
    });
  });

  it('tells the operator of the flight that lacks what network Remote ID needs', async () => {
    const res = await as(director).get<RidUserNotifications>(
      `${INJECTION}/user_notifications?after=${new Date(t0 - 60_000).toISOString()}`,
    );
    expect(res.status).toBe(200);
    expect(specs.errors(RID_INJECTION_YAML, 'QueryUserNotificationsResponse', res.body)).toEqual([]);
    const lacking = created.injected_flights[1]!.injection_id;
    expect(res.body.user_notifications).toEqual([
      {
        observed_at: expect.any(Object),
        message: expect.stringMatching(new RegExp(`^flight ${lacking}: 30 .*speed_accuracy`)),
      },
    ]);
    const later = await as(director).get<RidUserNotifications>(
      `${INJECTION}/user_notifications?after=${new Date(clock.now() + 1).toISOString()}`,
    );
    expect(later.body.user_notifications).toEqual([]);
    expect((await as(director).get(`${INJECTION}/user_notifications`)).status).toBe(400);
  });

  it('reports the flight until a minute after its last state', async () => {
    await at(t0 + 29_000 + 60_000);
    expect((await flights()).map((f) => f.id)).toEqual(['uss1.daishoji-survey']);
    await at(t0 + 29_000 + 60_001);
    expect(await flights()).toEqual([]);
  });

  it('deletes a test at its version, and its flights with it at once', async () => {
    const second = randomUUID();
    const start = clock.now();
    const put = await as(director).put<RidInjectionChangeTestResponse>(`${INJECTION}/tests/${second}`, {
      requested_flights: [testFlight(start, 20)],
    });
    await at(start + 3_000);
    expect(await flights()).toHaveLength(1);
    expect((await as(director).del(`${INJECTION}/tests/${second}/not-the-version`)).status).toBe(409);
    const res = await as(director).del<RidInjectionDeleteTestResponse>(
      `${INJECTION}/tests/${second}/${put.body.version}`,
    );
    expect(res.status).toBe(200);
    expect(specs.errors(RID_INJECTION_YAML, 'DeleteTestResponse', res.body)).toEqual([]);
    expect(res.body.injected_flights).toEqual(put.body.injected_flights);
    expect(await flights()).toEqual([]);
    expect((await as(director).del(`${INJECTION}/tests/${second}/${put.body.version}`)).status).toBe(404);
    expect((await as(director).del(`${INJECTION}/tests/${testId}/${created.version}`)).status).toBe(200);
  });

  it('keeps every injection and deletion in the audit trail', async () => {
    const audit = await server.api<AuditEntry[]>('GET', '/api/v1/audit?actor=td.example');
    // The manual clock stood still for several of them: compared as a set.
    expect(audit.body.map((e) => `${e.action} ${e.outcome.split(' ')[0]}`).sort()).toEqual(
      [
        'PUT /ridsp/injection/tests/{id} 400',
        'PUT /ridsp/injection/tests/{id} 200',
        'PUT /ridsp/injection/tests/{id} 409',
        'PUT /ridsp/injection/tests/{id} 200',
        'DELETE /ridsp/injection/tests/{id}/not-the-version 409',
        'DELETE /ridsp/injection/tests/{id}/{id} 200',
        'DELETE /ridsp/injection/tests/{id}/{id} 404',
        'DELETE /ridsp/injection/tests/{id}/{id} 200',
      ].sort(),
    );
  });
});
