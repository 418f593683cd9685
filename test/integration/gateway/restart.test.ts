import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFleet } from '../../../gateway/sim/fleet.ts';
import type { TelemetrySample } from '../../../server/protocol/index.ts';
import { createTestDatabase, DATABASE_KINDS } from '../../support/databases.ts';
import { spawnServer, type ServerProcess } from '../../support/process.ts';
import { ADMIN_TOKEN } from '../../support/server.ts';
import { freePort, fullTrack, gatewayFor, until } from './support.ts';

const DRONES = 10;
const OUTAGE_MS = 10_000;

describe.each(DATABASE_KINDS)('the server killed and restarted under telemetry (%s)', (kind) => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('loses no sample and stores none twice while 10 drones stream at 5 Hz', async () => {
    const database = await createTestDatabase(kind);
    cleanup.push(() => database.drop());
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-restart-'));
    cleanup.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const env = {
      PORT: String(port),
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    // spawnServer waits for the "listening" line, which is logged at info.
    const start = () => spawnServer({ ...env, LOG_LEVEL: 'info' });
    let server: ServerProcess = await start();
    cleanup.push(() => server.stop('SIGKILL'));

    const gateway = await gatewayFor({ url: server.url, token: ADMIN_TOKEN }, { gatewayId: 'restart-gw' });
    cleanup.push(() => gateway.stop());
    const made: TelemetrySample[] = [];
    gateway.events.on('sample', (s) => made.push(s));
    const fleet = await startFleet({
      drones: Array.from({ length: DRONES }, (_, i) => ({ sysid: i + 1, positionHz: 5 })),
      transport: { udp: { host: '127.0.0.1', port: gateway.udpPorts.udp0! } },
    });
    cleanup.push(() => fleet.stop());

    await until('every drone streaming', () => new Set(made.map((s) => s.droneId)).size === DRONES);
    await until('the server to have a few seconds of it', () => gateway.stats().uplink!.accepted >= DRONES * 5 * 3);

    // Twice: a kill while streaming, and a kill while the spool is being replayed.
    for (const settleMs of [0, 300]) {
      await new Promise((r) => setTimeout(r, settleMs));
      expect(await server.stop('SIGKILL')).toBeNull();
      const spooledBefore = gateway.stats().uplink!.spooled;
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      expect(gateway.stats().uplink!.spooled).toBeGreaterThan(spooledBefore + DRONES * 5 * 5);
      server = await start();
      await until('the gateway back online', () => gateway.stats().uplink!.connected, 30_000);
    }
    await until('the spool replayed', () => gateway.stats().uplink!.spoolSize === 0, 60_000);
    await fleet.stop();
    await new Promise((r) => setTimeout(r, 300));
    await until('everything acknowledged', () => gateway.stats().uplink!.pending === 0, 30_000);

    const stored: number[] = [];
    for (let i = 1; i <= DRONES; i++) {
      stored.push(...(await fullTrack(server.url, `JUSIM${String(i).padStart(7, '0')}`)).points.map((p) => p.seq));
    }
    const sent = made.map((s) => s.seq);
    expect(stored.length).toBe(sent.length);
    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort((a, b) => a - b)).toEqual([...sent].sort((a, b) => a - b));
    expect(gateway.stats().uplink!.duplicates + gateway.stats().uplink!.accepted).toBeGreaterThanOrEqual(sent.length);
  }, 180_000);
});
