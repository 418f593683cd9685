import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../server/auth/principal.ts';
import { loadConfig } from '../../../server/config.ts';
import type { Decision } from '../../../server/flights/service.ts';
import { FlightPlanRequest } from '../../../server/protocol/index.ts';
import { ZONES_LOCK } from '../../../server/store/coordination.ts';
import { stripeWindows } from '../../../server/store/keys-sql.ts';
import { lockForDecision, skyLocks } from '../../../server/store/sky-locks.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { inHours, KAGA, routePlan } from '../../support/plans.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

const OPERATOR: Principal = { subject: 'lock-operator', role: 'operator', drones: [], tokenId: null, expiresAt: null };

/** The same route for a drone of its own, `hours` from now. */
const route = (hours: number) => routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure: inHours(hours) });

/** Advisory locks held or awaited, as one int8 key and mode, by the session `where` picks. */
const ADVISORY = (where: string) => `
  SELECT ((classid::int8 << 32) | objid::int8)::text AS key, mode, granted FROM pg_locks
  WHERE locktype = 'advisory' AND objsubid = 1 AND ${where}`;

describe.each(DATABASE_KINDS)('the arbiter’s sky locks (%s)', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Files a plan as the operator; `inside` runs in its deciding transaction once it is accepted. */
  async function file(req: ReturnType<typeof route>, inside?: () => Promise<void>): Promise<Decision> {
    await server.rights.drones.ensureOwn(req.droneId, OPERATOR);
    return server.flights.create(FlightPlanRequest.parse(req), OPERATOR, {}, inside && (() => inside()));
  }

  /** A decision held open inside its transaction, after its locks, until `release` is called. */
  async function heldOpen(req: ReturnType<typeof route>) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const decision = file(req, async () => {
      entered();
      await gate;
    });
    await inside;
    return { decision, release };
  }

  it('takes the zones lock and each stripe shared, each time bucket of the road exclusively', async () => {
    const decided = await file(route(2));
    if (!decided.accepted) throw new Error(decided.rejection.message);
    const { keys } = await server.flights.skyRoad(decided.plan.id);
    const { stripeResolution, lockBucketMs } = loadConfig({ DATA_DIR: 'memory://' });
    const locks = skyLocks([stripeWindows(keys, stripeResolution)], lockBucketMs);
    expect(locks.shared.length).toBeGreaterThan(0);
    expect(locks.exclusive.length).toBeGreaterThanOrEqual(locks.shared.length);
    const held = await server.db.transaction(async (tx) => {
      await lockForDecision(tx, locks);
      return tx.query<{ key: string; mode: string }>(ADVISORY('pid = pg_backend_pid()'));
    });
    const mode = new Map(held.map((l) => [l.key, l.mode]));
    expect(mode.get(ZONES_LOCK.toString())).toBe('ShareLock');
    for (const k of locks.shared) expect(mode.get(k)).toBe('ShareLock');
    for (const k of locks.exclusive) expect(mode.get(k)).toBe('ExclusiveLock');
    expect(held).toHaveLength(1 + locks.shared.length + locks.exclusive.length);
  });

  it('accepts one of two plans through the same place and time, and the other hours later', async () => {
    const first = route(3);
    expect((await file(first)).accepted).toBe(true);
    const same = await file({ ...route(3), route: first.route });
    expect(same.accepted).toBe(false);
    expect((await file(route(6))).accepted).toBe(true);
  });

  // Only PostgreSQL decides two plans at once: PGlite has one connection, which serialises every decision.
  if (kind === 'postgres') {
    it('decides a plan in other buckets while a decision in the same stripes is open', async () => {
      const open = await heldOpen(route(8));
      // Nothing to wait for: the first decision holds the stripes shared and only its own buckets.
      const later = await file(route(11));
      expect(later.accepted).toBe(true);
      open.release();
      expect((await open.decision).accepted).toBe(true);
    });

    it('makes a plan in the same bucket wait for the open decision, then refuses it: no double booking', async () => {
      const first = route(14);
      const open = await heldOpen(first);
      const rival = file({ ...route(14), route: first.route });
      let settled = false;
      void rival.then(
        () => (settled = true),
        () => (settled = true),
      );
      // The rival is queued behind one of the first decision's locks before the first commits.
      for (;;) {
        const waiting = await server.db.query(ADVISORY('NOT granted'));
        if (waiting.length > 0) break;
        if (settled) {
          open.release();
          throw new Error('the rival was decided without waiting for the open decision');
        }
        await new Promise((r) => setImmediate(r));
      }
      open.release();
      expect((await open.decision).accepted).toBe(true);
      const decided = await rival;
      expect(decided.accepted).toBe(false);
      expect(decided.accepted ? null : decided.rejection.reason).toBe('flight_conflict');
    });
  }
});
