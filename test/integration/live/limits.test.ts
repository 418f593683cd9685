import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../../server/auth/principal.ts';
import { LIMITS } from '../../../server/limits.ts';
import { ManualClock } from '../../support/clock.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';
import { until } from '../gateway/support.ts';

const CAP = 2;

/**
 * Issue 19, item 7: a token holds a bounded number of sockets on an instance (the public: an
 * address does), and a socket a bounded rate of subscriptions; both refusals say which limit.
 */
describe('socket limits', () => {
  const clock = new ManualClock();
  let server: TestServer;
  let operator: string;
  const open: Socket[] = [];

  beforeAll(async () => {
    server = await startTestServer(
      'pglite',
      { SOCKETS_PER_TOKEN: String(CAP), TRUST_PROXY: 'loopback' },
      undefined,
      clock,
    );
    operator = (
      await server.issuer.issue({ subject: 'op-sockets', role: 'operator', ttlSeconds: 3600 }, system('test'))
    ).token;
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await server?.stop();
  });

  const connect = (nsp: '/live' | '/gateway', token: string | null, gatewayId?: string, forwardedFor?: string) =>
    new Promise<{ socket: Socket; error: string | null }>((resolve) => {
      const socket = io(`${server.url}${nsp}`, {
        transports: ['websocket'],
        reconnection: false,
        ...(forwardedFor ? { extraHeaders: { 'x-forwarded-for': forwardedFor } } : {}),
        auth: { ...(token ? { token } : {}), ...(gatewayId ? { gatewayId } : {}) },
      });
      open.push(socket);
      socket.once('connect', () => resolve({ socket, error: null }));
      socket.once('connect_error', (e) => resolve({ socket, error: e.message }));
    });

  it('refuses a token’s socket beyond the limit, on /live and /gateway together, until one closes', async () => {
    const first = await connect('/live', ADMIN_TOKEN);
    const second = await connect('/gateway', ADMIN_TOKEN, 'gw-limits');
    expect([first.error, second.error]).toEqual([null, null]);
    const third = await connect('/live', ADMIN_TOKEN);
    expect(third.error).toMatch(new RegExp(`too many sockets: "admin" already holds ${CAP}`));
    // Another token is not held back by this one.
    expect((await connect('/live', operator)).error).toBeNull();

    first.socket.close();
    await until('a place freed', async () => (await connect('/live', ADMIN_TOKEN)).error === null);
  });

  it('counts the public’s sockets per address', async () => {
    expect((await connect('/live', null)).error).toBeNull();
    expect((await connect('/live', null)).error).toBeNull();
    expect((await connect('/live', null)).error).toMatch(/too many sockets: address \S+ already holds/);
  });

  it('counts the public behind a trusted proxy by the address the proxy forwards', async () => {
    const behind = (client: string) => connect('/live', null, undefined, client);
    expect((await behind('203.0.113.1')).error).toBeNull();
    expect((await behind('203.0.113.1')).error).toBeNull();
    expect((await behind('203.0.113.1')).error).toMatch(/too many sockets: address 203\.0\.113\.1 already holds/);
    expect((await behind('203.0.113.2')).error).toBeNull();
  });

  it('limits how often one socket subscribes, full snapshots counting more, and lets it go on once time has passed', async () => {
    const { socket } = await connect('/live', operator);
    const subscribe = (full: boolean) =>
      socket.emitWithAck('subscribe', { cells: [], full }) as Promise<{ error?: string }>;
    const { subscribeBurst, subscribesPerSecond, fullSnapshotCost } = LIMITS;
    expect((await subscribe(true)).error).toBeUndefined();
    for (let i = fullSnapshotCost; i < subscribeBurst; i++) expect((await subscribe(false)).error).toBeUndefined();
    const refused = await subscribe(false);
    expect(refused.error).toMatch(
      new RegExp(`^subscribe: at most ${subscribeBurst} at once and ${subscribesPerSecond} a second per socket`),
    );
    await clock.advance(1000);
    expect((await subscribe(false)).error).toBeUndefined();
    expect((await subscribe(true)).error).toMatch(/full snapshot counts/);
    await clock.advance((fullSnapshotCost / subscribesPerSecond) * 1000);
    expect((await subscribe(true)).error).toBeUndefined();
  });
});
