import { EventEmitter } from 'node:events';
import { common, minimal, type MavLinkData } from 'node-mavlink';
import type { Logger } from 'pino';
import type { IdCollisionReport } from '../server/protocol/index.ts';
import type { GatewayClock, GatewayTimer } from './clock.ts';
import type { Target, VehicleChannel } from './mavlink/channel.ts';
import { decodeAs, message } from './mavlink/codec.ts';
import { setMessageInterval } from './mavlink/commands.ts';
import type { Frame } from './mavlink/framer.ts';
import { VehicleTelemetry, type Reading } from './normalise.ts';
import type { MavlinkPort } from './port.ts';

const { Heartbeat, MavAutopilot, MavState, MavType } = minimal;
const { BatteryStatus, GlobalPositionInt, GpsRawInt, MavDataStream, RequestDataStream, SysStatus } = common;

export interface VehiclesOptions {
  gatewayId: string;
  /** GLOBAL_POSITION_INT rate asked of every vehicle. */
  positionHz: number;
  /** Drone ids by MAVLink system id, for vehicles that broadcast no Remote ID. */
  droneIds: ReadonlyMap<number, string>;
  /** A vehicle is lost after this long without a heartbeat (MAVLink's usual 3.5 s, missing 3 beats). */
  lostAfterMs: number;
  /** How long a new vehicle may take to announce its Remote ID before it gets a made-up id. */
  identifyMs: number;
  clock: GatewayClock;
  log: Logger;
}

export type VehicleLink = 'live' | 'lost';

/** A heartbeat is missing (autopilots beat at 1 Hz): a new address on the id may be this vehicle moved. */
const MISSED_BEAT_MS = 1500;

/** Vehicles sharing one MAVLink id on one link, as the gateway reports them (the time is added when sent). */
export type IdCollision = Omit<IdCollisionReport, 'at'>;

/** One autopilot, heard on one link: link + system id + component id (+ its UDP address, when another shares the id). */
export class Vehicle implements VehicleChannel {
  readonly telemetry = new VehicleTelemetry();
  readonly target: Target;
  droneId: string | null = null;
  link: VehicleLink = 'live';
  autopilot = 0;
  type = 0;
  /** The MAVLink version of its latest heartbeat: what it is sent. */
  mavlink: 1 | 2 = 2;
  private readonly listeners = new Set<(frame: Frame) => void>();

  constructor(
    readonly key: string,
    readonly port: MavlinkPort,
    /** Where replies go: the UDP address it was last heard from, or the serial line. */
    public peer: string,
    sysid: number,
    compid: number,
    readonly foundAt: number,
    public lastHeartbeat: number,
  ) {
    this.target = { sysid, compid };
  }

  get self(): Target {
    return this.port.source;
  }

  /** The link, system and component it answers to; another vehicle may answer to the same. */
  get mavlinkId(): string {
    return `${this.port.name}/${this.target.sysid}/${this.target.compid}`;
  }

  send(msg: MavLinkData): void {
    this.port.send(msg, this.peer, this.mavlink);
  }

  subscribe(onFrame: (frame: Frame) => void): () => void {
    this.listeners.add(onFrame);
    return () => void this.listeners.delete(onFrame);
  }

  deliver(frame: Frame): void {
    // A copy: an exchange that ends on this frame may start the next, which must not hear it too.
    for (const l of [...this.listeners]) l(frame);
  }
}

/** Two live vehicles on one id, each heard after the other appeared: two drones, not one that changed address. */
function collide(a: Vehicle, b: Vehicle): boolean {
  return a.link === 'live' && b.link === 'live' && a.lastHeartbeat > b.foundAt && b.lastHeartbeat > a.foundAt;
}

export interface VehicleEvents {
  /** A vehicle's first heartbeat, or its first after it was lost. */
  found: [Vehicle];
  lost: [Vehicle];
  /** A position report of an identified vehicle. */
  reading: [Vehicle, Reading];
  /** Vehicles found sharing one MAVLink id on one link, or that collision over. */
  collision: [IdCollision];
}

/**
 * Every vehicle the gateway hears, keyed by link + system id + component id; on a UDP link a
 * second vehicle on the same id at another address is a vehicle of its own. Sends our GCS
 * heartbeat on every link once a second, asks new vehicles for their telemetry rates, declares
 * a vehicle lost when its heartbeats stop (a pty or UDP gives no other sign), and reports
 * vehicles that share an id.
 */
export class Vehicles extends EventEmitter<VehicleEvents> {
  /** Position reports dropped because the vehicle had no id yet. */
  unidentified = 0;
  private readonly byKey = new Map<string, Vehicle>();
  private readonly bySystem = new Map<string, Vehicle[]>();
  private readonly ports: MavlinkPort[] = [];
  private readonly stopping = new AbortController();
  /** Open collisions by MAVLink id, as last reported. */
  private readonly collisions = new Map<string, IdCollision>();
  private timer: GatewayTimer | null = null;
  private lastBeat = 0;

  constructor(private readonly options: VehiclesOptions) {
    super();
  }

  attach(port: MavlinkPort): void {
    this.ports.push(port);
    port.on('frame', (frame, peer) => this.handle(port, frame, peer));
  }

  start(): void {
    this.tick();
    this.timer = this.options.clock.setInterval(() => this.tick(), 250);
  }

  stop(): void {
    this.options.clock.clear(this.timer);
    this.timer = null;
    this.stopping.abort();
  }

  list(): Vehicle[] {
    return [...this.byKey.values()];
  }

  /** The collisions open now. */
  openCollisions(): IdCollision[] {
    return [...this.collisions.values()];
  }

  /** The vehicle flying as this drone; a live one is preferred over a lost one. */
  byDroneId(droneId: string): Vehicle | undefined {
    let found: Vehicle | undefined;
    for (const v of this.byKey.values()) {
      if (v.droneId !== droneId) continue;
      if (v.link === 'live') return v;
      found ??= v;
    }
    return found;
  }

  /** Every frame a port accepted. */
  handle(port: MavlinkPort, frame: Frame, peer: string): void {
    const now = this.options.clock.now();
    if (frame.msgid === Heartbeat.MSG_ID) this.heartbeat(port, frame, peer, now);
    const system = this.bySystem.get(`${port.name}/${frame.sysid}`);
    if (!system) return;
    // Frames go to the vehicles at the address they came from; a component heard nowhere else
    // (a companion computer on its own UDP port) speaks for its whole system.
    const here = system.filter((v) => v.peer === peer);
    for (const v of here.length ? here : system) {
      v.deliver(frame);
      const reading = v.telemetry.apply(frame, frame.compid === v.target.compid, now);
      if (reading && this.identify(v, now)) this.emit('reading', v, reading);
    }
  }

  private heartbeat(port: MavlinkPort, frame: Frame, peer: string, now: number): void {
    const hb = decodeAs(frame, Heartbeat);
    // Ground stations, radios, gimbals and Remote ID transmitters beat too; only autopilots fly.
    if (hb.autopilot === MavAutopilot.INVALID) return;
    const id = `${port.name}/${frame.sysid}/${frame.compid}`;
    const system = `${port.name}/${frame.sysid}`;
    const same = (this.bySystem.get(system) ?? []).filter((v) => v.target.compid === frame.compid);
    // A drone heard at a new address once its old one fell silent is the same drone (a bridge restarted).
    let v =
      same.find((x) => x.peer === peer) ??
      same.find((x) => x.link === 'lost' || now - x.lastHeartbeat > MISSED_BEAT_MS);
    const isNew = !v;
    if (!v) {
      const key = this.byKey.has(id) ? `${id}@${peer}` : id;
      v = new Vehicle(key, port, peer, frame.sysid, frame.compid, now, now);
      this.byKey.set(key, v);
      this.bySystem.set(system, [...(this.bySystem.get(system) ?? []), v]);
    }
    v.peer = peer;
    v.lastHeartbeat = now;
    v.autopilot = hb.autopilot;
    v.type = hb.type;
    v.mavlink = frame.version;
    v.telemetry.heartbeat(hb.autopilot, hb.type, hb.baseMode, hb.customMode);
    if (isNew || v.link === 'lost') {
      v.link = 'live';
      this.options.log.info(
        { vehicle: v.key, droneId: v.droneId, autopilot: hb.autopilot, mavlink: v.mavlink },
        'vehicle found',
      );
      this.emit('found', v);
      this.requestStreams(v).catch((err: unknown) =>
        this.options.log.warn({ err, vehicle: v.key }, 'could not ask the vehicle for its streams'),
      );
    }
  }

  /**
   * Settles the drone id: configured, else Remote ID, else (after identifyMs) one made from the
   * link. A vehicle that appears at another address on the id of a live, identified one waits
   * until it is known whether it is that drone at a new address (the old one falls silent) or a
   * second drone (both keep beating); a second drone flies under its own Remote ID if it
   * broadcasts one, else under an id made from its address, never under the first one's id.
   */
  private identify(v: Vehicle, now: number, counted = true): boolean {
    const configured = this.options.droneIds.get(v.target.sysid);
    const broadcast = v.telemetry.uasId;
    if (v.droneId !== null) {
      const clash = v.telemetry.remoteIdClash(now);
      if (!configured && broadcast && v.droneId !== broadcast && !clash && !this.rival(v, broadcast)) {
        this.options.log.info({ vehicle: v.key, from: v.droneId, to: broadcast }, 'drone id now from Remote ID');
        v.droneId = broadcast;
      }
      return true;
    }
    let id = configured ?? broadcast ?? (now - v.foundAt >= this.options.identifyMs ? this.madeUpId(v, false) : null);
    const rival = id === null ? undefined : this.rival(v, id);
    if (rival) {
      if (broadcast && broadcast !== rival.droneId && !this.rival(v, broadcast)) id = broadcast;
      else if (collide(v, rival)) id = this.madeUpId(v, true);
      else id = null;
    }
    if (id === null) {
      if (counted) this.unidentified++;
      return false;
    }
    v.droneId = id;
    this.options.log.info({ vehicle: v.key, droneId: id }, 'drone identified');
    return true;
  }

  /** An older live vehicle on the same id, at another address, flying as `droneId`. */
  private rival(v: Vehicle, droneId: string): Vehicle | undefined {
    return this.bySystem
      .get(`${v.port.name}/${v.target.sysid}`)
      ?.find(
        (o) =>
          o !== v &&
          o.target.compid === v.target.compid &&
          o.peer !== v.peer &&
          o.link === 'live' &&
          o.foundAt <= v.foundAt &&
          o.droneId === droneId,
      );
  }

  private madeUpId(v: Vehicle, withAddress: boolean): string {
    const base = `${this.options.gatewayId}-${v.port.name}-${v.target.sysid}`;
    return (withAddress ? `${base}-${v.peer.replace(/[^\w.-]/g, '-')}` : base).slice(0, 64);
  }

  /** Telemetry rates by SET_MESSAGE_INTERVAL; autopilots that lack it get REQUEST_DATA_STREAM. */
  private async requestStreams(v: Vehicle): Promise<void> {
    const context = { clock: this.options.clock, signal: this.stopping.signal };
    const signal = context.signal;
    const position = await setMessageInterval(v, GlobalPositionInt.MSG_ID, this.options.positionHz, context);
    if (signal.aborted) return;
    if (!position.ok) {
      this.options.log.warn(
        { vehicle: v.key, result: position.result },
        'SET_MESSAGE_INTERVAL refused; asking for data streams',
      );
      for (const [stream, hz] of [
        [MavDataStream.POSITION, this.options.positionHz],
        [MavDataStream.EXTENDED_STATUS, 1],
      ] as const) {
        v.send(
          message(RequestDataStream, {
            targetSystem: v.target.sysid,
            targetComponent: v.target.compid,
            reqStreamId: stream,
            reqMessageRate: hz,
            startStop: 1,
          }),
        );
      }
      return;
    }
    for (const msgid of [SysStatus.MSG_ID, BatteryStatus.MSG_ID, GpsRawInt.MSG_ID]) {
      const r = await setMessageInterval(v, msgid, 1, context);
      if (signal.aborted) return;
      if (!r.ok) this.options.log.debug({ vehicle: v.key, msgid, result: r.result }, 'message interval refused');
    }
  }

  private tick(): void {
    const now = this.options.clock.now();
    if (now - this.lastBeat >= 1000) {
      this.lastBeat = now;
      const beat = message(Heartbeat, {
        type: MavType.GCS,
        autopilot: MavAutopilot.INVALID,
        baseMode: 0 as minimal.MavModeFlag,
        customMode: 0,
        systemStatus: MavState.ACTIVE,
        mavlinkVersion: 3,
      });
      for (const port of this.ports) port.send(beat);
      // A vehicle that speaks only MAVLink 1 may not read the MAVLink 2 beat.
      for (const v of this.byKey.values()) if (v.link === 'live' && v.mavlink === 1) v.send(beat);
    }
    for (const v of this.byKey.values()) {
      if (v.link === 'live' && now - v.lastHeartbeat > this.options.lostAfterMs) {
        v.link = 'lost';
        this.options.log.warn({ vehicle: v.key, droneId: v.droneId }, 'vehicle lost: no heartbeat');
        this.emit('lost', v);
      }
    }
    this.checkCollisions(now);
  }

  /**
   * Finds the ids more than one vehicle answers to now: live vehicles on one id at different
   * UDP addresses that keep beating, or one vehicle whose Remote ID takes turns between two
   * values (two drones on one serial line, which nothing else tells apart). Reports each
   * collision when it starts and when it ends.
   */
  private checkCollisions(now: number): void {
    const found = new Map<string, IdCollision>();
    const byId = new Map<string, Vehicle[]>();
    for (const v of this.byKey.values()) {
      if (v.link !== 'live') continue;
      byId.set(v.mavlinkId, [...(byId.get(v.mavlinkId) ?? []), v]);
      const clash = v.telemetry.remoteIdClash(now);
      if (clash) {
        found.set(v.mavlinkId, {
          ...this.idOf(v),
          vehicles: clash.map((remoteId, i) => ({
            // The id's telemetry flies as one drone: named on its own Remote ID, else on the first.
            droneId: remoteId === v.droneId || (i === 0 && !clash.includes(v.droneId ?? '')) ? v.droneId : null,
            address: v.port.link.datagrams ? v.peer : null,
            remoteId,
          })),
          state: 'open',
        });
      }
    }
    for (const [id, vs] of byId) {
      const clashing = vs.filter((a) => vs.some((b) => b !== a && collide(a, b)));
      if (clashing.length < 2) continue;
      // The newcomers get their own ids now, so the report names them.
      for (const v of clashing) if (v.droneId === null) this.identify(v, now, false);
      found.set(id, {
        ...this.idOf(clashing[0]!),
        vehicles: clashing.map((v) => ({
          droneId: v.droneId,
          address: v.peer,
          remoteId: v.telemetry.uasId ?? null,
        })),
        state: 'open',
      });
    }
    for (const [id, collision] of found) {
      if (this.collisions.has(id)) continue;
      this.collisions.set(id, collision);
      this.options.log.warn(collision, 'vehicles share one MAVLink id');
      this.emit('collision', collision);
    }
    for (const [id, collision] of this.collisions) {
      if (found.has(id)) continue;
      this.collisions.delete(id);
      const closed: IdCollision = { ...collision, state: 'closed' };
      this.options.log.info(closed, 'MAVLink id no longer shared');
      this.emit('collision', closed);
    }
  }

  private idOf(v: Vehicle): Pick<IdCollision, 'link' | 'sysid' | 'compid'> {
    return { link: v.port.name, sysid: v.target.sysid, compid: v.target.compid };
  }
}
