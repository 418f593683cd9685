import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, FlightPlan, FlightPlanRequestInput, TelemetrySample } from '../../../server/protocol/index.ts';
import { ManualClock } from '../../support/clock.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { KAGA, squareZone } from '../../support/plans.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { fakeGateway, sample } from '../live/support.ts';

/**
 * The monitor fed by a gateway speaking the real `/gateway` protocol with hand-made samples:
 * the cases a simulated flight is too slow or too blunt for. The server runs on a manual clock:
 * each test says how much time passes and awaits the alert that should follow.
 */
const M_LAT = 1 / 111_195;
const away = (p: { lat: number; lon: number }, northM: number) => ({ lat: p.lat + northM * M_LAT, lon: p.lon });

/** A circle of 100 m around a point, 90–130 m W84, from `now` for 20 minutes. */
function volumePlan(droneId: string, center: { lat: number; lon: number }, now: number): FlightPlanRequestInput {
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
  const clock = new ManualClock();
  let server: TestServer;
  let gw: Awaited<ReturnType<typeof fakeGateway>>;

  beforeAll(async () => {
    server = await startTestServer(
      kind,
      { LOST_LINK_S: '1', CONTINGENT_AFTER_S: '1', LOW_BATTERY_PERCENT: '30' },
      undefined,
      clock,
    );
    gw = await fakeGateway(server.url, 'gw-monitor');
  });
  afterAll(async () => {
    gw?.close();
    await server?.stop();
  });

  /** A sample taken now on the server's clock, stored and checked by the monitor before this returns. */
  async function report(droneId: string, at: { lat: number; lon: number }, extra: Partial<TelemetrySample> = {}) {
    await gw.send([sample(droneId, at, { time: new Date(clock.now()).toISOString(), ...extra })]);
    await server.monitor.idle();
  }
  /** The next announcement of an alert that `match` picks (register before causing it). */
  function announced(match: (a: Alert) => boolean): Promise<Alert> {
    return new Promise((resolve) => {
      const listen = (a: Alert) => {
        if (!match(a)) return;
        server.alertEvents.off('alert', listen);
        resolve(a);
      };
      server.alertEvents.on('alert', listen);
    });
  }
  const opened = (droneId: string, kind: Alert['kind']) =>
    announced((a) => a.droneId === droneId && a.kind === kind && a.closedAt === null);
  const closed = (droneId: string, kind: Alert['kind']) =>
    announced((a) => a.droneId === droneId && a.kind === kind && a.closedAt !== null);

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
    const plan = await file(volumePlan('JU-CONT', center, clock.now()));
    expect((await server.api<FlightPlan>('POST', `/api/v1/flight-plans/${plan.id}/activate`)).body.state).toBe(
      'Activated',
    );

    await report('JU-CONT', center, { altW84: 110 });
    expect(await alerts('droneId=JU-CONT')).toEqual([]);

    const nonconforming = opened('JU-CONT', 'nonconforming');
    await clock.advance(200);
    await report('JU-CONT', away(center, 400), { altW84: 110 });
    expect(await nonconforming).toMatchObject({ planId: plan.id });
    expect(await planState(plan.id)).toBe('Nonconforming');

    // Still outside just short of its time to come back: nothing more.
    await clock.advance(800);
    await report('JU-CONT', away(center, 400), { altW84: 110 });
    expect(await planState(plan.id)).toBe('Nonconforming');

    const contingent = opened('JU-CONT', 'contingent');
    const superseded = closed('JU-CONT', 'nonconforming');
    await clock.advance(200);
    expect(await contingent).toMatchObject({ planId: plan.id, closedAt: null });
    await superseded;
    expect(await planState(plan.id)).toBe('Contingent');

    // Back inside changes nothing now: a Contingent plan stays so until its operator ends it.
    await clock.advance(200);
    await report('JU-CONT', center, { altW84: 110 });
    expect(await planState(plan.id)).toBe('Contingent');
    const ended = closed('JU-CONT', 'contingent');
    await server.api('POST', `/api/v1/flight-plans/${plan.id}/end`);
    await ended;
    expect(await alerts('droneId=JU-CONT&open=true')).toEqual([]);
  });

  it('a drone whose samples stop raises lost_link after the configured silence; its next sample closes it', async () => {
    await report('JU-QUIET', KAGA.katayamazu);
    await clock.advance(999);
    expect(await alerts('droneId=JU-QUIET&kind=lost_link')).toEqual([]);
    const lost = opened('JU-QUIET', 'lost_link');
    await clock.advance(1);
    expect((await lost).message).toBe('no telemetry from JU-QUIET for 1 s');
    const heard = closed('JU-QUIET', 'lost_link');
    await clock.advance(5000);
    await report('JU-QUIET', KAGA.katayamazu);
    await heard;
  });

  it('a gateway reporting a flying drone’s link lost raises lost_link at once', async () => {
    await report('JU-CUT', KAGA.medicalCenter);
    const lost = opened('JU-CUT', 'lost_link');
    gw.socket.emit('link', { droneId: 'JU-CUT', link: 'lost', at: new Date(clock.now()).toISOString() });
    expect((await lost).message).toBe('gateway gw-monitor lost the heartbeat of JU-CUT');
  });

  it('a drone that cannot fly home on what is left of its battery raises low_battery', async () => {
    const unplanned = opened('JU-TIRED', 'unplanned_flight');
    await report('JU-TIRED', KAGA.cityHall, { batteryPercent: 90 });
    await unplanned;
    // Ten minutes out, 3 km away, 75 points of battery spent: 15 % left buys about 1.2 more minutes.
    const low = opened('JU-TIRED', 'low_battery');
    await clock.advance(600_000);
    await report('JU-TIRED', away(KAGA.cityHall, 3000), { batteryPercent: 15 });
    expect((await low).message).toMatch(
      /^JU-TIRED has 15 % battery, enough for about 0\.\d km; 3\.0 km to its take-off point$/,
    );
  });

  it('a zone declared over a flying plan raises zone_over_active_plan, closed when the zone is lifted', async () => {
    const center = away(KAGA.station, 0);
    const plan = await file(volumePlan('JU-ZONE', center, clock.now()));
    await server.api('POST', `/api/v1/flight-plans/${plan.id}/activate`);
    await report('JU-ZONE', away(center, -90), { altW84: 110 });

    const over = opened('JU-ZONE', 'zone_over_active_plan');
    const declared = await server.api<{ id: string; alerted: string[] }>(
      'POST',
      '/api/v1/geofences',
      squareZone(away(center, 60), 30, { name: 'event at the station' }),
    );
    expect(declared.body.alerted).toEqual([plan.id]);
    const alert = await over;
    expect(alert).toMatchObject({ planId: plan.id, subjectId: declared.body.id });
    expect(alert.lat).not.toBeNull();
    expect(await alerts('droneId=JU-ZONE&kind=geofence_breach')).toEqual([]);

    const lifted = closed('JU-ZONE', 'zone_over_active_plan');
    expect((await server.api('DELETE', `/api/v1/geofences/${declared.body.id}`)).status).toBe(204);
    await lifted;
  });

  it('lists alerts open or closed, changed since a moment, and refuses bad queries by name', async () => {
    const all = await alerts('limit=1000');
    expect(all.length).toBeGreaterThan(0);
    const open = await alerts('open=true&limit=1000');
    expect(open.every((a) => a.closedAt === null)).toBe(true);
    const closed = await alerts('open=false&limit=1000');
    expect(closed.every((a) => a.closedAt !== null)).toBe(true);
    expect(open.length + closed.length).toBe(all.length);
    expect(await alerts(`since=${encodeURIComponent(new Date(clock.now() + 60_000).toISOString())}`)).toEqual([]);
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
