import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuditTrail } from '../audit/trail.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { ErrorBody, IssuedToken, TokenInfo, TokenRequest } from '../protocol/index.ts';
import { openDb } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { TokenIssuer } from './issuer.ts';
import { system } from './principal.ts';
import { loadSecrets } from './secrets.ts';
import { Tokens } from './tokens.ts';
import { systemClock } from '../clock.ts';

const USAGE = `usage:
  npm run token -- --role <operator|monitor|gateway|admin> --sub <subject> [--drones ID,ID|*] [--ttl 30d]
  npm run token -- --list [--sub <subject>]
  npm run token -- --revoke <token id>

Goes through the running server (--server, default http://localhost:$PORT) with the administrator's
token (ADMIN_TOKEN, or the one kept under DATA_DIR); when no server answers, signs with the server's
secret (JWT_SECRET, or the one kept under DATA_DIR) and records the token in the database itself.
Either way the token is recorded, can be revoked, and its issue is in the audit trail.
Prints the token alone on stdout; what it is, on stderr.`;

const TTL = /^(\d+)([smhd])$/;
const UNIT_S = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

function ttlSeconds(text: string): number | null {
  const m = TTL.exec(text);
  return m ? Number(m[1]) * UNIT_S[m[2] as keyof typeof UNIT_S] : null;
}

type Command =
  { kind: 'issue'; request: TokenRequest } | { kind: 'list'; subject?: string } | { kind: 'revoke'; id: string };

function command(values: Record<string, string | boolean | undefined>): Command | string {
  if (values['list']) return { kind: 'list', ...(typeof values['sub'] === 'string' ? { subject: values['sub'] } : {}) };
  if (typeof values['revoke'] === 'string') return { kind: 'revoke', id: values['revoke'] };
  const ttl = ttlSeconds(String(values['ttl'] ?? '30d'));
  if (ttl === null) return '--ttl: a number and a unit, e.g. 3600s, 90m, 12h, 30d';
  const drones = typeof values['drones'] === 'string' ? values['drones'] : undefined;
  const parsed = TokenRequest.safeParse({
    subject: values['sub'],
    role: values['role'],
    ttlSeconds: ttl,
    ...(drones === undefined ? {} : { drones: drones === '*' ? '*' : drones.split(',').map((d) => d.trim()) }),
  });
  if (!parsed.success)
    return parsed.error.issues
      .map((i) => `--${i.path[0] === 'subject' ? 'sub' : String(i.path[0])}: ${i.message}`)
      .join('\n');
  return { kind: 'issue', request: parsed.data };
}

async function adminCredential(config: Config): Promise<string | null> {
  if (config.adminToken) return config.adminToken;
  if (config.dataDir.startsWith('memory://')) return null;
  return fs.readFile(path.join(config.dataDir, 'secrets', 'admin-token'), 'utf8').then(
    (s) => s.trim(),
    () => null,
  );
}

/** Through the running server; null when none answers there. */
async function viaServer(server: string, admin: string, c: Command): Promise<unknown> {
  const [method, url, body] =
    c.kind === 'issue'
      ? ['POST', '/api/v1/tokens', c.request]
      : c.kind === 'list'
        ? ['GET', `/api/v1/tokens${c.subject ? `?subject=${encodeURIComponent(c.subject)}` : ''}`, undefined]
        : ['DELETE', `/api/v1/tokens/${encodeURIComponent(c.id)}`, undefined];
  let res: Response;
  try {
    res = await fetch(`${server}${url}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    return null;
  }
  const json: unknown = await res.json();
  if (!res.ok)
    throw new Error(
      `${server} answered ${res.status}: ${ErrorBody.safeParse(json).data?.message ?? JSON.stringify(json)}`,
    );
  return json;
}

/** With the database itself, as the server would. */
async function direct(config: Config, c: Command): Promise<unknown> {
  const secrets = await loadSecrets({
    ...config.auth,
    adminToken: config.adminToken,
    dataDir: config.dataDir,
    production: config.production,
  });
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const log = createLogger('warn');
  try {
    await migrate(db);
    const issuer = new TokenIssuer({
      db,
      tokens: new Tokens({ secret: secrets.jwtSecret, clock: systemClock }),
      clock: systemClock,
      log,
    });
    const who = system('cli');
    const audit = new AuditTrail({ db, clock: systemClock, log, retentionMs: config.auditRetentionMs });
    if (c.kind === 'list') return await issuer.list(c.subject);
    const done = c.kind === 'issue' ? await issuer.issue(c.request, who) : await issuer.revoke(c.id);
    if (!done) throw new Error(`no token ${c.kind === 'revoke' ? c.id : ''}`);
    await audit.record({
      who,
      action: c.kind === 'issue' ? 'issue token' : 'revoke token',
      target: done.id,
      outcome: 'ok',
      remote: null,
      detail: { subject: done.subject, role: done.role },
    });
    return done;
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      drones: { type: 'string' },
      ttl: { type: 'string' },
      list: { type: 'boolean' },
      revoke: { type: 'string' },
      server: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return (console.error(USAGE), 0);
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return (console.error(err.message), 2);
    throw err;
  }
  const c = command(values);
  if (typeof c === 'string') return (console.error(`${c}\n\n${USAGE}`), 2);

  const server = values.server ?? `http://localhost:${config.port}`;
  const admin = await adminCredential(config);
  const answer = (admin ? await viaServer(server, admin, c) : null) ?? (await direct(config, c));
  if (c.kind === 'list') {
    for (const t of TokenInfo.array().parse(answer)) {
      console.log(
        `${t.id}  ${t.role.padEnd(8)} ${t.subject}  until ${t.expiresAt}${t.revokedAt ? `  revoked ${t.revokedAt}` : ''}`,
      );
    }
  } else if (c.kind === 'issue') {
    const t = IssuedToken.parse(answer);
    console.error(`${t.role} token for "${t.subject}", id ${t.id}, valid until ${t.expiresAt}`);
    console.log(t.token);
  } else {
    const t = TokenInfo.parse(answer);
    console.error(`revoked ${t.id} (${t.role} "${t.subject}") at ${t.revokedAt}`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message ?? err);
    process.exit(1);
  },
);
