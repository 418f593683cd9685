import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  RidGetFlightDetailsResponse,
  RidGetFlightsResponse,
  TelemetrySample,
} from '../../../server/protocol/index.ts';
import { ManualClock } from '../../support/clock.ts';
import { createDurableTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../support/databases.ts';
import { F3411_YAML, loadSpecs, type SpecValidator } from '../../support/openapi-yaml.ts';
import { SHARED_SECRETS, startTestServer, type TestServer } from '../../support/server.ts';
import { gatewaySocket } from '../../support/gateway-socket.ts';
import { call, KAGA_VIEW, scopedToken, sendSamples } from './support.ts';

const FLIGHTS = '/rid/v2/uss/flights';
const DRONE = 'JU0123456789AB';
const OPERATOR = 'JPN87654321';

describe.each(DATABASE_KINDS)('F3411 flights from live telemetry (%s)', (kind) => {
  const clock = new ManualClock();
  let database: TestDatabase;
  let server: TestServer;
  let gateway: Socket;
  let specs: SpecValidator;
  let display: string;
  let seq = 0;

  const start = async () => {
    server = await startTestServer(kind, SHARED_SECRETS, database, clock);
    gateway = await gatewaySocket(server.url, 'gw-rid');
  };
  const get = <T>(p: string, token: string | null = display) => call<T>(server.url, 'GET', p, token);
  const flights = (view = KAGA_VIEW, recent = 0) =>
    get<RidGetFlightsResponse>(`${FLIGHTS}?view=${view}${recent ? `&recent_positions_duration=${recent}` : ''}`);

  /** One sample a second for `seconds`, moving north, stamped with the clock's time. */
  const fly = async (droneId: string, seconds: number, over: Partial<TelemetrySample> = {}) => {
    const sent: TelemetrySample[] = [];
    for (let i = 0; i < seconds; i++) {
      const s: TelemetrySample = {
        seq: seq++,
        time: new Date(clock.now()).toISOString(),
        droneId,
        lat: 36.315 + sent.length * 1e-4,
        lon: 136.345,
        altW84: 97.5,
        altAmsl: 60,
        altRelative: 50,
        groundSpeedMps: 11,
        verticalSpeedMps: 0.5,
        headingDeg: 0,
        batteryPercent: 80,
        batteryVoltage: 15.8,
        mode: 'AUTO',
        armed: true,
        gpsFix: 3,
        remoteId: { uasId: DRONE, operatorId: OPERATOR, description: 'medicine to Yamashiro' },
        ...over,
      };
      expect(await sendSamples(gateway, [s])).toMatchObject({ accepted: 1 });
      sent.push(s);
      await clock.advance(1000);
    }
    return sent;
  };

  beforeAll(async () => {
    specs = await loadSpecs();
    database = await createDurableTestDatabase(kind, 'soramichi-rid-');
    await start();
    display = await scopedToken(clock, 'operator', 'dp.example', 'rid.display_provider');
  });

  afterAll(async () => {
    gateway?.close();
    await server?.stop();
    await database?.drop();
  });

  it('refuses callers without a token (401) or without scope rid.display_provider (403)', async () => {
    const noScope = await scopedToken(clock, 'operator', 'op-7');
    const forged = `${display.slice(0, -4)}AAAA`;
    for (const p of [`${FLIGHTS}?view=${KAGA_VIEW}`, `${FLIGHTS}/sm-x/details`]) {
      expect((await get(p, null)).status).toBe(401);
      expect((await get(p, forged)).status).toBe(401);
      const refused = await get<{ message: string }>(p, noScope);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain('rid.display_provider');
      expect(specs.errors(F3411_YAML, 'ErrorResponse', refused.body)).toEqual([]);
    }
    const monitor = await scopedToken(clock, 'monitor', 'city-screen');
    expect((await get(`${FLIGHTS}?view=${KAGA_VIEW}`, monitor)).status).toBe(200);
  });

  it('names the bad parameter, and refuses a view larger than F3411 allows with 413', async () => {
    const missing = await get<{ message: string }>(FLIGHTS);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/^invalid query: view: /);
    const garbled = await get<{ message: string }>(`${FLIGHTS}?view=36.3,136.3,36.4`);
    expect(garbled.status).toBe(400);
    expect(garbled.body.message).toMatch(/^view: /);
    const tooLong = await get<{ message: string }>(`${FLIGHTS}?view=${KAGA_VIEW}&recent_positions_duration=61`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toContain('recent_positions_duration');
    // 0.05° of latitude and longitude at Kaga: about 7.3 km corner to corner.
    const large = await get<{ message: string }>(`${FLIGHTS}?view=36.30,136.30,36.35,136.35`);
    expect(large.status).toBe(413);
    expect(large.body.message).toContain('7 km');
    expect(specs.errors(F3411_YAML, 'ErrorResponse', large.body)).toEqual([]);
    expect((await get(`${FLIGHTS}?view=36.30,136.30,36.345,136.345`)).status).toBe(200);
  });

  it('reports a flying drone where it is, with its last minute, and no identity', async () => {
    const sent = await fly(DRONE, 10);
    const res = await flights(KAGA_VIEW, 60);
    expect(res.status).toBe(200);
    expect(specs.errors(F3411_YAML, 'GetFlightsResponse', res.body)).toEqual([]);
    expect(res.body.timestamp.value).toBe(new Date(clock.now()).toISOString());
    expect(res.body.flights).toHaveLength(1);
    const [flight] = res.body.flights;
    const last = sent.at(-1)!;
    expect(flight).toMatchObject({ aircraft_type: 'NotDeclared', simulated: false });
    expect(flight!.current_state).toMatchObject({
      timestamp: { value: last.time, format: 'RFC3339' },
      operational_status: 'Airborne',
      position: {
        lat: last.lat,
        lng: last.lon,
        alt: last.altW84,
        height: { distance: 50, reference: 'TakeoffLocation' },
      },
      track: 0,
      speed: 11,
      vertical_speed: 0.5,
    });
    expect(flight!.recent_positions!.map((p) => p.position.lat)).toEqual(sent.map((s) => s.lat));
    // What a display's users see names neither the drone nor its operator.
    expect(res.text).not.toContain(DRONE);
    expect(res.text).not.toContain(OPERATOR);
    expect(res.text).not.toContain('Yamashiro');

    const quiet = await flights();
    expect(quiet.body.flights[0]).not.toHaveProperty('recent_positions');
    const elsewhere = await flights('36.30,136.30,36.305,136.305');
    expect(elsewhere.body.flights).toEqual([]);
  });

  it('gives an authorised display provider the details: the UAS id and operator the drone broadcasts', async () => {
    const { body } = await flights();
    const id = body.flights[0]!.id;
    const res = await get<RidGetFlightDetailsResponse>(`${FLIGHTS}/${id}/details`);
    expect(res.status).toBe(200);
    expect(specs.errors(F3411_YAML, 'GetFlightDetailsResponse', res.body)).toEqual([]);
    expect(res.body.details).toEqual({
      id,
      uas_id: { registration_id: DRONE },
      operator_id: OPERATOR,
      operation_description: 'medicine to Yamashiro',
    });
    const unknown = await get<{ message: string }>(`${FLIGHTS}/sm-nothing/details`);
    expect(unknown.status).toBe(404);
    expect(specs.errors(F3411_YAML, 'ErrorResponse', unknown.body)).toEqual([]);
    expect((await get(`${FLIGHTS}/a:b/details`)).status).toBe(400);
  });

  it('leaves out a drone standing disarmed on the ground', async () => {
    await fly('JU0000000GROUND', 3, { armed: false, lon: 136.346 });
    const { body } = await flights();
    expect(body.flights).toHaveLength(1);
  });

  it('keeps the sky across a restart: the last minute comes back from the store', async () => {
    const before = await flights(KAGA_VIEW, 60);
    gateway.close();
    await server.stop();
    await start();
    const after = await flights(KAGA_VIEW, 60);
    expect(after.body.flights).toEqual(before.body.flights);
  });

  it('stops reporting a flight once its newest position is older than NetMaxNearRealTimeDataPeriod', async () => {
    const { body } = await flights();
    const id = body.flights[0]!.id;
    const newest = Date.parse(body.flights[0]!.current_state!.timestamp.value);
    await clock.advance(newest + 60_000 - clock.now());
    expect((await flights()).body.flights.map((f) => f.id)).toEqual([id]);
    await clock.advance(1);
    expect((await flights()).body.flights).toEqual([]);
    expect((await get(`${FLIGHTS}/${id}/details`)).status).toBe(404);
  });
});
