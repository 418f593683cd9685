import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../support/databases.ts';

const run = promisify(execFile);

describe.each(DATABASE_KINDS)('npm run geofences on %s', (kind) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-cli-'));
    env = {
      ...process.env,
      GEOFENCES_DIR: 'geofences',
      ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }),
    };
  });
  afterAll(async () => {
    await database?.drop();
  });

  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/geofences/cli.ts', ...args], { env, timeout: 120_000 }).catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

  it('imports files and directories with a summary, then tells what restricts a point and why', async () => {
    const imported = await cli('import', 'geofences/kaga', 'test/fixtures/plateau/64413325_bldg_6697_op.gml');
    expect(imported.stdout).toMatch(/^imported 5 of 5 files/m);
    expect(imported.stdout).toMatch(
      /kaga\/komatsu-airport\.geojson \(geojson\): 21 zones, 0 buildings, \d+ cells, 0 skipped/,
    );
    expect(imported.stdout).toMatch(
      /64413325_bldg_6697_op\.gml \(citygml\): 25 zones, 25 buildings, \d+ cells, 0 skipped/,
    );
    expect(imported.stderr).toMatch(/daishoji-river-flood\.example\.geojson: an example request body/);

    // South-east of Komatsu Airport, above its horizontal surface (51.7 m AMSL), then below it.
    const above = await cli('check', '36.3755', '136.4254', '70', '--reference', 'AMSL');
    expect(above.stdout).toMatch(/: held$/m);
    expect(above.stdout).toContain('"Komatsu Airport (RJNK) horizontal surface"');
    const below = await cli('check', '36.3755', '136.4254', '30', '--reference', 'AMSL', '--json');
    expect(JSON.parse(below.stdout)).toMatchObject({ free: true, zones: [], flights: [] });
  });

  it('reports a file it cannot import and exits non-zero, writing nothing of it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-bad-'));
    await fs.writeFile(
      path.join(dir, 'broken.gml'),
      '<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0">',
    );
    const r = (await cli('import', dir)) as { code?: number; stdout: string };
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED .*broken\.gml: not well-formed XML/);
    const usage = (await cli('check', 'north')) as { code?: number; stderr: string };
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage:/);
  });
});
