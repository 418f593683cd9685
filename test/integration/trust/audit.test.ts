import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../../server/auth/principal.ts';
import type { AuditEntry, FlightPlan } from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { KAGA, inHours, routePlan, squareZone } from '../../support/plans.ts';
import { registerDrones, startTestServer, type TestServer } from '../../support/server.ts';

const DAY = 86_400_000;

describe.each(DATABASE_KINDS)('the audit trail (%s)', (kind) => {
  let server: TestServer;
  let operator: string;
  let monitor: string;
  const started = Date.now();

  const as = async (token: string | null, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const trail = async (query = '') => (await server.api<AuditEntry[]>('GET', `/api/v1/audit?limit=10000${query}`)).body;

  beforeAll(async () => {
    server = await startTestServer(kind);
    const issue = async (role: 'operator' | 'monitor', subject: string) =>
      (await server.issuer.issue({ subject, role, ttlSeconds: 3600 }, system('test'))).token;
    operator = await issue('operator', 'op-audited');
    monitor = await issue('monitor', 'monitor-audited');
    await registerDrones(server, 'op-audited', 'JUAUDIT00001');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('records every write — who, what, when, from where, the outcome — refusals included', async () => {
    const plan = await as(
      operator,
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.cityHall, KAGA.station], { departure: inHours(1), droneId: 'JUAUDIT00001' }),
    );
    expect(plan.status).toBe(201);
    const id = (plan.body as FlightPlan).id;
    expect((await as(operator, 'DELETE', `/api/v1/flight-plans/${id}`)).status).toBe(200);
    expect((await as(null, 'POST', '/api/v1/flight-plans', { droneId: 'x' })).status).toBe(401);
    expect(
      (await as(operator, 'POST', '/api/v1/geofences', squareZone(KAGA.station, 100, { name: 'no' }))).status,
    ).toBe(403);
    const zone = await server.api<{ id: string }>(
      'POST',
      '/api/v1/geofences',
      squareZone(KAGA.station, 100, { name: 'fair' }),
    );
    expect(zone.status).toBe(201);
    expect((await as(monitor, 'POST', '/api/v1/flight-plans/not-a-uuid/end')).status).toBe(403);
    const token = await server.api<{ id: string }>('POST', '/api/v1/tokens', { subject: 'op-new', role: 'operator' });
    expect(token.status).toBe(201);

    const entries = await trail();
    const find = (actor: string, action: string) => entries.filter((e) => e.actor === actor && e.action === action);
    expect(find('op-audited', 'POST /api/v1/flight-plans')).toEqual([
      expect.objectContaining({
        role: 'operator',
        target: id,
        outcome: '201',
        remote: expect.stringMatching(/127\.0\.0\.1/),
      }),
    ]);
    expect(find('op-audited', 'DELETE /api/v1/flight-plans/{id}')).toEqual([
      expect.objectContaining({ target: id, outcome: '200' }),
    ]);
    expect(find('public', 'POST /api/v1/flight-plans')).toEqual([
      expect.objectContaining({ role: 'public', outcome: expect.stringMatching(/^401 .*bearer token/) }),
    ]);
    expect(find('op-audited', 'POST /api/v1/geofences')).toEqual([
      expect.objectContaining({ outcome: expect.stringMatching(/^403 /) }),
    ]);
    expect(find('admin', 'POST /api/v1/geofences')).toEqual([
      expect.objectContaining({
        target: zone.body.id,
        outcome: '201',
        detail: expect.objectContaining({ name: 'fair' }),
      }),
    ]);
    expect(find('admin', 'POST /api/v1/tokens')).toEqual([
      expect.objectContaining({
        target: token.body.id,
        detail: expect.objectContaining({ subject: 'op-new', role: 'operator' }),
      }),
    ]);
    for (const e of entries) {
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(started - 1000);
      expect(Date.parse(e.at)).toBeLessThanOrEqual(Date.now() + 1000);
    }
    // Reads are not writes: the trail holds none.
    expect(entries.some((e) => e.action.startsWith('GET '))).toBe(false);
  });

  it('filters by actor and time, for administrators only', async () => {
    const mine = await trail('&actor=op-audited');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.actor === 'op-audited')).toBe(true);
    expect(await trail(`&to=${new Date(started - DAY).toISOString()}`)).toEqual([]);
    expect((await as(monitor, 'GET', '/api/v1/audit')).status).toBe(403);
    expect((await as(null, 'GET', '/api/v1/audit')).status).toBe(401);
  });

  it('is append-only: the application’s own connection can neither change nor delete an entry', async () => {
    const before = (await trail()).length;
    await expect(server.db.query("UPDATE audit_log SET actor = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(server.db.query('DELETE FROM audit_log')).rejects.toThrow(/cannot be deleted/);
    await expect(server.db.query('TRUNCATE audit_log')).rejects.toThrow(/cannot be truncated/);
    expect((await trail()).length).toBe(before);
  });

  it('purges only what is past its retention, never what is younger than 30 days', async () => {
    const old = new Date(Date.now() - 400 * DAY).toISOString();
    await server.db.query(
      `INSERT INTO audit_log (at, actor, role, action, target, outcome, remote) VALUES ($1, 'ancient', 'admin', 'POST /x', NULL, '201', NULL)`,
      [old],
    );
    const before = await trail();
    expect(before.some((e) => e.actor === 'ancient')).toBe(true);
    await server.audit.purge();
    const after = await trail();
    expect(after.some((e) => e.actor === 'ancient')).toBe(false);
    expect(after.length).toBe(before.length - 1);
  });
});
