import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { distanceM, moveBy } from '../../../gateway/sim/geo.ts';
import type { Alert, DroneState } from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';
import { ready, rig, stopRigs } from './rig.ts';
import { fullTrack, until } from './support.ts';

const PAD = { lat: 36.317, lon: 136.345 };
/** 1.4 km away: the jump the map showed when two drones on system id 1 were taken for one. */
const FAR = moveBy(PAD, 1000, 980);
const at = (p: { lat: number; lon: number }) => ({ lat: p.lat, lon: p.lon, altAmsl: 10, altRelative: 0 });

describe.each(DATABASE_KINDS)('two drones on the factory system id 1, on one link of one gateway (%s)', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterEach(stopRigs);
  afterAll(async () => {
    await server?.stop();
  });

  const collisionAlerts = async (open: boolean) =>
    (await server.api<Alert[]>('GET', `/api/v1/alerts?kind=id_collision&open=${open}`)).body;

  it('over UDP: keeps them apart by address, raises an id_collision alert, and closes it when one is gone', async () => {
    const r = await rig(
      'udp',
      [
        { sysid: 1, position: at(PAD) },
        { sysid: 1, position: at(FAR) },
      ],
      { droneIds: new Map([[1, 'JU-FACTORY-1']]), server: { url: server.url, token: ADMIN_TOKEN } },
    );
    const [first, second] = r.vehicles;
    await ready(r, 'JU-FACTORY-1', first);
    // Both keep beating: a second drone, not the first one at a new address (the gateway checks at its next tick).
    await r.pass(1250);
    const [alert] = await until('the collision alert', async () => {
      const open = await collisionAlerts(true);
      return open.length === 1 && open;
    });
    const secondAddress = r.radio.address(1)!;
    const secondId = `test-gw-radio-1-${secondAddress.replace(':', '-')}`;
    expect(alert).toMatchObject({ kind: 'id_collision', droneId: 'JU-FACTORY-1', subjectId: 'test-gw/radio/1/1' });
    expect(alert!.message).toContain(`${secondId} at ${secondAddress}`);
    expect(alert!.message).toContain('MAVLink system 1, component 1');

    await ready(r, secondId, second);
    await r.pass(2000);
    const drones = await until('both drones on the map, each where it is', async () => {
      const list = (await server.api<DroneState[]>('GET', '/api/v1/drones')).body;
      const a = list.find((d) => d.droneId === 'JU-FACTORY-1');
      const b = list.find((d) => d.droneId === secondId);
      return a && b && [a, b];
    });
    expect(distanceM(drones[0]!, PAD)).toBeLessThan(1);
    expect(distanceM(drones[1]!, FAR)).toBeLessThan(1);
    await until('the gateway to have delivered its samples', () => r.gateway.stats().uplink!.pending === 0);
    const track = (await fullTrack(server.url, 'JU-FACTORY-1')).points;
    expect(track.length).toBeGreaterThan(2);
    expect(track.every((p) => distanceM(p, PAD) < 1)).toBe(true);

    second!.stop();
    await r.pass(4000);
    const [closed] = await until('the alert closed', async () => {
      const done = (await collisionAlerts(false)).filter((a) => a.id === alert!.id);
      return done.length === 1 && done;
    });
    expect(closed!.closedAt).not.toBeNull();
  });

  it('on one serial line: tells them apart by their Remote IDs taking turns, and raises the alert until one is gone', async () => {
    const r = await rig(
      'serial',
      [
        { sysid: 1, remoteId: 'JU-SERIAL-A', position: at(PAD) },
        { sysid: 1, remoteId: 'JU-SERIAL-B', position: at(FAR) },
      ],
      { server: { url: server.url, token: ADMIN_TOKEN } },
    );
    await until('the drone on the line identified', () => r.gateway.vehicles.list().some((v) => v.droneId));
    await r.pass(1250);
    const [alert] = await until('the collision alert', async () => {
      const open = await collisionAlerts(true);
      return open.length === 1 && open;
    });
    expect(alert).toMatchObject({ kind: 'id_collision', subjectId: 'test-gw/radio/1/1' });
    expect(alert!.message).toContain('Remote ID JU-SERIAL-');
    expect(alert!.message).toMatch(/JU-SERIAL-A.*JU-SERIAL-B/);

    r.vehicles[1]!.stop();
    await r.pass(11_000);
    await until('the alert closed', async () =>
      (await collisionAlerts(false)).some((a) => a.id === alert!.id && a.closedAt !== null),
    );
  });
});
