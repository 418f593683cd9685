import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, FlightPlan, FlightPlanRequestInput, TelemetrySample } from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { KAGA, squareZone } from '../../support/plans.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { fakeGateway, sample } from '../live/support.ts';
import { until } from './support.ts';

/**
 * The monitor fed by a gateway speaking the real `/gateway` protocol with hand-made samples:
 * the cases a simulated flight is too slow or too blunt for. Times are configured short.
 */
const M_LAT = 1 / 111_195;
const away = (p: { lat: number; lon: number }, northM: number) => ({ lat: p.lat + northM * M_LAT, lon: p.lon });

/** A circle of 100 m around a point, 90–130 m W84, from now for 20 minutes. */
function volumePlan(droneId: string, center: { lat: number; lon: number }): FlightPlanRequestInput {
  const now = Date.now();
  return {
    droneId,
    volumes: [
      {
        volume: {
          outline_circle: { center: { lat: center.lat, lng: center.lon }, radius: { value: 100, units: 'M' } },
          altitude_lower: { value: 90, reference: 'W84' },
          altitude_upper: { value: 130, reference: 'W84' },
        },
        time_start: { value: new Date(now - 5000).toISOString(), format: 'RFC3339' },
        time_end: { value: new Date(now + 20 * 60_000).toISOString(), format: 'RFC3339' },
      },
    ],
  };
}

describe.each(DATABASE_KINDS)('the conformance monitor (%s)', (kind) => {
  let server: TestServer;
  let gw: Awaited<ReturnType<typeof fakeGateway>>;
  const streams: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { LOST_LINK_S: '1', CONTINGENT_AFTER_S: '1', LOW_BATTERY_PERCENT: '30' });
    gw = await fakeGateway(server.url, 'gw-monitor');
  });
  afterEach(() => streams.splice(0).forEach(clearInterval));
  afterAll(async () => {
    gw?.close();
    await server?.stop();
  });

  /** Sends a sample now and then every 200 ms until the test ends or `stop` is called. */
  function stream(make: () => TelemetrySample): () => void {
    void gw.send([make()]);
    const timer = setInterval(() => void gw.send([make()]), 200);
    streams.push(timer);
    return () => clearInterval(timer);
  }
  const file = async (req: FlightPlanRequestInput) => {
    const r = await server.api<FlightPlan>('POST', '/api/v1/flight-plans', req);
    expect(r.status).toBe(201);
    return r.body;
  };
  const alerts = async (query: string) => (await server.api<Alert[]>('GET', `/api/v1/alerts?${query}`)).body;
  const planState = async (id: string) =>
    (await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`)).body.state;

  it('a plan activated through the API goes Nonconforming, then Contingent when it does not come back in time', async () => {
    const center = away(KAGA.yamashiro, 0);
    const plan = await file(volumePlan('JU-CONT', center));
    expect((await server.api<FlightPlan>('POST', `/api/v1/flight-plans/${plan.id}/activate`)).body.state).toBe(
      'Activated',
    );

    let where = center;
    stream(() => sample('JU-CONT', where, { altW84: 110 }));
    await until('a sample inside', async () => server.telemetry.state('JU-CONT'));
    expect(await alerts('droneId=JU-CONT')).toEqual([]);
    where = away(center, 400);

    const contingent = await until('contingent', async () => (await alerts('droneId=JU-CONT&kind=contingent'))[0]);
    expect(contingent).toMatchObject({ planId: plan.id, closedAt: null });
    expect(await planState(plan.id)).toBe('Contingent');
    const [nonconforming] = await alerts('droneId=JU-CONT&kind=nonconforming');
    expect(nonconforming!.closedAt).not.toBeNull();

    // Back inside changes nothing now: a Contingent plan stays so until its operator ends it.
    where = center;
    await new Promise((r) => setTimeout(r, 600));
    expect(await planState(plan.id)).toBe('Contingent');
    await server.api('POST', `/api/v1/flight-plans/${plan.id}/end`);
    await until(
      'the plan’s alerts closed with it',
      async () => (await alerts('droneId=JU-CONT&open=true')).length === 0,
    );
  });

  it('a drone whose samples stop raises lost_link after the configured silence; its next sample closes it', async () => {
    const stop = stream(() => sample('JU-QUIET', KAGA.katayamazu));
    await until('heard', async () => server.telemetry.state('JU-QUIET'));
    stop();
    const lost = await until('lost_link', async () => (await alerts('droneId=JU-QUIET&kind=lost_link'))[0]);
    expect(lost.message).toBe('no telemetry from JU-QUIET for 1 s');
    stream(() => sample('JU-QUIET', KAGA.katayamazu));
    await until('lost_link closed', async () => (await alerts('droneId=JU-QUIET&kind=lost_link'))[0]?.closedAt);
  });

  it('a gateway reporting a flying drone’s link lost raises lost_link at once', async () => {
    const stop = stream(() => sample('JU-CUT', KAGA.medicalCenter));
    await until('heard', async () => server.telemetry.state('JU-CUT'));
    stop();
    gw.socket.emit('link', { droneId: 'JU-CUT', link: 'lost', at: new Date().toISOString() });
    const lost = await until('lost_link', async () => (await alerts('droneId=JU-CUT&kind=lost_link'))[0]);
    expect(lost.message).toBe('gateway gw-monitor lost the heartbeat of JU-CUT');
  });

  it('a drone that cannot fly home on what is left of its battery raises low_battery', async () => {
    let at = KAGA.cityHall;
    let battery = 90;
    stream(() => sample('JU-TIRED', at, { batteryPercent: battery }));
    await until('airborne at home', async () => (await alerts('droneId=JU-TIRED&kind=unplanned_flight')).length);
    at = away(KAGA.cityHall, 3000);
    battery = 15;
    const low = await until('low_battery', async () => (await alerts('droneId=JU-TIRED&kind=low_battery'))[0]);
    expect(low.message).toMatch(
      /^JU-TIRED has 15 % battery, enough for about 0\.\d km; 3\.0 km to its take-off point$/,
    );
  });

  it('a zone declared over a flying plan raises zone_over_active_plan, closed when the zone is lifted', async () => {
    const center = away(KAGA.station, 0);
    const plan = await file(volumePlan('JU-ZONE', center));
    await server.api('POST', `/api/v1/flight-plans/${plan.id}/activate`);
    stream(() => sample('JU-ZONE', away(center, -90), { altW84: 110 }));
    await until('heard', async () => server.telemetry.state('JU-ZONE'));

    const declared = await server.api<{ id: string; alerted: string[] }>(
      'POST',
      '/api/v1/geofences',
      squareZone(away(center, 60), 30, { name: 'event at the station' }),
    );
    expect(declared.body.alerted).toEqual([plan.id]);
    const over = await until(
      'zone_over_active_plan',
      async () => (await alerts('droneId=JU-ZONE&kind=zone_over_active_plan'))[0],
    );
    expect(over).toMatchObject({ planId: plan.id, subjectId: declared.body.id });
    expect(over.lat).not.toBeNull();
    expect(await alerts('droneId=JU-ZONE&kind=geofence_breach')).toEqual([]);

    expect((await server.api('DELETE', `/api/v1/geofences/${declared.body.id}`)).status).toBe(204);
    await until('closed', async () => (await alerts('droneId=JU-ZONE&kind=zone_over_active_plan'))[0]?.closedAt);
  });

  it('lists alerts open or closed, changed since a moment, and refuses bad queries by name', async () => {
    const all = await alerts('limit=1000');
    expect(all.length).toBeGreaterThan(0);
    const open = await alerts('open=true&limit=1000');
    expect(open.every((a) => a.closedAt === null)).toBe(true);
    const closed = await alerts('open=false&limit=1000');
    expect(closed.every((a) => a.closedAt !== null)).toBe(true);
    expect(open.length + closed.length).toBe(all.length);
    expect(await alerts(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    const sorted = all.map((a) => Date.parse(a.openedAt));
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));

    const bad = await server.api<{ issues: Array<{ path: string }> }>(
      'GET',
      '/api/v1/alerts?kind=smoke&since=yesterday',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path).sort()).toEqual(['kind', 'since']);
    expect((await server.api('POST', '/api/v1/alerts/not-a-uuid/ack')).status).toBe(400);
    expect((await server.api('POST', `/api/v1/alerts/${crypto.randomUUID()}/ack`)).status).toBe(404);
    expect((await server.api('GET', `/api/v1/alerts/${all[0]!.id}`)).body).toEqual(all[0]);
  });
});
