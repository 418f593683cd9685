import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFleet } from '../../../gateway/sim/fleet.ts';
import type { RunningGateway } from '../../../gateway/gateway.ts';
import type { Delivered } from '../../../gateway/uplink.ts';
import type { TelemetrySample } from '../../../server/protocol/index.ts';
import { createTestDatabase, DATABASE_KINDS } from '../../support/databases.ts';
import { spawnServer, type ServerProcess } from '../../support/process.ts';
import { ADMIN_TOKEN } from '../../support/server.ts';
import { freePort, fullTrack, gatewayFor, until } from './support.ts';

const DRONES = 10;

/** Resolves at the first spooled batch the server acknowledges with more still to replay. */
function midReplay(events: RunningGateway['events']): Promise<void> {
  return new Promise((resolve) => {
    const listen = (d: Delivered) => {
      if (!d.replayed || d.spoolLeft === 0) return;
      events.off('delivered', listen);
      resolve();
    };
    events.on('delivered', listen);
  });
}

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

    // Batches of 50: an outage's backlog (five seconds of samples or more) replays in several, so a
    // kill can land in the middle of the replay.
    const gateway = await gatewayFor(
      { url: server.url, token: ADMIN_TOKEN },
      { gatewayId: 'restart-gw', batchSize: 50 },
    );
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
    let replaying: Promise<void> | null = null;
    for (const during of ['streaming', 'replay']) {
      if (during === 'replay') await replaying;
      expect(await server.stop('SIGKILL')).toBeNull();
      // An outage long enough for five seconds of every drone's samples to go to the spool.
      const spooledBefore = gateway.stats().uplink!.spooled;
      await until('the outage spooled', () => gateway.stats().uplink!.spooled > spooledBefore + DRONES * 5 * 5);
      replaying = midReplay(gateway.events);
      server = await start();
      await until('the gateway back online', () => gateway.stats().uplink!.connected);
    }
    await until('the spool replayed', () => gateway.stats().uplink!.spoolSize === 0);
    await fleet.stop();

    // Datagrams still on their way when the fleet stopped may yet arrive: compare once the
    // server holds as many samples as the gateway made, with nothing left to send.
    const stored: number[] = [];
    await until('everything the gateway made stored', async () => {
      if (gateway.stats().uplink!.pending > 0) return false;
      stored.length = 0;
      for (let i = 1; i <= DRONES; i++) {
        stored.push(...(await fullTrack(server.url, `JUSIM${String(i).padStart(7, '0')}`)).points.map((p) => p.seq));
      }
      return stored.length >= made.length && gateway.stats().uplink!.pending === 0;
    });
    const sent = made.map((s) => s.seq);
    expect(stored.length).toBe(sent.length);
    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort((a, b) => a - b)).toEqual([...sent].sort((a, b) => a - b));
    expect(gateway.stats().uplink!.duplicates + gateway.stats().uplink!.accepted).toBeGreaterThanOrEqual(sent.length);
  });
});
