import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.ts';
import { loadConfig } from '../../../server/config.ts';
import { AirspaceEvents } from '../../../server/events.ts';
import { AirspaceMirror } from '../../../server/flights/mirror.ts';
import { holdsAt } from '../../../server/geofences/check.ts';
import { makeDatum } from '../../../server/geofences/datum.ts';
import { createLogger } from '../../../server/log.ts';
import { openDb, type Db } from '../../../server/store/db.ts';
import { beginZoneChange, insertZone } from '../../../server/store/geofences.ts';
import { migrate } from '../../../server/store/migrate.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../support/databases.ts';
import { inlineCompilers } from '../../../server/workers/compilers.ts';
import { loggedBackground } from '../../../server/background.ts';

const DAY = 86_400_000;
const HORIZON = 30 * DAY;
const centre = { lat: 36.317, lon: 136.345 };

describe.each(DATABASE_KINDS)("a scheduled zone's windows keep ahead of the planning horizon on %s", (kind) => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('applies each weekday morning, as far ahead as plans may be filed, however long the server runs', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const config = loadConfig({});
    const mirror = new AirspaceMirror({
      db,
      compilers: inlineCompilers({ datum: makeDatum(0), params: config.airspace }),
      log: createLogger('silent'),
      background: loggedBackground(createLogger('silent')),
      events: new AirspaceEvents(),
      clock: { ...systemClock, now: () => now },
      horizonMs: HORIZON,
    });
    const d = 0.002;
    const revision = await db.transaction(async (tx) => {
      const r = await beginZoneChange(tx, 'school-run');
      await insertZone(
        tx,
        {
          id: '0b6e3d2c-6a43-4d8e-9a57-8c1f4e2b7a10',
          name: 'school run',
          kind: 'prohibited',
          lower: { value: 0, reference: 'AGL' },
          upper: { value: 150, reference: 'AGL' },
          validFrom: null,
          validTo: null,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [centre.lon - d, centre.lat - d],
                [centre.lon + d, centre.lat - d],
                [centre.lon + d, centre.lat + d],
                [centre.lon - d, centre.lat + d],
                [centre.lon - d, centre.lat - d],
              ],
            ],
          },
          properties: {
            schedule: {
              timeZone: 'Asia/Tokyo',
              periods: [{ daily: [{ days: ['MON'], start: '07:00', end: '09:00' }] }],
            },
          },
          origin: 'api',
          createdBy: 'test',
        },
        now,
      );
      return r;
    });
    await mirror.syncZones(db, revision);
    const heldAt = (iso: string) =>
      holdsAt(mirror.index, { ...centre, altW84: 100, t: Date.parse(iso) }, config.airspace).zones.length > 0;

    // Mondays 07:00–09:00 in Tokyo are 22:00–24:00Z on Sundays.
    expect(heldAt('2026-12-06T22:30:00Z')).toBe(true); // Monday 07:30 JST
    expect(heldAt('2026-12-07T22:30:00Z')).toBe(false); // Tuesday
    expect(heldAt('2026-12-27T22:30:00Z')).toBe(true); // four weeks ahead

    // Two months on, with no change of zones: a plan filed then for 29 days ahead still meets it.
    now += 60 * DAY;
    await mirror.syncZones(db, revision);
    expect(heldAt('2027-02-28T22:30:00Z')).toBe(true); // Monday 2027-03-01 07:30 JST, 28 days after "now"
    expect(heldAt('2027-03-01T22:30:00Z')).toBe(false);
    await mirror.stop();
  });
});
