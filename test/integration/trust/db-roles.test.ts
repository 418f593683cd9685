import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, FlightPlan } from '../../../server/protocol/index.ts';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../../support/databases.ts';
import { inHours, KAGA, routePlan } from '../../support/plans.ts';
import { SHARED_SECRETS, startTestServer, type TestServer } from '../../support/server.ts';

/** Runs one statement as the cluster's superuser (roles are cluster-wide, so each test names its own). */
async function asSuperuser(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Issue 19, item 7: the server connects as a role that cannot switch the audit trail's guards
 * off; the tables' owner, named by MIGRATION_DATABASE_URL, migrates and grants it its rights.
 * (PGlite has one user, so there is nothing to separate: the README says so.)
 */
describe.skipIf(!POSTGRES_URL)('the server’s database role (PostgreSQL)', () => {
  const role = `soramichi_app_${randomBytes(5).toString('hex')}`;
  let database: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await asSuperuser(`CREATE ROLE ${role} LOGIN`);
    const app = new URL(database.url!);
    app.username = role;
    server = await startTestServer(
      'postgres',
      { DATABASE_URL: app.toString(), MIGRATION_DATABASE_URL: database.url! },
      database,
    );
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    await asSuperuser(`DROP ROLE IF EXISTS ${role}`);
  });

  it('connects as its own role, which cannot disable, drop or bypass the audit triggers', async () => {
    const [me] = await server.db.query<{ role: string }>('SELECT current_user AS role');
    expect(me!.role).toBe(role);
    for (const attempt of [
      'ALTER TABLE audit_log DISABLE TRIGGER ALL',
      'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only',
      'DROP TRIGGER audit_log_append_only ON audit_log',
      'DROP TRIGGER audit_log_no_truncate ON audit_log',
      'DROP FUNCTION audit_log_guard() CASCADE',
      'DROP TABLE audit_log',
      'ALTER TABLE audit_log RENAME TO audit_log_old',
      'TRUNCATE audit_log',
      "UPDATE audit_log SET outcome = 'nothing happened'",
      'SET session_replication_role = replica',
      'CREATE TABLE evidence_elsewhere (id int)',
    ]) {
      await expect(server.db.query(attempt), attempt).rejects.toThrow(/must be owner|permission denied/);
    }
  });

  it('still does everything the service does: plans, tokens, the audit trail', async () => {
    const filed = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.cityHall, KAGA.station], { departure: inHours(1), droneId: 'JUROLEDB00001' }),
    );
    expect(filed.status).toBe(201);
    expect((await server.api('POST', `/api/v1/flight-plans/${filed.body.id}/activate`)).status).toBe(200);
    expect((await server.api('POST', '/api/v1/tokens', { subject: 'op-db', role: 'operator' })).status).toBe(201);
    const trail = (await server.api<AuditEntry[]>('GET', '/api/v1/audit?limit=100')).body;
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['POST /api/v1/flight-plans', 'POST /api/v1/flight-plans/{id}/activate']),
    );
  });

  it('with NODE_ENV=production, refuses to start on a role that could disable the audit triggers', async () => {
    const production = {
      ...SHARED_SECRETS,
      NODE_ENV: 'production',
      ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    };
    // The owner's own connection, as a server given no MIGRATION_DATABASE_URL would use it.
    await expect(startTestServer('postgres', { ...production, DATABASE_URL: database.url! }, database)).rejects.toThrow(
      /could disable the audit trail's triggers/,
    );
  });
});
