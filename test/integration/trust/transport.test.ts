import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../../server/auth/principal.ts';
import type { LiveSnapshot } from '../../../server/protocol/index.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';

/** A GET over HTTPS that trusts only the given certificate. */
function httpsGet(
  url: string,
  ca: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('HTTPS and WSS when a certificate is configured', () => {
  let dir: string;
  let cert: Buffer;
  let server: TestServer;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-tls-'));
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 2 * 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    await fs.writeFile(path.join(dir, 'key.pem'), pems.private);
    await fs.writeFile(path.join(dir, 'cert.pem'), pems.cert);
    cert = await fs.readFile(path.join(dir, 'cert.pem'));
    server = await startTestServer('pglite', {
      TLS_CERT: path.join(dir, 'cert.pem'),
      TLS_KEY: path.join(dir, 'key.pem'),
    });
  });
  afterAll(async () => {
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves the API over HTTPS, telling browsers to insist on it', async () => {
    expect(server.url).toMatch(/^https:\/\//);
    const r = await httpsGet(`${server.url}/api/v1/whoami`, cert);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ role: 'admin' });
    expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('streams the live map over WSS', async () => {
    const socket = io(`${server.url}/live`, {
      transports: ['websocket'],
      ca: cert.toString(),
      auth: { token: ADMIN_TOKEN },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const snapshot = (await socket.emitWithAck('subscribe', { cells: [], full: true })) as LiveSnapshot;
    expect(snapshot.plans).toEqual([]);
    socket.close();
  });
});

describe('headers, origins, body sizes and rate limits', () => {
  let server: TestServer;
  let operator: string;

  beforeAll(async () => {
    server = await startTestServer('pglite', { CORS_ORIGINS: 'https://city.example', RATE_LIMIT_PER_MINUTE: '20' });
    operator = (await server.issuer.issue({ subject: 'op-busy', role: 'operator', ttlSeconds: 600 }, system('test')))
      .token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sends security headers, with a content security policy that keeps the pages to their own server', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('x-powered-by')).toBeNull();
    // Not over plain HTTP: a browser told to insist on HTTPS would lock itself out of a laptop's server.
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('answers cross-origin calls only from the allowed origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/v1/flight-plans`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('https://city.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://city.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const other = await preflight('https://elsewhere.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over the limit with 413 and a message, and stores nothing', async () => {
    const huge = JSON.stringify({ droneId: 'JUHUGE', padding: 'x'.repeat(3_000_000) });
    const res = await fetch(`${server.url}/api/v1/flight-plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: huge,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toMatch(/too large/i);
    expect((await server.api<unknown[]>('GET', '/api/v1/flight-plans')).body).toEqual([]);
  });

  it('limits requests per token with 429 and Retry-After; other tokens go on', async () => {
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${server.url}/api/v1/flight-plans`, {
        headers: { authorization: `Bearer ${operator}` },
      });
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited!.json()) as { message: string }).message).toMatch(/op-busy/);
    const monitor = (await server.issuer.issue({ subject: 'calm', role: 'monitor', ttlSeconds: 600 }, system('test')))
      .token;
    expect(
      (await fetch(`${server.url}/api/v1/flight-plans`, { headers: { authorization: `Bearer ${monitor}` } })).status,
    ).toBe(200);
  });
});
