import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../server/store/db.ts';
import { EditedMigration, migrate } from '../../../server/store/migrate.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../support/databases.ts';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../server/store/migrations');

describe.each(DATABASE_KINDS)('the migrations (%s)', (kind) => {
  let database: TestDatabase;
  let db: Db;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir });
    // A copy of the project's migrations, which the test may change as a careless hand would.
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-migrations-'));
    await fs.cp(MIGRATIONS, dir, { recursive: true });
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('apply once, in order, and keep each one’s checksum', async () => {
    const names = (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
    expect(await migrate(db, dir)).toEqual(names);
    expect(await migrate(db, dir)).toEqual([]);
    const kept = await db.query<{ name: string; sha256: string }>('SELECT name, sha256 FROM schema_migrations');
    expect(kept.map((r) => r.name).sort()).toEqual(names);
    expect(kept.every((r) => /^[0-9a-f]{64}$/.test(r.sha256))).toBe(true);
  });

  it('refuse to start when a migration already applied was edited, naming it', async () => {
    const first = (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort()[0]!;
    await fs.appendFile(path.join(dir, first), '\n-- a later thought\n');
    const refused = migrate(db, dir);
    await expect(refused).rejects.toBeInstanceOf(EditedMigration);
    await expect(refused).rejects.toThrow(new RegExp(`migration ${first} was edited after it was applied`));
  });

  it('apply a new migration beside the old ones', async () => {
    const first = (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort()[0]!;
    await fs.cp(path.join(MIGRATIONS, first), path.join(dir, first));
    await fs.writeFile(path.join(dir, '999-a-new-one.sql'), 'CREATE TABLE migration_probe (id int);\n');
    expect(await migrate(db, dir)).toEqual(['999-a-new-one.sql']);
  });
});
