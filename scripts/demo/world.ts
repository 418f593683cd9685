import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { system } from '../../server/auth/principal.ts';
import { GATEWAY_DEFAULTS, startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { startFleet, type Fleet } from '../../gateway/sim/fleet.ts';
import { loadConfig } from '../../server/config.ts';
import type { CommandOutcome, DroneState, FlightPlan, Rejection } from '../../server/protocol/index.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { planRequest, type Scenario } from './kaga.ts';

export interface WorldOptions {
  /** The server's environment on top of the defaults (an in-memory database on an ephemeral port). */
  env?: Record<string, string>;
  scenarios: readonly Scenario[];
  log: Logger;
  /** Simulated seconds per real second. */
  timeScale?: number;
}

export interface World {
  server: RunningServer;
  gateway: RunningGateway;
  fleet: Fleet;
  adminToken: string;
  /** Tokens of the demo's people and ground station, as an administrator issues them (npm run token). */
  tokens: { monitor: string; operator: string; gateway: string };
  /** Files the scenario's plan (with the city's permission for restricted zones it crosses), activates it and uploads it to the drone. */
  fly(s: Scenario): Promise<FlightPlan>;
  stop(): Promise<void>;
}

async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A whole soramichi in one process: the server, a gateway listening for MAVLink over UDP, and
 * simulated copters (one per scenario, on its pad) talking to the gateway as real ones would.
 */
/** The demo's drone operator, as its token names it. */
const OPERATOR = 'kaga-drone-services';

export async function startWorld(options: WorldOptions): Promise<World> {
  const { log } = options;
  const adminToken = options.env?.ADMIN_TOKEN ?? randomBytes(18).toString('base64url');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'warn',
    ...options.env,
    ADMIN_TOKEN: adminToken,
  });
  const server = await startServer(config, log.child({ service: 'soramichi' }));
  const issue = async (role: 'monitor' | 'operator' | 'gateway', subject: string, drones?: string[]) =>
    (
      await server.issuer.issue(
        { subject, role, ttlSeconds: 7 * 86_400, ...(drones ? { drones } : {}) },
        system('demo'),
      )
    ).token;
  const tokens = {
    monitor: await issue('monitor', 'kaga-monitoring-room'),
    operator: await issue('operator', OPERATOR),
    // The ground station may carry the demo's copters and nothing else.
    gateway: await issue(
      'gateway',
      'kaga-demo',
      options.scenarios.map((s) => s.droneId),
    ),
  };
  const spoolDir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-demo-gateway-'));
  const gateway = await startGateway(
    {
      ...GATEWAY_DEFAULTS,
      gatewayId: 'kaga-demo',
      links: [{ kind: 'udp', name: 'radio', host: '127.0.0.1', port: 0, signing: null, relay: false }],
      server: { url: server.url, token: tokens.gateway },
      spoolDir,
      droneIds: new Map(),
    },
    log.child({ service: 'soramichi-gateway' }),
  );
  const fleet = await startFleet({
    drones: options.scenarios.map((s) => ({
      sysid: s.sysid,
      droneId: s.droneId,
      start: s.waypoints[0]!,
      // The copters stand on the ground the server models, so their heights mean the same to both.
      groundAmsl: config.groundElevationM,
      cruiseMps: s.speedMps,
      positionHz: 5,
    })),
    transport: { udp: { host: '127.0.0.1', port: gateway.udpPorts.radio! } },
    timeScale: options.timeScale ?? 1,
  });

  /** The API as the demo's operator, who files, activates and uploads the plans. */
  const api = async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.operator}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  /** The city's administrator, who grants the operator its rights. */
  const asAdmin = async (method: string, url: string, body: unknown): Promise<void> => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url} refused (${res.status}): ${await res.text()}`);
  };
  // Medical deliveries and flood surveys fly above the normal priority: the city grants it.
  await asAdmin('PUT', `/api/v1/priority-grants/${OPERATOR}`, {
    maxPriority: Math.max(...options.scenarios.map((s) => s.priority)),
    reason: 'the city’s medical deliveries and flood surveys',
  });

  /** The city, as the zones' authority, lets the operator's drone through a restricted zone for the day. */
  const authorise = (droneId: string, zoneId: string) =>
    asAdmin('POST', '/api/v1/zone-authorizations', {
      zoneId,
      operator: OPERATOR,
      droneId,
      validFrom: new Date(Date.now() - 3_600_000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
      reason: 'the demo flight the city planned with its operator',
    });

  async function file(s: Scenario, authorizations: string[]): Promise<FlightPlan> {
    const answer = await api<FlightPlan | Rejection>(
      'POST',
      '/api/v1/flight-plans',
      planRequest(s, new Date(Date.now() + 20_000), authorizations),
    );
    if (answer.status === 201) return answer.body as FlightPlan;
    const rejection = answer.body as Rejection;
    const restricted = (rejection.conflicts ?? []).filter((c) => c.type === 'geofence' && c.kind === 'restricted');
    if (answer.status === 409 && restricted.length === rejection.conflicts.length && !authorizations.length) {
      log.info({ drone: s.droneId, zones: restricted.map((c) => c.name) }, 'the city authorises the flight through');
      for (const zone of restricted) await authorise(s.droneId, zone.id);
      return file(
        s,
        restricted.map((c) => c.id),
      );
    }
    throw new Error(`${s.droneId}: plan refused (${answer.status}): ${JSON.stringify(answer.body).slice(0, 600)}`);
  }

  return {
    server,
    gateway,
    fleet,
    adminToken,
    tokens,
    async fly(s) {
      await until(`${s.droneId} on the server`, async () => {
        const drones = await api<DroneState[]>('GET', '/api/v1/drones');
        return drones.body.some((d) => d.droneId === s.droneId);
      });
      // The operator's drones are registered to it (登録記号 as the id) before it files for them.
      const registered = await api('PUT', `/api/v1/drones/${encodeURIComponent(s.droneId)}/registration`, {
        registrationMark: s.droneId,
      });
      if (registered.status !== 200 && registered.status !== 201)
        throw new Error(`${s.droneId}: not registered: ${JSON.stringify(registered.body)}`);
      const plan = await file(s, []);
      const activated = await api<FlightPlan>('POST', `/api/v1/flight-plans/${plan.id}/activate`);
      if (activated.status !== 200) throw new Error(`${s.droneId}: not activated: ${JSON.stringify(activated.body)}`);
      const upload = await api<CommandOutcome>('POST', `/api/v1/drones/${encodeURIComponent(s.droneId)}/commands`, {
        type: 'upload-plan',
        planId: plan.id,
      });
      if (!upload.body.ok) throw new Error(`${s.droneId}: mission not uploaded: ${upload.body.message}`);
      log.info({ drone: s.droneId, plan: plan.id, purpose: s.purpose }, 'flying');
      return activated.body;
    },
    async stop() {
      await fleet.stop();
      await gateway.stop();
      await server.close();
      await fs.rm(spoolDir, { recursive: true, force: true });
    },
  };
}
