import { EventEmitter } from 'node:events';
import { common, minimal, type MavLinkData } from 'node-mavlink';
import type { Logger } from 'pino';
import type { VehicleChannel } from './mavlink/channel.ts';
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
  clock: () => number;
  log: Logger;
}

export type VehicleLink = 'live' | 'lost';

/** One autopilot, heard on one link: link + system id + component id. */
export class Vehicle implements VehicleChannel {
  readonly telemetry = new VehicleTelemetry();
  readonly target: { sysid: number; compid: number };
  droneId: string | null = null;
  link: VehicleLink = 'live';
  autopilot = 0;
  type = 0;
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

  send(msg: MavLinkData): void {
    this.port.send(msg, this.peer);
  }

  subscribe(onFrame: (frame: Frame) => void): () => void {
    this.listeners.add(onFrame);
    return () => void this.listeners.delete(onFrame);
  }

  deliver(frame: Frame): void {
    for (const l of this.listeners) l(frame);
  }
}

export interface VehicleEvents {
  /** A vehicle's first heartbeat, or its first after it was lost. */
  found: [Vehicle];
  lost: [Vehicle];
  /** A position report of an identified vehicle. */
  reading: [Vehicle, Reading];
}

/**
 * Every vehicle the gateway hears, keyed by link + system id + component id. Sends our GCS
 * heartbeat on every link once a second, asks new vehicles for their telemetry rates, and
 * declares a vehicle lost when its heartbeats stop (a pty or UDP gives no other sign).
 */
export class Vehicles extends EventEmitter<VehicleEvents> {
  /** Position reports dropped because the vehicle had no id yet. */
  unidentified = 0;
  private readonly byKey = new Map<string, Vehicle>();
  private readonly bySystem = new Map<string, Vehicle[]>();
  private readonly ports: MavlinkPort[] = [];
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;
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
    this.timer = setInterval(() => this.tick(), 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping.abort();
  }

  list(): Vehicle[] {
    return [...this.byKey.values()];
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
    const now = this.options.clock();
    if (frame.msgid === Heartbeat.MSG_ID) this.heartbeat(port, frame, peer, now);
    const vehicles = this.bySystem.get(`${port.name}/${frame.sysid}`);
    if (!vehicles) return;
    for (const v of vehicles) {
      v.deliver(frame);
      const reading = v.telemetry.apply(frame, frame.compid === v.target.compid, now);
      if (reading && this.identify(v, now)) this.emit('reading', v, reading);
    }
  }

  private heartbeat(port: MavlinkPort, frame: Frame, peer: string, now: number): void {
    const hb = decodeAs(frame, Heartbeat);
    // Ground stations, radios, gimbals and Remote ID transmitters beat too; only autopilots fly.
    if (hb.autopilot === MavAutopilot.INVALID) return;
    const key = `${port.name}/${frame.sysid}/${frame.compid}`;
    let v = this.byKey.get(key);
    const isNew = !v;
    if (!v) {
      v = new Vehicle(key, port, peer, frame.sysid, frame.compid, now, now);
      this.byKey.set(key, v);
      const system = `${port.name}/${frame.sysid}`;
      this.bySystem.set(system, [...(this.bySystem.get(system) ?? []), v]);
    }
    v.peer = peer;
    v.lastHeartbeat = now;
    v.autopilot = hb.autopilot;
    v.type = hb.type;
    v.telemetry.heartbeat(hb.autopilot, hb.type, hb.baseMode, hb.customMode);
    if (isNew || v.link === 'lost') {
      v.link = 'live';
      this.options.log.info({ vehicle: key, droneId: v.droneId, autopilot: hb.autopilot }, 'vehicle found');
      this.emit('found', v);
      void this.requestStreams(v);
    }
  }

  /** Settles the drone id: configured, else Remote ID, else (after identifyMs) one made from the link. */
  private identify(v: Vehicle, now: number): boolean {
    const configured = this.options.droneIds.get(v.target.sysid);
    const broadcast = v.telemetry.uasId;
    if (v.droneId !== null) {
      if (!configured && broadcast && v.droneId !== broadcast) {
        this.options.log.info({ vehicle: v.key, from: v.droneId, to: broadcast }, 'drone id now from Remote ID');
        v.droneId = broadcast;
      }
      return true;
    }
    const id =
      configured ??
      broadcast ??
      (now - v.foundAt >= this.options.identifyMs
        ? `${this.options.gatewayId}-${v.port.name}-${v.target.sysid}`.slice(0, 64)
        : null);
    if (id === null) {
      this.unidentified++;
      return false;
    }
    v.droneId = id;
    this.options.log.info({ vehicle: v.key, droneId: id }, 'drone identified');
    return true;
  }

  /** Telemetry rates by SET_MESSAGE_INTERVAL; autopilots that lack it get REQUEST_DATA_STREAM. */
  private async requestStreams(v: Vehicle): Promise<void> {
    const signal = this.stopping.signal;
    const position = await setMessageInterval(v, GlobalPositionInt.MSG_ID, this.options.positionHz, signal);
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
      const r = await setMessageInterval(v, msgid, 1, signal);
      if (signal.aborted) return;
      if (!r.ok) this.options.log.debug({ vehicle: v.key, msgid, result: r.result }, 'message interval refused');
    }
  }

  private tick(): void {
    const now = this.options.clock();
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
    }
    for (const v of this.byKey.values()) {
      if (v.link === 'live' && now - v.lastHeartbeat > this.options.lostAfterMs) {
        v.link = 'lost';
        this.options.log.warn({ vehicle: v.key, droneId: v.droneId }, 'vehicle lost: no heartbeat');
        this.emit('lost', v);
      }
    }
  }
}
