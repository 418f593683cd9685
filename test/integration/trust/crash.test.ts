import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlightPlanRequestInput } from '../../../server/protocol/index.ts';
import { openDb, type Queryable } from '../../../server/store/db.ts';
import { createTestDatabase, DATABASE_KINDS } from '../../support/databases.ts';
import { inHours, KAGA, routePlan } from '../../support/plans.ts';
import { requestJson, spawnServer, type ServerProcess } from '../../support/process.ts';
import { freePort } from '../gateway/support.ts';

const REQUESTS = 200;
const AT_ONCE = 4;
/**
 * The server is killed each time this many more answers have come, so that requests are in flight.
 * Only now and then does one die between its commit and its answer — the case a retry must not
 * file twice — so it is killed again, up to MAX_KILLS times, until that has happened twice.
 */
const KILL_EVERY = 40;
const MAX_KILLS = 3;
/** Four altitudes whose bands never meet: a plan shares airspace only with its twin (below). */
const ALTITUDES = [30, 60, 90, 120];

const LIVE = "('Accepted', 'Activated', 'Nonconforming', 'Contingent')";

/** Each a count that must be 0 in a database where every plan is whole. */
const INTEGRITY = {
  orphanRoads: `SELECT count(*)::int AS n FROM sky_roads r
    WHERE NOT EXISTS (SELECT 1 FROM flight_plans p WHERE p.id = r.plan_id AND p.state IN ${LIVE})`,
  orphanStripes: `SELECT count(*)::int AS n FROM sky_road_stripes s
    WHERE NOT EXISTS (SELECT 1 FROM flight_plans p WHERE p.id = s.plan_id AND p.state IN ${LIVE})`,
  plansWithoutOneRoad: `SELECT count(*)::int AS n FROM flight_plans p
    WHERE p.state IN ${LIVE} AND (SELECT count(*) FROM sky_roads r WHERE r.plan_id = p.id) <> 1`,
  plansWithoutStripes: `SELECT count(*)::int AS n FROM flight_plans p
    WHERE p.state IN ${LIVE} AND NOT EXISTS (SELECT 1 FROM sky_road_stripes s WHERE s.plan_id = p.id)`,
  roadsShortOfTheirKeys: `SELECT count(*)::int AS n FROM flight_plans p JOIN sky_roads r ON r.plan_id = p.id
    WHERE cardinality(r.cells) <> (p.sky_road->>'keyCount')::int`,
};

interface Reply {
  status: number;
  body: any;
  replayed: boolean;
}

interface Attempt {
  key: string;
  body: FlightPlanRequestInput;
  /** Request i + 1 of a pair files the same airspace at the same time as request i. */
  twinOf: number | null;
  /** The answer the stream got, unless the server died first. */
  answer?: Reply;
  /** Why no answer came: the connection died with the server. */
  lost?: string;
  /** The plan the server had stored for a lost request when it came back. */
  committed?: string;
}

/** Every tenth request is the twin of the one before it: of each pair one is accepted, the other refused (409). */
function stream(now: number): Attempt[] {
  return Array.from({ length: REQUESTS }, (_, i) => {
    const twin = i % 10 === 9;
    const slot = twin ? i - 1 : i;
    return {
      key: randomUUID(),
      twinOf: twin ? i - 1 : null,
      body: {
        ...routePlan([KAGA.medicalCenter, KAGA.station], {
          departure: inHours(1 + slot * 0.05, now),
          altitude: ALTITUDES[slot % ALTITUDES.length]!,
          droneId: `JU-CRASH-${String(i).padStart(4, '0')}`,
        }),
        // The kept answers carry it sealed: they must still open after the restart.
        contact: { name: `Operator ${i}`, phone: `+81 761 00 ${String(i).padStart(4, '0')}` },
      },
    };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function file(url: string, a: Attempt, body: unknown = a.body): Promise<Reply> {
  const r = await requestJson('POST', `${url}/api/v1/flight-plans`, body, { 'idempotency-key': a.key });
  return { status: r.status, body: r.body, replayed: r.headers.get('idempotent-replayed') === 'true' };
}

/** Runs `task` over `items`, AT_ONCE at a time, until done or `stop()` says so. */
async function pool<T>(items: T[], task: (item: T) => Promise<void>, stop: () => boolean = () => false) {
  let next = 0;
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < items.length && !stop()) await task(items[next++]!);
    }),
  );
}

describe.each(DATABASE_KINDS)('the server killed (SIGKILL) in a stream of plan requests (%s)', (kind) => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('keeps every plan it answered 201, only whole plans, and one answer per Idempotency-Key', async () => {
    const database = await createTestDatabase(kind);
    cleanup.push(() => database.drop());
    // For PostgreSQL too: the key that seals the kept answers lives there and must outlive the crash.
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-crash-'));
    cleanup.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const env = {
      // The same URL after a restart, as a retrying client expects.
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
      // One token files and reads well over the default budget of a minute here.
      RATE_LIMIT_PER_MINUTE: '0',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    let server: ServerProcess = await spawnServer(env);
    cleanup.push(() => server.stop('SIGKILL'));
    const { url } = server;

    const attempts = stream(Date.now());
    let answers = 0;
    let kills = 0;
    // The stream goes on across the crashes: after a restart the client files what it had not sent
    // yet; what died in flight it retries at the end.
    for (;;) {
      const killAt = kills < MAX_KILLS && attempts.filter((a) => a.committed).length < 2 ? answers + KILL_EVERY : null;
      let killed: Promise<number | null> | undefined;
      let down = false;
      await pool(
        attempts.filter((a) => !a.answer && !a.lost),
        async (a) => {
          try {
            a.answer = await file(url, a);
            // An answer always comes at the same point of the server's work; a few random
            // milliseconds more land the kill anywhere, between a commit and its answer too.
            if (++answers === killAt) killed = sleep(Math.random() * 15).then(() => server.stop('SIGKILL'));
          } catch (err) {
            a.lost = String((err as Error).cause ?? err);
            // A client that sees the server gone stops filing until it is back.
            down = true;
          }
        },
        () => down,
      );
      if (!killed) break;
      expect(await killed).toBeNull();
      kills++;
      server = await spawnServer(env);
      expect(server.url).toBe(url);
      const stored = await requestJson('GET', `${url}/api/v1/flight-plans?limit=1000`);
      const byDrone = new Map((stored.body as Array<{ id: string; droneId: string }>).map((p) => [p.droneId, p.id]));
      for (const a of attempts) if (a.lost) a.committed = byDrone.get(a.body.droneId as string);
    }
    const answered = attempts.filter((a) => a.answer);
    const lost = attempts.filter((a) => !a.answer);
    expect(kills).toBeGreaterThan(0);
    expect(lost.length).toBeGreaterThanOrEqual(kills);
    expect(lost.every((a) => a.lost)).toBe(true);
    expect(new Set(answered.map((a) => a.answer!.status))).toEqual(new Set([201, 409]));

    // 1. Every plan answered 201 is there, as it was answered.
    for (const a of answered.filter((a) => a.answer!.status === 201)) {
      const r = await requestJson('GET', `${url}/api/v1/flight-plans/${a.answer!.body.id}`);
      expect(r.status, `plan ${a.answer!.body.id}, answered 201`).toBe(200);
      expect(r.body).toMatchObject({ state: 'Accepted', version: a.answer!.body.version });
    }

    // 3. The same key and body get the first answer again; a request that died gets what the
    // server committed before dying, or a decision of its own.
    const retried = new Map<Attempt, Reply>();
    await pool(attempts, async (a) => void retried.set(a, await file(url, a)));
    for (const a of answered) {
      const r = retried.get(a)!;
      expect(r.replayed, `key ${a.key}, answered ${a.answer!.status}`).toBe(true);
      expect({ status: r.status, body: r.body }).toEqual({ status: a.answer!.status, body: a.answer!.body });
    }
    for (const a of lost) {
      const r = retried.get(a)!;
      if (a.committed) {
        expect(r, `key ${a.key}: its plan was stored before the crash`).toMatchObject({
          status: 201,
          replayed: true,
          body: { id: a.committed },
        });
      } else expect([201, 409]).toContain(r.status);
    }
    // A decision the retry made is kept in turn.
    for (const a of lost.filter((a) => !retried.get(a)!.replayed)) {
      const again = await file(url, a);
      expect(again.replayed).toBe(true);
      expect({ status: again.status, body: again.body }).toEqual({
        status: retried.get(a)!.status,
        body: retried.get(a)!.body,
      });
    }

    // 4. The same key with another request is refused, and files nothing.
    for (const a of [answered[0]!, answered.find((a) => a.answer!.status === 409)!, lost[0]!]) {
      const r = await file(url, a, { ...a.body, droneId: 'JU-CRASH-OTHER' });
      expect(r.status).toBe(422);
      expect(r.body.message).toMatch(/Idempotency-Key/);
    }

    // Of each pair exactly one flies, and every other plan too: a key filed twice would leave a
    // second plan, or get a refusal from its own first one.
    for (const [i, a] of attempts.entries()) {
      if (a.twinOf === null) continue;
      const flying = [attempts[a.twinOf]!, a].filter((t) => retried.get(t)!.status === 201);
      expect(flying, `pair ${a.twinOf}/${i}`).toHaveLength(1);
    }
    const accepted = attempts.filter((a) => retried.get(a)!.status === 201);
    expect(accepted).toHaveLength(REQUESTS - REQUESTS / 10);
    const acceptedIds = accepted.map((a) => retried.get(a)!.body.id as string);
    expect(new Set(acceptedIds).size).toBe(acceptedIds.length);

    // 2. Every stored plan is one a key was answered with, and whole.
    const listed = await requestJson('GET', `${url}/api/v1/flight-plans?limit=1000`);
    expect(listed.status).toBe(200);
    const plans = listed.body as Array<{ id: string; state: string; skyRoad: { keyCount: number } }>;
    expect(plans.map((p) => p.id).sort()).toEqual([...acceptedIds].sort());
    for (const p of plans) {
      expect(p.state).toBe('Accepted');
      const road = await requestJson('GET', `${url}/api/v1/flight-plans/${p.id}/sky-road`);
      expect(road.status).toBe(200);
      expect(road.body.features, `the sky road of ${p.id}`).toHaveLength(p.skyRoad.keyCount);
    }

    // The embedded database is one process's: the server must be gone before the test opens it.
    expect(await server.stop('SIGTERM')).toBe(0);
    const counts = await inDatabase(database.url, dataDir, async (q) => {
      const n: Record<string, number> = {};
      for (const [name, sql] of Object.entries(INTEGRITY)) n[name] = (await q.query<{ n: number }>(sql))[0]!.n;
      const [row] = await q.query<{ plans: number; drones: number; keys: number }>(
        `SELECT (SELECT count(*)::int FROM flight_plans) AS plans,
           (SELECT count(DISTINCT drone_id)::int FROM flight_plans) AS drones,
           (SELECT count(*)::int FROM idempotency_keys) AS keys`,
      );
      return { ...n, ...row! };
    });
    expect(counts).toEqual({
      ...Object.fromEntries(Object.keys(INTEGRITY).map((name) => [name, 0])),
      plans: acceptedIds.length,
      drones: acceptedIds.length,
      keys: REQUESTS,
    });
  });
});

/** Runs `fn` on the server's database: PostgreSQL through pg, or the embedded one's directory. */
async function inDatabase<T>(url: string | undefined, dataDir: string, fn: (q: Queryable) => Promise<T>): Promise<T> {
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await fn({ query: async (sql, params) => (await client.query(sql, params as unknown[])).rows });
    } finally {
      await client.end();
    }
  }
  const db = await openDb({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
