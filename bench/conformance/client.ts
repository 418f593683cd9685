/**
 * The outside world of bench:conformance, in its own process: a gateway streaming the background
 * drones at 1 Hz, another streaming the probe drones at 5 Hz, and a map viewer on `/live`. Each
 * probe leaves its sky road (or enters a zone) once a second; the time its alert takes to reach
 * the viewer is recorded against the sample that caused it.
 *
 * IPC in: { type: 'start', plan } and { type: 'stop' }. Out: 'ready', then 'results'.
 */
import { io, type Socket } from 'socket.io-client';
import type { Alert, TelemetrySample } from '../../server/protocol/index.ts';

export interface ClientPlan {
  url: string;
  token: string;
  /** Background drones, each held inside its plan's circle. */
  background: Array<{ droneId: string; lat: number; lon: number }>;
  /** Drones that leave their plan's circle (kind nonconforming) or enter a zone (geofence_breach) once a second. */
  probes: Array<{ droneId: string; kind: 'nonconforming' | 'geofence_breach'; normal: LatLon; crossed: LatLon }>;
  altW84: number;
}

interface LatLon {
  lat: number;
  lon: number;
}

export interface Measurement {
  alertId: string;
  droneId: string;
  kind: string;
  /** The `time` of the sample that crossed. */
  sampleTime: string;
  /** Epoch ms (sub-millisecond) when it was sent, and when its alert reached the viewer. */
  sentAt: number;
  alertAt: number;
}

const now = () => performance.timeOrigin + performance.now();
const TICK_MS = 200;
/** Of each probe's five samples a second, the last two are off its road (or in its zone). */
const CYCLE = 5;
const AWAY_FROM = 3;

async function connect(url: string, nsp: string, auth: Record<string, string> | null): Promise<Socket> {
  const socket = io(`${url}${nsp}`, { transports: ['websocket'], ...(auth ? { auth } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

function run(plan: ClientPlan): {
  ready: Promise<unknown>;
  stop(): Promise<{ measurements: Measurement[]; lateTicks: number; sent: number }>;
} {
  const measurements: Measurement[] = [];
  /** For each probe, the crossing sample awaiting its alert. */
  const crossing = new Map<string, { sampleTime: string; sentAt: number; kind: string }>();
  let seq = 0;
  let sent = 0;
  let lateTicks = 0;
  let stopped = false;

  const fix = (droneId: string, p: LatLon, time: string): TelemetrySample => ({
    seq: seq++,
    time,
    droneId,
    lat: p.lat,
    lon: p.lon,
    altW84: plan.altW84,
    altAmsl: plan.altW84 - 37,
    altRelative: 60,
    groundSpeedMps: 8,
    verticalSpeedMps: 0,
    headingDeg: 90,
    batteryPercent: 80,
    batteryVoltage: 15.8,
    mode: 'AUTO',
    armed: true,
    gpsFix: 3,
    remoteId: null,
  });

  const ready = (async () => {
    // The city's monitoring screen: alerts go to viewers signed in as monitors, not to the public.
    const viewer = await connect(plan.url, '/live', { token: plan.token });
    viewer.on('alert', (a: Alert) => {
      if (a.closedAt !== null || a.droneId === null) return;
      const c = crossing.get(a.droneId);
      if (!c || c.kind !== a.kind) return;
      crossing.delete(a.droneId);
      measurements.push({
        alertId: a.id,
        droneId: a.droneId,
        kind: a.kind,
        sampleTime: c.sampleTime,
        sentAt: c.sentAt,
        alertAt: now(),
      });
    });
    const auth = (gatewayId: string) => ({ token: plan.token, gatewayId });
    const [bgGateway, probeGateway] = await Promise.all([
      connect(plan.url, '/gateway', auth('bench-background')),
      connect(plan.url, '/gateway', auth('bench-probes')),
    ]);
    return { viewer, bgGateway, probeGateway };
  })();

  const loops = ready.then(({ bgGateway, probeGateway }) => {
    // Background: a tenth of the drones every 100 ms, each batch acknowledged before the next.
    const background = (async () => {
      for (let round = 0; !stopped; round++) {
        const started = now();
        const part = plan.background.filter((_, i) => i % 10 === round % 10);
        const time = new Date().toISOString();
        const samples = part.map((d) => fix(d.droneId, d, time));
        sent += samples.length;
        await bgGateway.timeout(30_000).emitWithAck('telemetry', { samples });
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (now() - started))));
      }
    })();
    const probes = (async () => {
      for (let tick = 0; !stopped; tick++) {
        const started = now();
        const time = new Date().toISOString();
        const samples: TelemetrySample[] = [];
        plan.probes.forEach((p, i) => {
          const phase = (tick + i) % CYCLE;
          const away = phase >= AWAY_FROM;
          samples.push(fix(p.droneId, away ? p.crossed : p.normal, time));
          if (phase === AWAY_FROM) crossing.set(p.droneId, { sampleTime: time, sentAt: started, kind: p.kind });
        });
        sent += samples.length;
        await probeGateway.timeout(30_000).emitWithAck('telemetry', { samples });
        const spent = now() - started;
        if (spent > TICK_MS) lateTicks++;
        await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - spent)));
      }
    })();
    return Promise.all([background, probes]);
  });

  return {
    ready,
    async stop() {
      stopped = true;
      await loops;
      const { viewer, bgGateway, probeGateway } = await ready;
      viewer.close();
      bgGateway.close();
      probeGateway.close();
      return { measurements, lateTicks, sent };
    },
  };
}

/** A client that cannot go on says why and stops; the benchmark sees it exit. */
function fail(err: unknown): never {
  console.error(err);
  process.exit(1);
}

let current: ReturnType<typeof run> | null = null;
process.on('message', (m: { type: string; plan?: ClientPlan }) => {
  if (m.type === 'start' && m.plan) {
    current = run(m.plan);
    current.ready.then(() => process.send!({ type: 'ready' })).catch(fail);
  } else if (m.type === 'stop' && current) {
    current
      .stop()
      .then((r) => {
        // Only once the message is out: disconnecting at once can drop a large one.
        process.send!({ type: 'results', ...r }, undefined, {}, () => process.disconnect());
      })
      .catch(fail);
  }
});
