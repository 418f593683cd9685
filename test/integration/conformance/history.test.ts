import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, DroneTrack, Replay } from '../../../server/protocol/index.ts';
import { ManualClock } from '../../support/clock.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../support/databases.ts';
import { KAGA } from '../../support/plans.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { fakeGateway, sample } from '../live/support.ts';
import { until } from './support.ts';

const DAY_MS = 86_400_000;

/** A database that outlives one server: PostgreSQL, or PGlite in a directory. */
async function lastingDatabase(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
  if (kind === 'postgres') return createTestDatabase(kind);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-history-'));
  return { name: 'pglite', url: undefined, dataDir, drop: () => fs.rm(dataDir, { recursive: true, force: true }) };
}

const at = (t: number) => new Date(t).toISOString();
const grounded = { armed: false, altRelative: 0, groundSpeedMps: 0 };

describe.each(DATABASE_KINDS)('telemetry history: replay and retention (%s)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  const now = Date.now();
  const inTown = KAGA.yamashiro;
  const bbox = [inTown.lon - 0.01, inTown.lat - 0.01, inTown.lon + 0.01, inTown.lat + 0.01].join(',');

  beforeAll(async () => {
    database = await lastingDatabase(kind);
    server = await startTestServer(kind, { TELEMETRY_RETENTION_DAYS: '30' }, database);
    const gw = await fakeGateway(server.url, 'gw-history');
    const samples = [];
    for (let i = 0; i < 50; i++) {
      const t = now - 10_000 + i * 200;
      samples.push(sample('JU-REPLAY', { lat: inTown.lat + i * 1e-5, lon: inTown.lon }, { ...grounded, time: at(t) }));
      samples.push(sample('JU-ELSEWHERE', KAGA.katayamazu, { ...grounded, time: at(t) }));
    }
    samples.push(sample('JU-OLD', inTown, { ...grounded, time: at(now - 40 * DAY_MS) }));
    samples.push(sample('JU-OLD', inTown, { ...grounded, time: at(now - 29 * DAY_MS) }));
    samples.sort((a, b) => a.seq - b.seq);
    await gw.send(samples);
    gw.close();
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  const replay = (query: string) => server.api<Replay>('GET', `/api/v1/replay?${query}`);

  it('replays every drone seen in the window and the box, one track each, oldest first', async () => {
    const r = await replay(`from=${at(now - 60_000)}&to=${at(now + 1000)}&bbox=${bbox}&intervalMs=0`);
    expect(r.status).toBe(200);
    expect(r.body.truncated).toBe(false);
    expect(r.body.tracks.map((t) => t.droneId)).toEqual(['JU-REPLAY']);
    const times = r.body.tracks[0]!.points.map((p) => Date.parse(p.time));
    expect(times).toHaveLength(50);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(r.body.tracks[0]!.points[0]).toMatchObject({ gatewayId: 'gw-history', armed: false });

    const everywhere = await replay(`from=${at(now - 60_000)}&to=${at(now + 1000)}&intervalMs=0`);
    expect(everywhere.body.tracks.map((t) => t.droneId)).toEqual(['JU-ELSEWHERE', 'JU-REPLAY']);
  });

  it('thins to one sample per drone per interval, and says when the limit cut it short', async () => {
    const thinned = await replay(`from=${at(now - 60_000)}&to=${at(now + 1000)}&bbox=${bbox}&intervalMs=1000`);
    const points = thinned.body.tracks[0]!.points;
    expect(points.length).toBeGreaterThanOrEqual(10);
    expect(points.length).toBeLessThanOrEqual(11);
    const seconds = points.map((p) => Math.floor(Date.parse(p.time) / 1000));
    expect(new Set(seconds).size).toBe(seconds.length);

    const cut = await replay(`from=${at(now - 60_000)}&to=${at(now + 1000)}&bbox=${bbox}&intervalMs=0&limit=5`);
    expect(cut.body.truncated).toBe(true);
    expect(cut.body.tracks[0]!.points.map((p) => p.time)).toEqual(
      (
        await replay(`from=${at(now - 60_000)}&to=${at(now + 1000)}&bbox=${bbox}&intervalMs=0`)
      ).body.tracks[0]!.points.slice(0, 5).map((p) => p.time),
    );
  });

  it('refuses a bad box, a window the wrong way round or longer than a day, naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['bbox=1,2,3', 'bbox'],
      [`from=${at(now)}&to=${at(now - 1000)}`, 'to'],
      [`from=${at(now + DAY_MS)}`, 'from'],
      [`from=${at(now - 25 * 3_600_000)}&to=${at(now)}`, 'from'],
      ['intervalMs=-1', 'intervalMs'],
    ];
    for (const [query, field] of cases) {
      const r = await server.api<{ issues: Array<{ path: string }> }>('GET', `/api/v1/replay?${query}`);
      expect(r.status, query).toBe(400);
      expect(
        r.body.issues.map((i) => i.path),
        query,
      ).toContain(field);
    }
  });

  it('purges history older than the retention period (at start, then hourly)', async () => {
    const track = async () =>
      (await server.api<DroneTrack>('GET', `/api/v1/drones/JU-OLD/track?from=${at(now - 50 * DAY_MS)}&to=${at(now)}`))
        .body.points;
    expect(await track()).toHaveLength(2);
    await server.stop();
    const clock = new ManualClock(Date.now());
    server = await startTestServer(kind, { TELEMETRY_RETENTION_DAYS: '30' }, database, clock);
    const left = await until('the old sample purged', async () => {
      const points = await track();
      return points.length === 1 && points;
    });
    expect(Date.parse(left[0]!.time)).toBe(now - 29 * DAY_MS);
    // A day and an hour later the other is past 30 days: an hourly purge takes it.
    await clock.advance(DAY_MS + 3_600_000);
    await until('the next sample purged', async () => (await track()).length === 0);
  });

  it('adopts the alerts left open by the previous start and closes them when their condition is over', async () => {
    const gw = await fakeGateway(server.url, 'gw-history');
    await gw.send([sample('JU-RESTART', KAGA.cityHall)]);
    const open = await until('unplanned_flight', async () => {
      const r = await server.api<Alert[]>('GET', '/api/v1/alerts?droneId=JU-RESTART&open=true');
      return r.body.find((a) => a.kind === 'unplanned_flight');
    });
    gw.close();
    await server.stop();
    server = await startTestServer(kind, {}, database);
    const again = await fakeGateway(server.url, 'gw-history');
    await again.send([sample('JU-RESTART', KAGA.cityHall, grounded)]);
    await until('closed by the next start', async () => {
      const r = await server.api<Alert>('GET', `/api/v1/alerts/${open.id}`);
      return r.body.closedAt;
    });
    again.close();
  });
});
