import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../server/protocol/index.ts';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../../support/databases.ts';
import { KAGA } from '../../support/plans.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';
import { fakeGateway, sample } from '../live/support.ts';
import { until } from './support.ts';

describe.skipIf(!POSTGRES_URL)('alerts across two server instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    a = await startTestServer('postgres', {}, database);
    b = await startTestServer('postgres', {}, database);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('an alert raised on one instance reaches the other’s map, and so does its acknowledgement', async () => {
    const mapOfB: Alert[] = [];
    const viewer = io(`${b.url}/live`, { transports: ['websocket'], auth: { token: ADMIN_TOKEN } });
    viewer.on('alert', (x: Alert) => mapOfB.push(x));
    await new Promise<void>((resolve, reject) => {
      viewer.once('connect', resolve);
      viewer.once('connect_error', reject);
    });
    const heardOnA: Alert[] = [];
    a.alertEvents.on('alert', (x) => heardOnA.push(x));

    const gw = await fakeGateway(a.url, 'gw-a');
    await gw.send([sample('JU-TWO', KAGA.medicalCenter)]);
    const raised = await until('the alert on B’s map', () => mapOfB.find((x) => x.kind === 'unplanned_flight'));
    expect(raised).toMatchObject({ droneId: 'JU-TWO', closedAt: null, acknowledgedAt: null });

    expect((await b.api('POST', `/api/v1/alerts/${raised.id}/ack`)).status).toBe(200);
    await until('the acknowledgement heard on A', () =>
      heardOnA.some((x) => x.id === raised.id && x.acknowledgedBy === 'admin'),
    );
    viewer.close();
    gw.close();
  });

  it('one open alert per condition, whichever instance sees the drone', async () => {
    const gwA = await fakeGateway(a.url, 'gw-a2');
    const gwB = await fakeGateway(b.url, 'gw-b2');
    await Promise.all([gwA.send([sample('JU-BOTH', KAGA.station)]), gwB.send([sample('JU-BOTH', KAGA.station)])]);
    await until('both instances checked the drone', async () => {
      const r = await a.api<Alert[]>('GET', '/api/v1/alerts?droneId=JU-BOTH');
      return r.body.length > 0;
    });
    await gwB.send([sample('JU-BOTH', KAGA.station)]);
    await gwA.send([sample('JU-BOTH', KAGA.station)]);
    const r = await b.api<Alert[]>('GET', '/api/v1/alerts?droneId=JU-BOTH&kind=unplanned_flight');
    expect(r.body).toHaveLength(1);
    gwA.close();
    gwB.close();
  });
});
