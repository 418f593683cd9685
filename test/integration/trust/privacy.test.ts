import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../../server/auth/principal.ts';
import type { FlightPlan, LiveSnapshot, Transparency } from '../../../server/protocol/index.ts';
import { fakeGateway, sample } from '../live/support.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { KAGA, inHours, routePlan } from '../../support/plans.ts';
import { registerDrones, startTestServer, type TestServer } from '../../support/server.ts';

const CONTACT = { name: '山田 花子', phone: '+81 761-72-1111', email: 'hanako@drone.example' };

describe.each(DATABASE_KINDS)('privacy and transparency (%s)', (kind) => {
  let server: TestServer;
  let operator: string;
  let other: string;
  let plan: FlightPlan;

  const as = async (token: string | null, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { TELEMETRY_RETENTION_DAYS: '14', AUDIT_RETENTION_DAYS: '400' });
    const issue = async (subject: string) =>
      (await server.issuer.issue({ subject, role: 'operator', ttlSeconds: 3600 }, system('test'))).token;
    operator = await issue('op-hanako');
    other = await issue('op-taro');
    await registerDrones(server, 'op-hanako', 'JUPRIVACY001');
    const filed = await as(operator, '/api/v1/flight-plans', {
      method: 'POST',
      headers: { 'idempotency-key': 'privacy-1' },
      body: JSON.stringify({
        ...routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure: inHours(1), droneId: 'JUPRIVACY001' }),
        purpose: '医薬品配送',
        contact: CONTACT,
      }),
    });
    expect(filed.status).toBe(201);
    plan = filed.body as FlightPlan;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('states what is collected, why, for whom and for how long — the periods in force', async () => {
    const r = await as(null, '/api/v1/transparency');
    expect(r.status).toBe(200);
    const t = r.body as Transparency;
    expect(t.data.length).toBeGreaterThanOrEqual(5);
    for (const d of t.data) {
      expect(d.what && d.purpose && d.retention && d.protection).toBeTruthy();
      expect(d.recipients.length).toBeGreaterThan(0);
    }
    expect(t.data.find((d) => /telemetry/i.test(d.what))!.retention).toBe('14 days');
    expect(t.data.find((d) => /audit/i.test(d.what))!.retention).toBe('400 days');
    expect(t.data.find((d) => /contact/i.test(d.what))!.protection).toMatch(/encrypted/);
  });

  it('keeps the operator’s contact details encrypted at rest, and shows them only to those who may see them', async () => {
    expect(plan.request.contact).toEqual(CONTACT);
    const [row] = await server.db.query<{ request: unknown; contact: Uint8Array | null; text: string }>(
      'SELECT request, contact, flight_plans::text AS text FROM flight_plans WHERE id = $1',
      [plan.id],
    );
    expect(JSON.stringify(row!.request)).not.toContain(CONTACT.email);
    expect(row!.text).not.toContain(CONTACT.email);
    expect(row!.text).not.toContain(CONTACT.phone);
    expect(Buffer.from(row!.contact!).toString('latin1')).not.toContain(CONTACT.email);
    const kept = await server.db.query<{ text: string }>('SELECT idempotency_keys::text AS text FROM idempotency_keys');
    expect(kept.length).toBe(1);
    expect(kept[0]!.text).not.toContain(CONTACT.email);

    expect((await as(operator, `/api/v1/flight-plans/${plan.id}`)).body.request.contact).toEqual(CONTACT);
    expect((await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${plan.id}`)).body.request.contact).toEqual(
      CONTACT,
    );
    for (const token of [other, null]) {
      const seen = await as(token, `/api/v1/flight-plans/${plan.id}`);
      expect(seen.body.anonymous).toBe(true);
      expect(JSON.stringify(seen.body)).not.toContain(CONTACT.email);
    }
  });

  it('shows the public the sky — drones and reserved airspace — without anyone’s identity', async () => {
    const gw = await fakeGateway(server.url, 'gw-privacy');
    await gw.send([
      sample('JUPRIVACY001', KAGA.medicalCenter, {
        remoteId: { operatorId: 'JPN-OP-HANAKO', description: 'Hanako’s drone' },
      }),
    ]);
    gw.close();

    const viewer = io(`${server.url}/live`, { transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      viewer.once('connect', resolve);
      viewer.once('connect_error', reject);
    });
    const snapshot = (await viewer.emitWithAck('subscribe', { cells: [], full: true })) as LiveSnapshot;
    viewer.close();
    const shown = JSON.stringify(snapshot);
    expect(snapshot.plans!.map((p) => p.id)).toContain(plan.id);
    expect(snapshot.alerts).toEqual([]);
    for (const secret of ['op-hanako', CONTACT.email, CONTACT.name, '医薬品配送', 'JPN-OP-HANAKO']) {
      expect(shown).not.toContain(secret);
    }

    const drones = await as(null, '/api/v1/drones');
    const drone = (drones.body as Array<Record<string, unknown>>).find((d) => d['droneId'] === 'JUPRIVACY001')!;
    expect(drone).toMatchObject({ anonymous: true, lat: KAGA.medicalCenter.lat });
    expect(JSON.stringify(drone)).not.toContain('JPN-OP-HANAKO');
    expect(JSON.stringify(drone)).not.toContain('gw-privacy');
    const airspace = await as(null, '/api/v1/airspace?bbox=136.3,36.25,136.4,36.35');
    expect(airspace.body.features.length).toBeGreaterThan(0);
    expect(JSON.stringify(airspace.body)).not.toContain('op-hanako');
  });
});
