import { afterAll, beforeAll, describe, it } from 'vitest';
import { CMD } from '../../../gateway/sim/copter.ts';
import { moveBy, offsetOf } from '../../../gateway/sim/geo.ts';
import type { Alert, CommandOutcome, DroneState, ZoneCreated } from '../../../server/protocol/index.ts';
import { checkRoad, locate, skyRoad, type Fix } from '../../../server/telemetry/conformance.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { KAGA, squareZone } from '../../support/plans.ts';
import {
  alertsOf,
  drift,
  droneIdOf,
  fileAndFly,
  latest,
  planOf,
  routeFrom,
  startScenario,
  until,
  type Scenario,
} from './support.ts';

/**
 * The simulator's drones fly through the real gateway (UDP) to the real server, whose monitor
 * checks every sample. Each scenario has its own drone, far (≥ 1.5 km) from the others, so the
 * scenarios fly at the same time.
 */
const BASE = KAGA.medicalCenter;
const PADS = {
  onPlan: BASE,
  drifter: moveBy(BASE, 0, 1500),
  intruder: moveBy(BASE, 0, 3000),
  silent: moveBy(BASE, -1500, 0),
  unplanned: moveBy(BASE, -1500, 3000),
};
/** Two routes crossing at X at the same moment, 16 m apart in height (one altitude band each). */
const X = moveBy(BASE, -3000, 1500);
const CROSS_A = { from: moveBy(X, 0, -200), to: moveBy(X, 0, 100) };
// B climbs 16 m more (6.4 s at 2.5 m/s) before it sets off: it starts that much closer to X.
const CROSS_B = { from: moveBy(X, -136, 0), to: moveBy(X, 100, 0) };
const north = (p: { lat: number; lon: number }, m: number) => moveBy(p, m, 0);

const SYSIDS = { onPlan: 1, drifter: 2, intruder: 3, silent: 4, crossA: 5, crossB: 6, unplanned: 7 } as const;
const id = (name: keyof typeof SYSIDS) => droneIdOf(SYSIDS[name]);

const ROAD_PARAMS = { h3Resolution: 11, bandHeightM: 16 };

function fixOf(s: DroneState): Fix {
  return {
    droneId: s.droneId,
    lat: s.lat,
    lon: s.lon,
    altW84: s.altW84,
    t: Date.parse(s.time),
    armed: s.armed,
    heightM: s.altRelative,
    groundSpeedMps: s.groundSpeedMps,
    batteryPercent: s.batteryPercent,
  };
}

describe.each(DATABASE_KINDS)('conformance monitoring of simulated flights (%s)', (kind) => {
  let sc: Scenario;

  beforeAll(async () => {
    sc = await startScenario(kind, [
      { sysid: SYSIDS.onPlan, start: PADS.onPlan },
      { sysid: SYSIDS.drifter, start: PADS.drifter },
      { sysid: SYSIDS.intruder, start: PADS.intruder },
      { sysid: SYSIDS.silent, start: PADS.silent },
      { sysid: SYSIDS.crossA, start: CROSS_A.from },
      { sysid: SYSIDS.crossB, start: CROSS_B.from },
      { sysid: SYSIDS.unplanned, start: PADS.unplanned },
    ]);
  });

  afterAll(async () => {
    await sc?.stop();
  });

  const stateOf = (name: keyof typeof SYSIDS) => latest(sc.states, id(name));
  const planState = async (planId: string) => (await planOf(sc.server, planId)).state;

  it.concurrent('a drone that flies its plan is activated on take-off and raises no alert', async ({ expect }) => {
    const droneId = id('onPlan');
    const plan = await fileAndFly(sc.server, routeFrom(droneId, [PADS.onPlan, north(PADS.onPlan, 250)]));
    await until('the flight to start', () => stateOf('onPlan')?.armed);
    await until('the landing', () => stateOf('onPlan')?.armed === false);

    const { history } = await planOf(sc.server, plan.id);
    expect(history!.map((h) => h.state)).toEqual(['Accepted', 'Activated']);
    expect(history![1]!.reason).toBe('took off inside its sky road');
    expect(await alertsOf(sc.server, droneId)).toEqual([]);
    await sc.server.api('POST', `/api/v1/flight-plans/${plan.id}/end`);
  });

  it.concurrent(
    'a drone drifting 150 m sideways is Nonconforming from its first sample off the sky road, and Activated again when it returns',
    async ({ expect }) => {
      const droneId = id('drifter');
      const copter = sc.fleet.drone(SYSIDS.drifter).copter;
      const plan = await fileAndFly(sc.server, routeFrom(droneId, [PADS.drifter, north(PADS.drifter, 300)]));
      await until('the plan activated at cruise height', async () => {
        const s = stateOf('drifter');
        return s && (s.altRelative ?? 0) > 15 && (await planState(plan.id)) === 'Activated';
      });

      const sideways = () => offsetOf(PADS.drifter, copter.position).east;
      await drift(copter, 20, () => sideways() >= 150);
      await drift(copter, -20, () => sideways() <= 0);

      const alert = await until('the nonconforming alert to close', async () => {
        const [a] = await alertsOf(sc.server, droneId, '&kind=nonconforming');
        return a?.closedAt ? a : null;
      });
      expect(await planState(plan.id)).toBe('Activated');
      const { history } = await planOf(sc.server, plan.id);
      expect(history!.map((h) => h.state)).toEqual(['Accepted', 'Activated', 'Nonconforming', 'Activated']);
      expect(history![2]!.reason).toMatch(/^left its sky road laterally/);
      expect(alert).toMatchObject({ planId: plan.id, subjectId: plan.id, action: null });

      // The alert stands at the first sample outside the sky road: the one that crossed its edge.
      const road = skyRoad(sc.server.mirror.index.plan(plan.id)!.keys);
      const flight = sc.states.filter((s) => s.droneId === droneId && s.armed && (s.altRelative ?? 0) > 2);
      const firstOut = flight.find((s) => {
        const fix = fixOf(s);
        const { cell, band } = locate(fix, ROAD_PARAMS);
        return !checkRoad(road, cell, band, fix.t).inside;
      })!;
      expect(firstOut).toBeDefined();
      expect([alert.lat, alert.lon]).toEqual([firstOut.lat, firstOut.lon]);
      expect(Date.parse(alert.openedAt)).toBeGreaterThanOrEqual(Date.parse(firstOut.receivedAt));

      // The map socket heard it open and then close.
      const onMap = sc.mapAlerts.filter((a) => a.id === alert.id);
      expect(onMap[0]!.closedAt).toBeNull();
      expect(onMap.at(-1)!.closedAt).not.toBeNull();
    },
  );

  it.concurrent(
    'a drone flying into a zone declared over its flight raises geofence_breach and is sent home (RTL)',
    async ({ expect }) => {
      const droneId = id('intruder');
      const plan = await fileAndFly(sc.server, routeFrom(droneId, [PADS.intruder, north(PADS.intruder, 300)]));
      await until('the plan activated', async () => (await planState(plan.id)) === 'Activated');

      const declared = await sc.server.api<ZoneCreated>(
        'POST',
        '/api/v1/geofences',
        squareZone(north(PADS.intruder, 200), 40, { name: 'fire at the riverside', kind: 'prohibited' }),
      );
      expect(declared.status).toBe(201);
      expect(declared.body.alerted).toEqual([plan.id]);
      const zoneId = declared.body.id;

      const breach = await until('the breach and its safe action', async () => {
        const [a] = await alertsOf(sc.server, droneId, '&kind=geofence_breach');
        return a?.action?.outcome === 'accepted' ? a : null;
      });
      expect(breach).toMatchObject({
        subjectId: zoneId,
        planId: plan.id,
        action: { kind: 'rtl', outcome: 'accepted' },
      });
      await until('the drone to return to launch', () => stateOf('intruder')?.mode === 'RTL');

      const [overPlan] = await alertsOf(sc.server, droneId, '&kind=zone_over_active_plan');
      expect(overPlan).toMatchObject({ planId: plan.id, subjectId: zoneId, action: null });
      const heard = sc.mapAlerts.filter((a) => a.id === breach.id);
      expect(heard.map((a) => a.action?.outcome)).toEqual(expect.arrayContaining(['pending', 'accepted']));
    },
  );

  it.concurrent('a drone whose radio link dies raises lost_link, closed when it is heard again', async ({ expect }) => {
    const droneId = id('silent');
    const autopilot = sc.fleet.drone(SYSIDS.silent);
    const plan = await fileAndFly(sc.server, routeFrom(droneId, [PADS.silent, north(PADS.silent, 300)]));
    await until('the plan activated', async () => (await planState(plan.id)) === 'Activated');

    autopilot.linkCut = true;
    const lost = await until('lost_link', async () => (await alertsOf(sc.server, droneId, '&kind=lost_link'))[0]);
    expect(lost).toMatchObject({ planId: plan.id, closedAt: null });
    // Whichever tells first: the gateway missing its heartbeats, or the server its samples.
    expect(lost.message).toMatch(new RegExp(`^(gateway test-gw lost the heartbeat of|no telemetry from) ${droneId}`));
    autopilot.linkCut = false;
    await until('lost_link closed', async () => (await alertsOf(sc.server, droneId, '&kind=lost_link'))[0]?.closedAt);
    expect(await alertsOf(sc.server, droneId, '&kind=lost_link')).toHaveLength(1);
  });

  it.concurrent(
    'two accepted plans crossing at the same moment, one band apart, raise proximity for both drones',
    async ({ expect }) => {
      const [a, b] = [id('crossA'), id('crossB')];
      const departure = Date.now() + 2000;
      // W84 72 m and 88 m with 8 m vertical buffers: bands 64–80 and 80–96, so both are accepted.
      const plans = await Promise.all([
        fileAndFly(
          sc.server,
          routeFrom(a, [CROSS_A.from, CROSS_A.to], { altitude: { value: 72, reference: 'W84' }, departure }),
        ),
        fileAndFly(
          sc.server,
          routeFrom(b, [CROSS_B.from, CROSS_B.to], { altitude: { value: 88, reference: 'W84' }, departure }),
        ),
      ]);
      const both = await until('proximity alerts for both drones', async () => {
        const [pa] = await alertsOf(sc.server, a, '&kind=proximity');
        const [pb] = await alertsOf(sc.server, b, '&kind=proximity');
        return pa && pb ? [pa, pb] : null;
      });
      expect(both[0]).toMatchObject({ subjectId: b, planId: plans[0].id });
      expect(both[1]).toMatchObject({ subjectId: a, planId: plans[1].id });
      await until('both proximity alerts closed once they part', async () => {
        const open = [
          ...(await alertsOf(sc.server, a, '&kind=proximity&open=true')),
          ...(await alertsOf(sc.server, b, '&kind=proximity&open=true')),
        ];
        return open.length === 0;
      });
      for (const p of plans) expect(['Activated', 'Nonconforming']).toContain(await planState(p.id));
    },
  );

  it.concurrent(
    'a drone launched without a plan raises unplanned_flight, which a monitor acknowledges',
    async ({ expect }) => {
      const droneId = id('unplanned');
      const copter = sc.fleet.drone(SYSIDS.unplanned).copter;
      const item = (command: number, frame: number, p: { lat: number; lon: number }, alt: number) => ({
        command,
        frame,
        param1: 0,
        param2: 0,
        param3: 0,
        param4: 0,
        lat: p.lat,
        lon: p.lon,
        alt,
        autocontinue: true,
      });
      copter.setMission([
        item(CMD.NAV_WAYPOINT, 0, PADS.unplanned, 0),
        item(CMD.NAV_TAKEOFF, 3, PADS.unplanned, 20),
        item(CMD.NAV_LOITER_UNLIM, 3, PADS.unplanned, 20),
      ]);
      expect(copter.startMission()).toBe(true);

      const alert = await until(
        'unplanned_flight',
        async () => (await alertsOf(sc.server, droneId, '&kind=unplanned_flight'))[0],
      );
      expect(alert).toMatchObject({
        planId: null,
        subjectId: null,
        closedAt: null,
        acknowledgedAt: null,
        action: null,
      });

      const anonymous = await fetch(`${sc.server.url}/api/v1/alerts/${alert.id}/ack`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
      const ack = await sc.server.api<Alert>('POST', `/api/v1/alerts/${alert.id}/ack`);
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ id: alert.id, acknowledgedBy: 'admin', closedAt: null });
      const again = await sc.server.api<Alert>('POST', `/api/v1/alerts/${alert.id}/ack`);
      expect(again.body.acknowledgedAt).toBe(ack.body.acknowledgedAt);
      await until('the acknowledgement on the map', () =>
        sc.mapAlerts.some((a) => a.id === alert.id && a.acknowledgedAt !== null),
      );

      const land = await sc.server.api<CommandOutcome>('POST', `/api/v1/drones/${droneId}/commands`, { type: 'land' });
      expect(land.body.ok).toBe(true);
      await until(
        'the alert to close once it has landed',
        async () => (await sc.server.api<Alert>('GET', `/api/v1/alerts/${alert.id}`)).body.closedAt,
      );
      const open = await sc.server.api<Alert[]>('GET', `/api/v1/alerts?open=true&droneId=${droneId}`);
      expect(open.body).toEqual([]);
    },
  );
});
