import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts } from '../../../server/store/alerts.ts';
import { cellSlotUse } from '../../../server/store/capacity.ts';
import { openDb, type Db, type Queryable } from '../../../server/store/db.ts';
import { migrate } from '../../../server/store/migrate.ts';
import { listPlans, livePlanKeys } from '../../../server/store/plans.ts';
import { historySamples, purgeSamplesBefore } from '../../../server/store/telemetry-history.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../support/databases.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MIGRATIONS = path.resolve(HERE, '../../../server/store/migrations');
const FROM = Date.parse('2026-12-04T00:00:00Z');
const TO = FROM + 3_600_000;
const BBOX: [number, number, number, number] = [136.2, 36.2, 136.5, 36.4];
const PLAN = '6f1c1a56-3f5e-4b7e-9a55-1d0f6c2f7a10';

/**
 * The statements the store builds from a request's filters, each shape once, as they reach the
 * database. The committed file beside this test lets a reviewer read every variant a change to a
 * builder makes (update it with `npx vitest run -u`); running them on each database shows they are
 * valid there.
 */
const calls: Array<[string, (q: Queryable) => Promise<unknown>]> = [
  ['listPlans: no filter', (q) => listPlans(q, { limit: 100 })],
  [
    'listPlans: every filter',
    (q) =>
      listPlans(q, {
        states: ['Accepted', 'Activated'],
        from: FROM,
        to: TO,
        bbox: BBOX,
        droneId: 'JU0123456789',
        owner: 'op-1',
        limit: 100,
      }),
  ],
  ['listPlans: time window of one operator', (q) => listPlans(q, { from: FROM, to: TO, owner: 'op-1', limit: 10 })],
  ['livePlanKeys: every live plan', (q) => livePlanKeys(q)],
  ['livePlanKeys: some', (q) => livePlanKeys(q, [PLAN])],
  ['listAlerts: no filter', (q) => listAlerts(q, { limit: 50 })],
  ['listAlerts: open ones of a drone', (q) => listAlerts(q, { open: true, droneId: 'JU0123456789', limit: 50 })],
  [
    'listAlerts: every filter',
    (q) =>
      listAlerts(q, {
        open: false,
        since: FROM,
        droneId: 'JU0123456789',
        kind: 'geofence_breach',
        owner: 'op-1',
        limit: 50,
      }),
  ],
  [
    'historySamples: every sample',
    (q) => historySamples(q, { from: FROM, to: TO, bbox: null, intervalMs: 0, limit: 1000 }),
  ],
  [
    'historySamples: thinned, in a box',
    (q) => historySamples(q, { from: FROM, to: TO, bbox: BBOX, intervalMs: 1000, limit: 1000 }),
  ],
  ['purgeSamplesBefore', (q) => purgeSamplesBefore(q, FROM, 5000)],
  ['cellSlotUse', (q) => cellSlotUse(q, BBOX, { from: FROM, to: TO, slotMs: 900_000 }, 8, 10_000)],
];

/** One statement as a reviewer reads it: each line trimmed, blank lines dropped. */
const tidy = (sql: string) =>
  sql
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');

describe.each(DATABASE_KINDS)('the statements the store builds (%s)', (kind) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir });
    await migrate(db, MIGRATIONS);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('run, and are the ones committed in built-statements.sql', async () => {
    const out: string[] = [];
    for (const [name, call] of calls) {
      const recorded: string[] = [];
      await call({ query: (sql, params) => (recorded.push(tidy(sql)), db.query(sql, params)) });
      out.push(`-- ${name}\n${recorded.join(';\n')};\n`);
    }
    await expect(out.join('\n')).toMatchFileSnapshot('./built-statements.sql');
  });
});
