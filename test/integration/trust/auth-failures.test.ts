import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, ErrorBody } from '../../../server/protocol/index.ts';
import { ManualClock } from '../../support/clock.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { inHours, KAGA, routePlan } from '../../support/plans.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';
import { until } from '../gateway/support.ts';

const LIMIT = 5;

/**
 * Issue 19, item 7: bad tokens are guesses. Past AUTH_FAILURES_PER_MINUTE failures an address is
 * refused (429, Retry-After) without its tokens being tried, on HTTP and sockets alike; the audit
 * trail gets one row per address and window saying how many, not a row per guess.
 */
describe.each(DATABASE_KINDS)('failed authentication (%s)', (kind) => {
  const clock = new ManualClock();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { AUTH_FAILURES_PER_MINUTE: String(LIMIT) }, undefined, clock);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as ErrorBody };
  };
  const connect = (token: string) =>
    new Promise<string | null>((resolve) => {
      const socket = io(`${server.url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
      socket.once('connect', () => {
        socket.close();
        resolve(null);
      });
      socket.once('connect_error', (e) => {
        socket.close();
        resolve(e.message);
      });
    });
  const plan = () => routePlan([KAGA.cityHall, KAGA.station], { departure: inHours(2, clock.now()) });

  it('refuses an address past the limit with 429 and Retry-After, unverified, and audits it in one row', async () => {
    const started = clock.now();
    for (let i = 0; i < 3; i++)
      expect((await call('POST', '/api/v1/flight-plans', `guess-${i}`, plan())).status).toBe(401);
    expect((await call('GET', '/api/v1/drones', 'guess-3', undefined)).status).toBe(401);
    expect(await connect('guess-4')).toMatch(/unauthorized/);

    // Over the limit now: even the administrator's token is not tried from this address.
    const refused = await call('GET', '/api/v1/whoami', ADMIN_TOKEN);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_requests');
    expect(refused.body.message).toContain(`more than ${LIMIT} failed authentications a minute`);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(await connect(ADMIN_TOKEN)).toMatch(/too many requests/);
    // Without a token nothing is guessed: the public view still answers.
    expect((await call('GET', '/api/v1/transparency', null)).status).toBe(200);

    await clock.advance(61_000);
    expect((await call('GET', '/api/v1/whoami', ADMIN_TOKEN)).status).toBe(200);
    const row = await until('the failed authentications audited', async () => {
      const trail = (await server.api<AuditEntry[]>('GET', `/api/v1/audit?limit=10000`)).body;
      return trail.find((e) => e.action === 'authentication failed');
    });
    expect(row.outcome).toMatch(
      new RegExp(`^401 ${LIMIT} failed authentications from \\S+ in 60 s; 2 more refused unverified \\(429\\)$`),
    );
    expect(row.remote).toBeTruthy();
    expect(row.detail).toMatchObject({
      failures: LIMIT,
      refused: 2,
      from: new Date(started).toISOString(),
      requests: expect.arrayContaining(['POST /api/v1/flight-plans', 'GET /api/v1/drones', 'socket /live']),
    });
    const trail = (await server.api<AuditEntry[]>('GET', `/api/v1/audit?limit=10000`)).body;
    expect(trail.filter((e) => e.action === 'authentication failed')).toHaveLength(1);
    expect(trail.filter((e) => e.action.startsWith('POST /api/v1/flight-plans'))).toEqual([]);
  });
});
