import { io, type Socket } from 'socket.io-client';
import type { RunningGateway } from '../../../gateway/gateway.ts';
import type { Copter } from '../../../gateway/sim/copter.ts';
import { simDroneId, startFleet, type DroneSpec, type Fleet } from '../../../gateway/sim/fleet.ts';
import type {
  Alert,
  CommandOutcome,
  DroneState,
  FlightPlan,
  FlightPlanRequestInput,
} from '../../../server/protocol/index.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';
import { gatewayFor, until } from '../gateway/support.ts';

export { until };

/**
 * The simulator flies this many times faster than real time. Plans are timed at real speed, so
 * a drone runs early by (1 − 1/3) of its flight so far: routes stay short enough (≤ 300 m) for
 * that to stay inside the sky road's 30 s early tolerance.
 */
export const TIME_SCALE = 3;

/** The simulator's pads stand 10 m above mean sea level; the server's flat ground is told the same. */
export const SERVER_ENV = { GROUND_ELEVATION_M: '10' };

export interface Scenario {
  server: TestServer;
  gateway: RunningGateway & { spoolDir: string };
  fleet: Fleet;
  /** Every drone state the ingest announced, in order. */
  states: DroneState[];
  /** Every alert the monitoring screen's socket (`/live`, signed in as the administrator) received, in order. */
  mapAlerts: Alert[];
  map: Socket;
  stop(): Promise<void>;
}

/** A server on the given database, the real gateway over UDP, simulated drones, and a map viewer. */
export async function startScenario(
  kind: 'pglite' | 'postgres',
  drones: DroneSpec[],
  env: Record<string, string> = {},
): Promise<Scenario> {
  const server = await startTestServer(kind, { ...SERVER_ENV, ...env });
  const states: DroneState[] = [];
  server.droneEvents.on('state', (s) => states.push(s));
  const mapAlerts: Alert[] = [];
  const map = io(`${server.url}/live`, { transports: ['websocket'], auth: { token: ADMIN_TOKEN } });
  map.on('alert', (a: Alert) => mapAlerts.push(a));
  await new Promise<void>((resolve, reject) => {
    map.once('connect', resolve);
    map.once('connect_error', reject);
  });
  const gateway = await gatewayFor({ url: server.url, token: ADMIN_TOKEN });
  const fleet = await startFleet({
    drones,
    transport: { udp: { host: '127.0.0.1', port: gateway.udpPorts.udp0! } },
    timeScale: TIME_SCALE,
  });
  await until(
    'every simulated drone on the server',
    () => new Set(states.map((s) => s.droneId)).size === drones.length,
  );
  return {
    server,
    gateway,
    fleet,
    states,
    mapAlerts,
    map,
    async stop() {
      map.close();
      await fleet.stop();
      await gateway.stop();
      await server.stop();
    },
  };
}

export const droneIdOf = (sysid: number) => simDroneId(sysid);

/** A route plan from the drone's pad, 20 m above the ground at 10 m/s, leaving now. */
export function routeFrom(
  droneId: string,
  waypoints: Array<{ lat: number; lon: number }>,
  extra: { altitude?: { value: number; reference: 'AGL' | 'W84' }; departure?: number } = {},
): FlightPlanRequestInput {
  return {
    droneId,
    route: {
      waypoints,
      altitude: extra.altitude ?? { value: 20, reference: 'AGL' },
      speedMps: 10,
      departure: new Date(extra.departure ?? Date.now() + 2000).toISOString(),
    },
  };
}

/** Files a plan (it must be accepted) and uploads it to its drone, which takes off at once. */
export async function fileAndFly(server: TestServer, request: FlightPlanRequestInput): Promise<FlightPlan> {
  const filed = await server.api<FlightPlan>('POST', '/api/v1/flight-plans', request);
  if (filed.status !== 201) throw new Error(`plan refused: ${JSON.stringify(filed.body)}`);
  const upload = await server.api<CommandOutcome>('POST', `/api/v1/drones/${request.droneId}/commands`, {
    type: 'upload-plan',
    planId: filed.body.id,
  });
  if (!upload.body.ok) throw new Error(`upload failed: ${JSON.stringify(upload.body)}`);
  return filed.body;
}

export async function planOf(server: TestServer, id: string): Promise<FlightPlan> {
  const r = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`);
  return r.body;
}

export async function alertsOf(server: TestServer, droneId: string, query = ''): Promise<Alert[]> {
  const r = await server.api<Alert[]>('GET', `/api/v1/alerts?droneId=${encodeURIComponent(droneId)}${query}`);
  if (r.status !== 200) throw new Error(`alerts: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The newest state the server announced for a drone. */
export function latest(states: readonly DroneState[], droneId: string): DroneState | undefined {
  return states.findLast((s) => s.droneId === droneId);
}

/**
 * Lets a simulated drone drift sideways (m/s east, simulated time) until `enough` holds, checked
 * every few milliseconds on the simulator's own position, then stops the drift.
 */
export function drift(copter: Copter, eastMps: number, enough: () => boolean): Promise<void> {
  copter.options.drift.east = eastMps;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!enough()) return;
      clearInterval(timer);
      copter.options.drift.east = 0;
      resolve();
    }, 2);
  });
}
