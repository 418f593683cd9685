import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inHours, KAGA, routePlan } from '../support/plans.ts';
import { postJson, spawnServer } from '../support/process.ts';

describe('the embedded server', () => {
  let dataDir: string;
  afterAll(async () => {
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every accepted plan across a restart, and still refuses what conflicts with them', async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-restart-'));
    const env = { DATA_DIR: dataDir };
    const first = await spawnServer(env);
    const departures = [1, 2, 3, 4, 5].map((h) => inHours(h));
    const accepted: string[] = [];
    for (const departure of departures) {
      const r = await postJson(
        `${first.url}/api/v1/flight-plans`,
        routePlan([KAGA.medicalCenter, KAGA.katayamazu], { departure }),
      );
      expect(r.status).toBe(201);
      accepted.push(r.body.id);
    }
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await spawnServer(env);
    try {
      for (const id of accepted) {
        const r = await fetch(`${second.url}/api/v1/flight-plans/${id}`);
        expect(r.status).toBe(200);
        expect((await r.json()).state).toBe('Accepted');
      }
      const again = await postJson(
        `${second.url}/api/v1/flight-plans`,
        routePlan([KAGA.medicalCenter, KAGA.katayamazu], { departure: departures[2]! }),
      );
      expect(again.status).toBe(409);
      expect(again.body.conflicts[0].id).toBe(accepted[2]);
    } finally {
      await second.stop();
    }
  });
});
