import { cellToParent, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_CELL_RESOLUTION,
  LiveFrame,
  LiveSnapshot,
  type Alert,
  type FlightPlan,
  type LivePlan,
  type LiveSnapshot as Snapshot,
} from '../../../server/protocol/index.ts';
import { conditionOf, type AlertDraft } from '../../../server/telemetry/alerts.ts';
import { LiveClient } from '../../../ui/src/live.ts';
import { viewportCells } from '../../../ui/src/map/viewport-cells.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { KAGA, inHours, routePlan, squareZone } from '../../support/plans.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';
import { until } from '../gateway/support.ts';
import { fakeGateway, sample, viewer } from './support.ts';

const TOKYO = { lat: 35.6812, lon: 139.7671 };
const KAGA_VIEW = viewportCells([136.25, 36.23, 136.45, 36.37], LIVE_CELL_RESOLUTION, 2000);
const TOKYO_VIEW = viewportCells([139.6, 35.6, 139.9, 35.8], LIVE_CELL_RESOLUTION, 2000);

function draft(over: Partial<AlertDraft> = {}): AlertDraft {
  return {
    kind: 'low_battery',
    droneId: 'JU-KAGA-1',
    planId: null,
    subjectId: null,
    message: 'battery 12 %, 4 km of route left',
    lat: KAGA.medicalCenter.lat,
    lon: KAGA.medicalCenter.lon,
    altW84: 117,
    ...over,
  };
}

const isSnapshot = (a: Snapshot | { error: string }): a is Snapshot => !('error' in a);

describe.each(DATABASE_KINDS)('the live map stream /live (%s)', (kind) => {
  let server: TestServer;
  let gateway: Awaited<ReturnType<typeof fakeGateway>>;

  beforeAll(async () => {
    server = await startTestServer(kind);
    gateway = await fakeGateway(server.url, 'gw-live');
  });

  afterAll(async () => {
    gateway?.close();
    await server?.stop();
  });

  it('sends each viewer only the drones that changed inside its viewport, as compact rows', async () => {
    const kaga = await viewer(server.url);
    const tokyo = await viewer(server.url);
    expect(isSnapshot(await kaga.subscribe(KAGA_VIEW))).toBe(true);
    expect(isSnapshot(await tokyo.subscribe(TOKYO_VIEW))).toBe(true);

    await gateway.send([sample('JU-KAGA-1', KAGA.medicalCenter), sample('JU-TOKYO-1', TOKYO)]);
    await until('the Kaga drone in the Kaga viewer', () => kaga.rowsOf('JU-KAGA-1').length);
    await until('the Tokyo drone in the Tokyo viewer', () => tokyo.rowsOf('JU-TOKYO-1').length);

    expect(kaga.rowsOf('JU-TOKYO-1')).toEqual([]);
    expect(tokyo.rowsOf('JU-KAGA-1')).toEqual([]);
    for (const f of [...kaga.frames, ...tokyo.frames]) expect(LiveFrame.safeParse(f).success).toBe(true);
    const [id, lon, lat, altW84, altRelative, heading, speed, , battery, link, time, receivedAt, mode, armed] =
      kaga.rowsOf('JU-KAGA-1')[0]!;
    expect({ id, lon, lat, altW84, altRelative, heading, speed, battery, link, mode, armed }).toEqual({
      id: 'JU-KAGA-1',
      lon: KAGA.medicalCenter.lon,
      lat: KAGA.medicalCenter.lat,
      altW84: 117,
      altRelative: 70,
      heading: 90,
      speed: 10,
      battery: 80,
      link: 0,
      mode: 'AUTO',
      armed: true,
    });
    expect(receivedAt).toBeGreaterThanOrEqual(time - 60_000);
    kaga.close();
    tokyo.close();
  });

  it('coalesces a burst of samples: the drone comes once per frame, at its newest position', async () => {
    const v = await viewer(server.url);
    await v.subscribe(KAGA_VIEW);
    const t0 = Date.now();
    const burst = Array.from({ length: 10 }, (_, i) =>
      sample(
        'JU-KAGA-2',
        { lat: KAGA.yamashiro.lat + i * 0.0001, lon: KAGA.yamashiro.lon },
        {
          time: new Date(t0 + i * 100).toISOString(),
        },
      ),
    );
    await gateway.send(burst);
    const frame = await until('a frame with the burst', () =>
      v.frames.find((f) => f.drones.some((r) => r[0] === 'JU-KAGA-2')),
    );
    const rows = frame.drones.filter((r) => r[0] === 'JU-KAGA-2');
    expect(rows).toHaveLength(1);
    expect(rows[0]![2]).toBeCloseTo(KAGA.yamashiro.lat + 9 * 0.0001, 6);
    v.close();
  });

  it('answers a subscription with a snapshot: drones in view, and with `full` the live plans and open alerts', async () => {
    const plan = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure: inHours(1), droneId: 'JU-KAGA-1' }),
    );
    expect(plan.status).toBe(201);
    const open = (await server.alerts.raise(draft(), 'notify'))!;
    const closing = draft({ kind: 'proximity', subjectId: 'JU-KAGA-2' });
    const closed = (await server.alerts.raise(closing, 'notify'))!;
    await server.alerts.resolve(conditionOf(closing));
    const stillOpen = await server.api<Alert[]>('GET', '/api/v1/alerts?open=true');

    const v = await viewer(server.url);
    const answer = await v.subscribe(KAGA_VIEW, true);
    expect(LiveSnapshot.safeParse(answer).success).toBe(true);
    const snapshot = answer as Snapshot;
    expect(snapshot.drones.map((r) => r[0]).sort()).toEqual(['JU-KAGA-1', 'JU-KAGA-2']);
    expect(snapshot.plans?.map((p) => p.id)).toContain(plan.body.id);
    const ids = snapshot.alerts!.map((a) => a.id);
    expect(ids).toContain(open.id);
    expect(ids).not.toContain(closed.id);
    expect(ids.sort()).toEqual(stillOpen.body.map((a) => a.id).sort());

    const pan = (await v.subscribe(TOKYO_VIEW)) as Snapshot;
    expect(pan.drones.map((r) => r[0])).toEqual(['JU-TOKYO-1']);
    expect(pan.plans).toBeUndefined();
    v.close();
  });

  it('after a pan, frames come from the new viewport only', async () => {
    const v = await viewer(server.url);
    await v.subscribe(KAGA_VIEW);
    await v.subscribe(TOKYO_VIEW);
    await gateway.send([sample('JU-KAGA-1', KAGA.station), sample('JU-TOKYO-1', TOKYO)]);
    await until('the Tokyo drone after the pan', () => v.rowsOf('JU-TOKYO-1').length);
    await gateway.send([sample('JU-TOKYO-1', TOKYO)]);
    await until('a second Tokyo frame', () => v.rowsOf('JU-TOKYO-1').length > 1);
    expect(v.rowsOf('JU-KAGA-1')).toEqual([]);
    v.close();
  });

  it('tells a viewer once more about a drone that flies out of its viewport', async () => {
    const home = latLngToCell(KAGA.cityHall.lat, KAGA.cityHall.lon, LIVE_CELL_RESOLUTION);
    const v = await viewer(server.url);
    await v.subscribe([home]);
    await gateway.send([sample('JU-KAGA-3', KAGA.cityHall)]);
    await until('the drone at home', () => v.rowsOf('JU-KAGA-3').length);
    await gateway.send([sample('JU-KAGA-3', TOKYO)]);
    const gone = await until('the drone outside', () => v.rowsOf('JU-KAGA-3').find((r) => r[2] === TOKYO.lat));
    expect(gone[1]).toBe(TOKYO.lon);
    v.close();
  });

  it('pushes plan, zone, alert and link changes as events', async () => {
    const v = await viewer(server.url);
    await v.subscribe(KAGA_VIEW);
    const created = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.station, KAGA.katayamazu], { departure: inHours(2), droneId: 'JU-KAGA-2' }),
    );
    await server.api('POST', `/api/v1/flight-plans/${created.body.id}/activate`);
    const states = () =>
      v.events.filter((e) => e.event === 'plan' && e.payload.id === created.body.id).map((e) => e.payload.state);
    await until('the plan accepted, then activated', () => states().includes('Activated'));
    expect(states()).toEqual(['Accepted', 'Activated']);

    const zone = await server.api<{ id: string }>(
      'POST',
      '/api/v1/geofences',
      squareZone({ lat: 36.2, lon: 136.2 }, 200, { name: 'flood', validTo: inHours(3) }),
    );
    expect(zone.status).toBe(201);
    await until('the zone event', () => v.events.some((e) => e.event === 'zone' && e.payload.id === zone.body.id));
    await server.api('DELETE', `/api/v1/geofences/${zone.body.id}`);
    await until('the zone lifted', () =>
      v.events.some((e) => e.event === 'zone' && e.payload.id === zone.body.id && e.payload.removed),
    );

    const raised = (await server.alerts.raise(draft({ kind: 'geofence_breach', droneId: 'JU-KAGA-2' }), 'notify'))!;
    await until('the alert', () => v.events.some((e) => e.event === 'alert' && e.payload.id === raised.id));

    gateway.socket.emit('link', { droneId: 'JU-KAGA-2', link: 'lost', at: new Date().toISOString() });
    const lost = await until('the lost link', () =>
      v.events.find((e) => e.event === 'link' && e.payload.droneId === 'JU-KAGA-2' && e.payload.link === 'lost'),
    );
    expect(typeof lost.payload.at).toBe('number');
    v.close();
  });

  it('refuses a viewport that is not made of coarse H3 cells, and says why', async () => {
    const v = await viewer(server.url);
    expect(await v.subscribe(['kaga'])).toEqual({ error: expect.stringContaining('cells') });
    const fine = latLngToCell(KAGA.cityHall.lat, KAGA.cityHall.lon, 9);
    expect(await v.subscribe([fine])).toEqual({ error: expect.stringContaining('finer than resolution') });
    const coarse = cellToParent(fine, 3);
    expect(isSnapshot(await v.subscribe([coarse]))).toBe(true);
    v.close();
  });

  it("the page's client reconnects by itself and catches up with a full snapshot", async () => {
    const snapshots: Array<{ snapshot: Snapshot; full: boolean }> = [];
    const statuses: string[] = [];
    const plans: LivePlan[] = [];
    const client = new LiveClient(
      server.url,
      {
        snapshot: (snapshot, full) => snapshots.push({ snapshot, full }),
        frame: () => undefined,
        link: () => undefined,
        plan: (p) => plans.push(p),
        zone: () => undefined,
        alert: () => undefined,
        status: (s) => statuses.push(s),
      },
      ADMIN_TOKEN,
    );
    client.setViewport(KAGA_VIEW);
    await until('the first full snapshot', () => snapshots.some((s) => s.full && s.snapshot.drones.length));

    // The connection drops (not a polite disconnect) and the server turns new connections away for
    // a while: what changes meanwhile must reach the page when socket.io brings it back by itself.
    server.io.engine.opts.allowRequest = (_req, answer) => answer('closed for the test', false);
    for (const s of server.io.of('/live').sockets.values()) s.conn.close();
    await until('the page offline', () => statuses.includes('offline'));
    const before = snapshots.length;
    const meanwhile = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.cityHall, KAGA.station], { departure: inHours(3), droneId: 'JU-KAGA-3' }),
    );
    await gateway.send([sample('JU-KAGA-1', KAGA.katayamazu)]);
    delete server.io.engine.opts.allowRequest;

    const again = await until('a full snapshot after reconnecting', () => snapshots.slice(before).find((s) => s.full));
    expect(statuses.at(-1)).toBe('live');
    expect(again.snapshot.plans?.map((p) => p.id)).toContain(meanwhile.body.id);
    const k1 = again.snapshot.drones.find((r) => r[0] === 'JU-KAGA-1')!;
    expect([k1[2], k1[1]]).toEqual([KAGA.katayamazu.lat, KAGA.katayamazu.lon]);
    client.close();
  });
});
