import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import type {
  CommandOutcome,
  GatewayCommand,
  IdCollisionReport,
  LinkReport,
  TelemetrySample,
} from '../server/protocol/index.ts';
import { systemClock, type GatewayClock } from './clock.ts';
import { execute } from './execute.ts';
import type { Link } from './links/link.ts';
import { SerialLink } from './links/serial.ts';
import { UdpClient, UdpListener } from './links/udp.ts';
import { MavlinkPort, type PortStats } from './port.ts';
import { SequenceNumbers } from './sequence.ts';
import { Spool } from './spool.ts';
import { Uplink, type Delivered, type UplinkStats } from './uplink.ts';
import { Vehicles, type IdCollision, type Vehicle } from './vehicles.ts';

export type LinkSpec = {
  name: string;
  signing: { key: Buffer; require: boolean } | null;
  /** Relays frames between this link and the other relaying links, as a MAVLink router does. */
  relay: boolean;
} & (
  | { kind: 'serial'; path: string; baudRate: number }
  | { kind: 'udp'; host: string; port: number }
  | { kind: 'udp-out'; host: string; port: number }
);

export interface GatewayConfig {
  gatewayId: string;
  links: LinkSpec[];
  /** Null runs without a server (a relay, a test): samples are still made and emitted. */
  server: { url: string; token: string } | null;
  spoolDir: string;
  spoolMaxBytes: number;
  positionHz: number;
  droneIds: ReadonlyMap<number, string>;
  /** Our own MAVLink identity: 255/190 is what ground stations use. */
  sysid: number;
  compid: number;
  lostAfterMs: number;
  identifyMs: number;
  batchSize: number;
  flushMs: number;
  statsIntervalMs: number;
}

export const GATEWAY_DEFAULTS = {
  spoolMaxBytes: 256 * 1024 * 1024,
  positionHz: 5,
  sysid: 255,
  compid: 190,
  lostAfterMs: 3500,
  identifyMs: 2000,
  batchSize: 500,
  flushMs: 100,
  statsIntervalMs: 60_000,
} as const;

export interface GatewayStats {
  links: PortStats[];
  vehicles: Array<{ key: string; droneId: string | null; link: 'live' | 'lost' }>;
  unidentified: number;
  samples: number;
  uplink: UplinkStats | null;
}

export interface GatewayEvents {
  /** Every sample the gateway made, in seq order. */
  sample: [TelemetrySample];
  link: [LinkReport];
  /** Vehicles found sharing one MAVLink id, and the end of it. */
  collision: [IdCollisionReport];
  /** Every batch the server acknowledged. */
  delivered: [Delivered];
}

export interface RunningGateway {
  events: EventEmitter<GatewayEvents>;
  vehicles: Vehicles;
  ports: MavlinkPort[];
  /** The UDP listeners' bound ports, by link name (useful when listening on port 0). */
  udpPorts: Record<string, number>;
  execute(command: GatewayCommand): Promise<CommandOutcome>;
  stats(): GatewayStats;
  stop(): Promise<void>;
}

function openLink(spec: LinkSpec, clock: GatewayClock): Link {
  switch (spec.kind) {
    case 'serial':
      return new SerialLink(spec.name, spec.path, spec.baudRate);
    case 'udp':
      return new UdpListener(spec.name, spec.host, spec.port, () => clock.now());
    case 'udp-out':
      return new UdpClient(spec.name, spec.host, spec.port);
  }
}

/** Links → ports → vehicles → samples → uplink, and the server's commands back to the drones. */
export async function startGateway(
  config: GatewayConfig,
  log: Logger,
  clock: GatewayClock = systemClock,
): Promise<RunningGateway> {
  const events = new EventEmitter<GatewayEvents>();
  const stopping = new AbortController();
  const vehicles = new Vehicles({
    gatewayId: config.gatewayId,
    positionHz: config.positionHz,
    droneIds: config.droneIds,
    lostAfterMs: config.lostAfterMs,
    identifyMs: config.identifyMs,
    clock,
    log,
  });
  const seq = new SequenceNumbers(path.join(config.spoolDir, 'seq'), () => clock.now());

  const ports: MavlinkPort[] = [];
  const udpPorts: Record<string, number> = {};
  for (const [i, spec] of config.links.entries()) {
    const link = openLink(spec, clock);
    link.on('fault', (err) => log.warn({ link: spec.name, err: err.message }, 'link fault'));
    await link.open();
    if (link instanceof UdpListener) udpPorts[spec.name] = link.address().port;
    const port = new MavlinkPort(
      link,
      {
        source: { sysid: config.sysid, compid: config.compid },
        signing: spec.signing && { ...spec.signing, linkId: i },
        relay: spec.relay,
      },
      clock,
    );
    ports.push(port);
    vehicles.attach(port);
    log.info({ link: spec.name, kind: spec.kind, signing: !!spec.signing, relay: spec.relay }, 'link open');
  }
  for (const port of ports) {
    if (!port.relay) continue;
    const others = ports.filter((p) => p !== port && p.relay);
    if (others.length) port.on('frame', (frame) => others.forEach((o) => o.forward(frame.bytes)));
  }

  const report = (v: Vehicle, link: 'live' | 'lost'): LinkReport | null =>
    v.droneId ? { droneId: v.droneId, link, at: new Date(clock.now()).toISOString() } : null;
  const collisionReport = (c: IdCollision): IdCollisionReport => ({ ...c, at: new Date(clock.now()).toISOString() });
  const run = (command: GatewayCommand) =>
    execute(vehicles, command, { gatewayId: config.gatewayId, clock, signal: stopping.signal });

  const spool = config.server
    ? new Spool({ dir: path.join(config.spoolDir, 'spool'), maxBytes: config.spoolMaxBytes, log })
    : null;
  const uplink =
    config.server && spool
      ? new Uplink({
          url: config.server.url,
          token: config.server.token,
          gatewayId: config.gatewayId,
          spool,
          batchSize: config.batchSize,
          flushMs: config.flushMs,
          ackTimeoutMs: 10_000,
          memoryLimit: 20 * config.batchSize,
          log,
          execute: run,
          linkStates: () => vehicles.list().flatMap((v) => report(v, v.link) ?? []),
          collisions: () => vehicles.openCollisions().map(collisionReport),
          delivered: (batch) => events.emit('delivered', batch),
        })
      : null;

  let samples = 0;
  vehicles.on('reading', (v, reading) => {
    const sample: TelemetrySample = { seq: seq.next(), droneId: v.droneId!, ...reading };
    samples++;
    uplink?.push(sample);
    events.emit('sample', sample);
  });
  const onLink = (link: 'live' | 'lost') => (v: Vehicle) => {
    const r = report(v, link);
    if (!r) return;
    uplink?.reportLink(r);
    events.emit('link', r);
  };
  vehicles.on('lost', onLink('lost'));
  vehicles.on('found', onLink('live'));
  vehicles.on('collision', (c) => {
    const r = collisionReport(c);
    uplink?.reportCollision(r);
    events.emit('collision', r);
  });

  vehicles.start();
  uplink?.start();

  const stats = (): GatewayStats => ({
    links: ports.map((p) => p.stats()),
    vehicles: vehicles.list().map((v) => ({ key: v.key, droneId: v.droneId, link: v.link })),
    unidentified: vehicles.unidentified,
    samples,
    uplink: uplink?.snapshot() ?? null,
  });
  const statsTimer = setInterval(() => log.info(stats(), 'gateway stats'), config.statsIntervalMs);
  statsTimer.unref();
  let stopped: Promise<void> | null = null;

  return {
    events,
    vehicles,
    ports,
    udpPorts,
    execute: run,
    stats,
    stop() {
      stopped ??= (async () => {
        clearInterval(statsTimer);
        stopping.abort();
        vehicles.stop();
        uplink?.stop();
        await Promise.all(ports.map((p) => p.link.close()));
        log.info(stats(), 'gateway stopped');
      })();
      return stopped;
    },
  };
}
