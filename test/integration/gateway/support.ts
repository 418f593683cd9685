import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import {
  GATEWAY_DEFAULTS,
  startGateway,
  type GatewayConfig,
  type LinkSpec,
  type RunningGateway,
} from '../../../gateway/gateway.ts';
import type { GatewayClock } from '../../../gateway/clock.ts';
import type { DroneTrack } from '../../../server/protocol/index.ts';
import { ADMIN_TOKEN } from '../../support/server.ts';

export const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export const udpListener = (name = 'udp0', extra: Partial<LinkSpec> = {}): LinkSpec =>
  ({ kind: 'udp', name, host: '127.0.0.1', port: 0, signing: null, relay: true, ...extra }) as LinkSpec;

/** A gateway in this process, with its own spool directory. */
export async function gatewayFor(
  server: { url: string; token: string } | null,
  config: Partial<GatewayConfig> = {},
  clock?: GatewayClock,
): Promise<RunningGateway & { spoolDir: string }> {
  const spoolDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-gateway-'));
  const gateway = await startGateway(
    {
      ...GATEWAY_DEFAULTS,
      gatewayId: 'test-gw',
      links: [udpListener()],
      server,
      spoolDir,
      droneIds: new Map(),
      ...config,
    },
    log,
    clock,
  );
  return {
    ...gateway,
    spoolDir,
    async stop() {
      await gateway.stop();
      await fs.rm(spoolDir, { recursive: true, force: true });
    },
  };
}

type Falsy = false | 0 | '' | null | undefined;

/**
 * Waits for a condition the system reaches by itself, however long the machine takes: it sets
 * no deadline of its own (the test runner's time limit only guards against a hang).
 */
export async function until<T>(what: string, check: () => T | Falsy | Promise<T | Falsy>): Promise<T> {
  for (let polls = 1; ; polls++) {
    const value = await check();
    if (value) return value as T;
    // Said once, so that a hang shows what it hung on.
    if (polls === 600) console.warn(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Every stored sample of a drone (the whole last day). */
export async function fullTrack(baseUrl: string, droneId: string): Promise<DroneTrack> {
  const to = new Date(Date.now() + 60_000).toISOString();
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const res = await fetch(
    `${baseUrl}/api/v1/drones/${encodeURIComponent(droneId)}/track?from=${from}&to=${to}&limit=100000`,
    { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
  );
  if (res.status !== 200) throw new Error(`track of ${droneId}: ${res.status} ${await res.text()}`);
  return (await res.json()) as DroneTrack;
}
