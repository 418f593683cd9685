import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedToken, TokenInfo, WhoAmI } from '../../../server/protocol/index.ts';
import { until } from '../gateway/support.ts';
import { ManualClock } from '../../support/clock.ts';
import { POSTGRES_URL } from '../../support/databases.ts';
import { spawnServer } from '../../support/process.ts';
import { ADMIN_TOKEN, startTestServer, startTwoInstances, type TestServer } from '../../support/server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const whoami = async (url: string, token: string) => {
  const res = await fetch(`${url}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as WhoAmI & { message?: string } };
};

/** `npm run token -- …` as a child process: its stdout (the token) and stderr. */
function tokenCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/auth/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', GEOFENCES_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out: out.trim(), err })));
}

describe('bearer tokens', () => {
  let server: TestServer;
  const clock = new ManualClock();

  beforeAll(async () => {
    server = await startTestServer('pglite', {}, undefined, clock);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('an administrator issues one; it identifies its holder until it is revoked', async () => {
    const issued = await server.api<IssuedToken>('POST', '/api/v1/tokens', {
      subject: 'op-7',
      role: 'operator',
      ttlSeconds: 3600,
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ subject: 'op-7', role: 'operator', issuedBy: 'admin', revokedAt: null });
    expect((await whoami(server.url, issued.body.token)).body).toMatchObject({ subject: 'op-7', role: 'operator' });

    const listed = await server.api<TokenInfo[]>('GET', '/api/v1/tokens?subject=op-7');
    expect(listed.body.map((t) => t.id)).toEqual([issued.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.token);

    expect((await server.api('DELETE', `/api/v1/tokens/${issued.body.id}`)).status).toBe(200);
    const refused = await whoami(server.url, issued.body.token);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
  });

  it('an expired token is refused, not taken for the public', async () => {
    const issued = await server.api<IssuedToken>('POST', '/api/v1/tokens', {
      subject: 'short',
      role: 'monitor',
      ttlSeconds: 60,
    });
    expect((await whoami(server.url, issued.body.token)).status).toBe(200);
    await clock.advance(120_000);
    const r = await whoami(server.url, issued.body.token);
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/exp/);
  });

  it('a forged or tampered token is refused', async () => {
    const issued = await server.api<IssuedToken>('POST', '/api/v1/tokens', { subject: 'op-8', role: 'operator' });
    const [h, p, s] = issued.body.token.split('.');
    const promoted = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    expect((await whoami(server.url, `${h}.${promoted}.${s}`)).status).toBe(401);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await whoami(server.url, unsigned)).status).toBe(401);
    expect((await whoami(server.url, 'not a token')).status).toBe(401);
  });
});

describe('npm run token', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-token-cli-'));
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('issues through the running server, or with the database itself when none answers; either token works', async () => {
    // No server: the CLI signs with the secret kept under DATA_DIR and records the token itself.
    const offline = await tokenCli(['--role', 'monitor', '--sub', 'screen-1', '--ttl', '2h'], {
      DATA_DIR: dataDir,
      PORT: '1',
    });
    expect(offline.code).toBe(0);
    expect(offline.err).toMatch(/monitor token for "screen-1"/);

    const server = await spawnServer({ DATA_DIR: dataDir });
    try {
      expect((await whoami(server.url, offline.out)).body).toMatchObject({ subject: 'screen-1', role: 'monitor' });
      const port = new URL(server.url).port;
      const online = await tokenCli(['--role', 'gateway', '--sub', 'gs-3', '--drones', 'JU1,JU2'], {
        DATA_DIR: dataDir,
        PORT: port,
        ADMIN_TOKEN,
      });
      expect(online.code).toBe(0);
      expect((await whoami(server.url, online.out)).body).toMatchObject({
        subject: 'gs-3',
        role: 'gateway',
        drones: ['JU1', 'JU2'],
      });
      const listed = await tokenCli(['--list'], { DATA_DIR: dataDir, PORT: port, ADMIN_TOKEN });
      expect(listed.out).toMatch(/monitor\s+screen-1/);
      expect(listed.out).toMatch(/gateway\s+gs-3/);
      const bad = await tokenCli(['--role', 'pilot', '--sub', 'x'], { DATA_DIR: dataDir, PORT: port, ADMIN_TOKEN });
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/--role/);
    } finally {
      await server.stop();
    }
  });
});

describe('the embedded server’s administrator', () => {
  it('gets a token on first start, printed once and kept under DATA_DIR; the same one after a restart', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-admin-'));
    try {
      const first = await spawnServer({ DATA_DIR: dataDir, ADMIN_TOKEN: undefined });
      const kept = path.join(dataDir, 'secrets', 'admin-token');
      let token: string;
      try {
        await until('the token printed', () => first.output.some((l) => l.includes('Administrator token')));
        token = (await fs.readFile(kept, 'utf8')).trim();
        expect(first.output.join('\n')).toContain(token);
        expect((await fs.stat(kept)).mode & 0o777).toBe(0o600);
        expect((await whoami(first.url, token)).body).toMatchObject({ subject: 'admin', role: 'admin' });
      } finally {
        await first.stop();
      }
      const second = await spawnServer({ DATA_DIR: dataDir, ADMIN_TOKEN: undefined });
      try {
        expect((await whoami(second.url, token)).body.role).toBe('admin');
        expect(second.output.join('\n')).not.toContain(token);
      } finally {
        await second.stop();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('with NODE_ENV=production, refuses to start on a missing or placeholder secret', async () => {
    for (const secret of [undefined, 'change-me-change-me-change-me-change-me']) {
      const started = spawnServer({
        DATA_DIR: 'memory://',
        NODE_ENV: 'production',
        JWT_SECRET: secret,
        DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
        ADMIN_TOKEN: undefined,
      });
      await expect(started).rejects.toThrow(/JWT_SECRET/);
    }
  });
});

describe.skipIf(!POSTGRES_URL)('revocation across instances on one PostgreSQL', () => {
  let cluster: Awaited<ReturnType<typeof startTwoInstances>>;
  beforeAll(async () => {
    cluster = await startTwoInstances();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a token revoked on one instance is refused by the other', async () => {
    const { a, b } = cluster;
    const issued = await a.api<IssuedToken>('POST', '/api/v1/tokens', { subject: 'op-9', role: 'operator' });
    expect((await whoami(b.url, issued.body.token)).status).toBe(200);
    expect((await a.api('DELETE', `/api/v1/tokens/${issued.body.id}`)).status).toBe(200);
    await until('the revocation heard on B', async () => (await whoami(b.url, issued.body.token)).status === 401);
  });
});
