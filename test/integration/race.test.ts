import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { inHours, KAGA, routePlan } from '../support/plans.ts';
import { postJson, spawnServer, type ServerProcess } from '../support/process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Pairs of live keys of different plans on the same cell whose bands and times overlap. */
const OVERLAPPING_KEYS = `
  WITH k AS (
    SELECT r.plan_id, u.* FROM sky_roads r, unnest(r.cells, r.band_lo, r.band_hi, r.t0, r.t1) AS u(cell, lo, hi, t0, t1))
  SELECT count(*)::int AS n FROM k a JOIN k b
    ON a.cell = b.cell AND a.plan_id < b.plan_id AND a.lo <= b.hi AND b.lo <= a.hi AND a.t0 < b.t1 AND b.t0 < a.t1`;

/** 100 plans for the same route and time: every pair conflicts. */
const contenders = (departure: string) =>
  Array.from({ length: 100 }, (_, i) =>
    routePlan([KAGA.medicalCenter, KAGA.yamashiro], { departure, droneId: `JU-RACE-${i}` }),
  );

describe.skipIf(!POSTGRES_URL)('two server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // Started one after the other so the migration runs once; both then serve the same database.
    servers = [await spawnServer({ DATABASE_URL: database.url! }), await spawnServer({ DATABASE_URL: database.url! })];
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('accept exactly one of 100 concurrent pairwise-conflicting plans, and no two live keys overlap', async () => {
    const results = await Promise.all(
      contenders(inHours(2)).map((plan, i) => postJson(`${servers[i % 2]!.url}/api/v1/flight-plans`, plan)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query(OVERLAPPING_KEYS)).rows[0].n).toBe(0);
      expect(
        (await client.query("SELECT count(*)::int AS n FROM flight_plans WHERE state = 'Accepted'")).rows[0].n,
      ).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('accept all of 60 concurrent plans that do not conflict, split across the instances', async () => {
    const plans = Array.from({ length: 60 }, (_, i) =>
      routePlan([KAGA.cityHall, KAGA.katayamazu], { departure: inHours(4 + i * 0.25), droneId: `JU-FREE-${i}` }),
    );
    const results = await Promise.all(plans.map((p, i) => postJson(`${servers[i % 2]!.url}/api/v1/flight-plans`, p)));
    expect(results.map((r) => r.status)).toEqual(plans.map(() => 201));
  });
});

describe('one embedded (PGlite) server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('accepts exactly one of 100 concurrent pairwise-conflicting plans', async () => {
    const results = await Promise.all(
      contenders(inHours(2)).map((plan) => server.api('POST', '/api/v1/flight-plans', plan)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(99);
  });
});
