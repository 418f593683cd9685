import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../../server/auth/principal.ts';
import { startFleet, type Fleet } from '../../../gateway/sim/fleet.ts';
import { openPtyPair, type PtyPair } from '../../../gateway/sim/pty.ts';
import type { DroneState } from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { fullTrack, until } from './support.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe.each(DATABASE_KINDS)(
  'simulated drones on a serial line (a real pty pair), through `npm run gateway` (%s)',
  (kind) => {
    let server: TestServer;
    let pty: PtyPair;
    let fleet: Fleet;
    let gateway: ChildProcess;
    let spool: string;
    let gatewayToken: string;
    const output: string[] = [];

    beforeAll(async () => {
      server = await startTestServer(kind);
      // A ground station's own token, as an administrator issues it (npm run token -- --role gateway).
      const { token } = await server.issuer.issue(
        { subject: 'pty-gw', role: 'gateway', drones: '*', ttlSeconds: 3600 },
        system('test'),
      );
      gatewayToken = token;
      pty = await openPtyPair();
      spool = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-serial-'));
      // Two drones share the line, as on a radio network.
      fleet = await startFleet({
        drones: [{ sysid: 1 }, { sysid: 2 }],
        transport: { serial: { path: pty.sim, baudRate: 57_600 } },
      });
      gateway = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'gateway/main.ts',
          '--serial',
          `${pty.gateway}:57600,name=radio`,
          '--server',
          server.url,
          '--token',
          gatewayToken,
          '--id',
          'pty-gw',
          '--spool',
          spool,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
      gateway.stdout!.on('data', collect);
      gateway.stderr!.on('data', collect);
    });

    afterAll(async () => {
      if (gateway && gateway.exitCode === null) gateway.kill('SIGKILL');
      await fleet?.stop();
      await pty?.close();
      await server?.stop();
      if (spool) await fs.rm(spool, { recursive: true, force: true });
    });

    it('carries both drones’ telemetry to the server', async () => {
      const drones = await until('both drones on the server', async () => {
        const r = await server.api<DroneState[]>('GET', '/api/v1/drones');
        return r.body.filter((d) => d.gatewayId === 'pty-gw' && d.link === 'live').length === 2 && r.body;
      });
      expect(drones.map((d) => d.droneId).sort()).toEqual(['JUSIM0000001', 'JUSIM0000002']);
      await until(
        'a track of 10 samples',
        async () => (await fullTrack(server.url, 'JUSIM0000002')).points.length >= 10,
      );
      const track = await fullTrack(server.url, 'JUSIM0000002');
      expect(new Set(track.points.map((p) => p.seq)).size).toBe(track.points.length);
      expect(track.points.every((p) => p.gatewayId === 'pty-gw' && p.gpsFix === 3)).toBe(true);
    });

    it('stops cleanly on SIGTERM, with its link counters in the log', async () => {
      const exited = new Promise<number | null>((resolve) => gateway.once('exit', resolve));
      gateway.kill('SIGTERM');
      expect(await exited).toBe(0);
      type Entry = { msg?: string; links?: Array<{ link: string; frames: number; crcErrors: number }> };
      const entries = output.flatMap((line): Entry[] => {
        try {
          return [JSON.parse(line) as Entry];
        } catch {
          return [];
        }
      });
      const stopped = entries.find((e) => e.msg === 'gateway stopped');
      expect(stopped?.links?.[0]).toMatchObject({ link: 'radio', crcErrors: 0 });
      expect(stopped!.links![0]!.frames).toBeGreaterThan(0);
    });
  },
);
