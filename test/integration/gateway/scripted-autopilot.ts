import dgram from 'node:dgram';
import { common, minimal, type MavLinkData } from 'node-mavlink';
import { SerialPort } from 'serialport';
import type { GatewayClock, GatewayTimer } from '../../../gateway/clock.ts';
import { decode, decodeAs, Encoder, message, textToBytes } from '../../../gateway/mavlink/codec.ts';
import { MavlinkFramer, type Frame } from '../../../gateway/mavlink/framer.ts';
import { fromMissionItemInt, toMissionItemInt } from '../../../gateway/mavlink/mission-items.ts';
import { answerParam, type Params } from '../../../gateway/sim/params.ts';
import type { MissionItem } from '../../../server/protocol/index.ts';

const { Heartbeat, MavAutopilot, MavModeFlag, MavState, MavType } = minimal;
const {
  CommandAck,
  CommandLong,
  GlobalPositionInt,
  MavMissionResult,
  MavMissionType,
  MavResult,
  MissionAck,
  MissionCount,
  MissionItemInt,
  MissionRequest,
  MissionRequestInt,
  MissionRequestList,
  OpenDroneIdBasicId,
  ParamRequestRead,
  ParamSet,
} = common;

/** ArduPilot's MissionItemProtocol: an upload is dropped after 8 s without an item. */
const UPLOAD_TIMEOUT_MS = 8000;
/** ArduPilot asks again for the item it waits for after 1 s, plus the radio's slow-down. */
const REREQUEST_MS = 1000;
const ODID_CAA_REGISTRATION_ID = 2;

export interface ScriptedOptions {
  sysid: number;
  compid?: number;
  /** The MAVLink version the vehicle sends (it reads both, as ArduPilot does). */
  mavlink?: 1 | 2;
  remoteId?: string | null;
  position?: { lat: number; lon: number; altAmsl: number; altRelative: number };
  /** ArduPilot's stream slow-down on a busy radio: later re-requests. */
  slowdownMs?: number;
}

/** What the vehicle sent or heard, by message name, for tests to wait on. */
export interface Logged {
  dir: 'in' | 'out';
  name: string;
  msg: MavLinkData;
  frame: Frame | null;
}

/**
 * What a test scripts: per outgoing message, send it (`send`), drop it, or hold it back for so
 * long on the clock (a busy radio); per COMMAND_LONG, the acknowledgements to answer with.
 */
export interface Script {
  outgoing?: (name: string, msg: MavLinkData) => 'send' | 'drop' | { delayMs: number };
  command?: (c: InstanceType<typeof CommandLong>) => Array<{ result: number; targetSystem?: number; afterMs?: number }>;
}

interface Upload {
  type: number;
  count: number;
  items: MissionItem[];
  from: { sysid: number; compid: number };
  lastItemAt: number;
  lastRequestAt: number;
}

/**
 * An autopilot whose mission, command and parameter handling follow ArduPilot's
 * (GCS_MAVLink's MissionItemProtocol): MISSION_REQUEST for the next item, asked again after
 * 1 s (+ slow-down), the upload dropped after 8 s; an item it did not ask for draws
 * MAV_MISSION_INVALID_SEQUENCE, an item after the upload ended MAV_MISSION_ERROR; a fence or
 * rally list over a MAVLink 1 link is refused with UNSUPPORTED ("Need mavlink2 for item
 * transfer"), in a MAVLink 1 frame that cannot say which list. Lists read back as stored.
 * Everything it does by time runs on the given clock; tests script its radio.
 */
export class ScriptedAutopilot {
  readonly log: Logged[] = [];
  readonly lists = new Map<number, MissionItem[]>();
  readonly params: Params = new Map([
    ['FENCE_ALT_MAX', { value: 100, type: 9 }],
    ['FENCE_TYPE', { value: 6, type: 2 }],
  ]);
  script: Script = {};
  private readonly encoder: Encoder;
  private upload: Upload | null = null;
  private readonly timers: GatewayTimer[] = [];
  private readonly sysid: number;
  private readonly compid: number;
  private readonly mavlink: 1 | 2;

  constructor(
    private readonly options: ScriptedOptions,
    private readonly clock: GatewayClock,
    private readonly transmit: (bytes: Buffer) => void,
  ) {
    this.sysid = options.sysid;
    this.compid = options.compid ?? 1;
    this.mavlink = options.mavlink ?? 2;
    this.encoder = new Encoder({ sysid: this.sysid, compid: this.compid });
    this.timers.push(clock.setInterval(() => this.beat(), 1000));
    this.timers.push(clock.setInterval(() => this.checkUpload(), 100));
    this.beat();
  }

  stop(): void {
    for (const t of this.timers) this.clock.clear(t);
  }

  /** Messages of a name it sent or heard. */
  seen(dir: 'in' | 'out', name: string): Logged[] {
    return this.log.filter((l) => l.dir === dir && l.name === name);
  }

  receive(frame: Frame): void {
    const from = { sysid: frame.sysid, compid: frame.compid };
    const heard = decode(frame);
    if (heard) this.log.push({ dir: 'in', name: nameOf(heard), msg: heard, frame });
    switch (frame.msgid) {
      case CommandLong.MSG_ID: {
        const c = decodeAs(frame, CommandLong);
        if (this.forUs(c.targetSystem)) this.command(c, from);
        return;
      }
      case MissionCount.MSG_ID: {
        const m = decodeAs(frame, MissionCount);
        if (this.forUs(m.targetSystem)) this.missionCount(m, from);
        return;
      }
      case MissionItemInt.MSG_ID: {
        const m = decodeAs(frame, MissionItemInt);
        if (this.forUs(m.targetSystem)) this.missionItem(m, from);
        return;
      }
      case MissionRequestList.MSG_ID: {
        const m = decodeAs(frame, MissionRequestList);
        if (!this.forUs(m.targetSystem)) return;
        if (this.upload) return this.ack(from, MavMissionResult.DENIED, m.missionType);
        const items = this.lists.get(m.missionType) ?? [];
        this.send(
          message(MissionCount, {
            targetSystem: from.sysid,
            targetComponent: from.compid,
            count: items.length,
            missionType: m.missionType,
          }),
        );
        return;
      }
      case MissionRequestInt.MSG_ID: {
        const m = decodeAs(frame, MissionRequestInt);
        if (!this.forUs(m.targetSystem)) return;
        const item = this.lists.get(m.missionType)?.[m.seq];
        if (this.upload || !item)
          return this.ack(
            from,
            this.upload ? MavMissionResult.DENIED : MavMissionResult.INVALID_SEQUENCE,
            m.missionType,
          );
        this.send(toMissionItemInt(item, m.seq, m.missionType, from));
        return;
      }
      case ParamSet.MSG_ID:
      case ParamRequestRead.MSG_ID: {
        const answer = answerParam(this.params, this.sysid, frame);
        if (answer) this.send(answer);
        return;
      }
      default:
    }
  }

  private forUs(targetSystem: number): boolean {
    return targetSystem === this.sysid || targetSystem === 0;
  }

  private send(msg: MavLinkData): void {
    // A MAVLink 1 link carries no message id above 255 (Remote ID among them): ArduPilot skips those.
    if (this.mavlink === 1 && (msg.constructor as unknown as { MSG_ID: number }).MSG_ID > 255) return;
    const name = nameOf(msg);
    const fate = this.script.outgoing?.(name, msg) ?? 'send';
    this.log.push({ dir: 'out', name: fate === 'drop' ? `${name} (dropped)` : name, msg, frame: null });
    if (fate === 'drop') return;
    const bytes = this.mavlink === 1 ? this.encoder.encodeV1(msg) : this.encoder.encode(msg);
    if (fate === 'send') this.transmit(bytes);
    else this.clock.setTimeout(() => this.transmit(bytes), fate.delayMs);
  }

  private beat(): void {
    this.send(
      message(Heartbeat, {
        type: MavType.QUADROTOR,
        autopilot: MavAutopilot.ARDUPILOTMEGA,
        baseMode: (MavModeFlag.CUSTOM_MODE_ENABLED | MavModeFlag.STABILIZE_ENABLED) as minimal.MavModeFlag,
        customMode: 0,
        systemStatus: MavState.STANDBY,
        mavlinkVersion: 3,
      }),
    );
    if (this.options.remoteId) {
      this.send(
        message(OpenDroneIdBasicId, {
          idType: ODID_CAA_REGISTRATION_ID,
          uaType: 2,
          uasId: textToBytes(this.options.remoteId, 20),
        }),
      );
    }
    const p = this.options.position;
    if (p) {
      this.send(
        message(GlobalPositionInt, {
          lat: Math.round(p.lat * 1e7),
          lon: Math.round(p.lon * 1e7),
          alt: Math.round(p.altAmsl * 1000),
          relativeAlt: Math.round(p.altRelative * 1000),
          hdg: 0xffff,
        }),
      );
    }
  }

  private command(c: InstanceType<typeof CommandLong>, from: { sysid: number; compid: number }): void {
    const answers = this.script.command?.(c) ?? [{ result: MavResult.ACCEPTED }];
    for (const a of answers) {
      const ack = () =>
        this.send(
          message(CommandAck, {
            command: c.command,
            result: a.result,
            targetSystem: a.targetSystem ?? from.sysid,
            targetComponent: from.compid,
          }),
        );
      if (a.afterMs) this.clock.setTimeout(ack, a.afterMs);
      else ack();
    }
  }

  private ack(to: { sysid: number; compid: number }, result: number, missionType: number): void {
    this.send(message(MissionAck, { targetSystem: to.sysid, targetComponent: to.compid, type: result, missionType }));
  }

  private missionCount(m: InstanceType<typeof MissionCount>, from: { sysid: number; compid: number }): void {
    if (m.missionType !== MavMissionType.MISSION && this.mavlink === 1) {
      return this.ack(from, MavMissionResult.UNSUPPORTED, m.missionType);
    }
    if (this.upload && (this.upload.from.sysid !== from.sysid || this.upload.from.compid !== from.compid)) {
      return this.ack(from, MavMissionResult.DENIED, m.missionType);
    }
    if (m.count === 0) {
      this.lists.set(m.missionType, []);
      return this.ack(from, MavMissionResult.ACCEPTED, m.missionType);
    }
    const now = this.clock.now();
    this.upload = { type: m.missionType, count: m.count, items: [], from, lastItemAt: now, lastRequestAt: now };
    this.request();
  }

  private missionItem(m: InstanceType<typeof MissionItemInt>, from: { sysid: number; compid: number }): void {
    const u = this.upload;
    if (!u || u.type !== m.missionType) return this.ack(from, MavMissionResult.ERROR, m.missionType);
    if (m.seq !== u.items.length) return this.ack(from, MavMissionResult.INVALID_SEQUENCE, m.missionType);
    u.items.push(fromMissionItemInt(m));
    u.lastItemAt = this.clock.now();
    if (u.items.length < u.count) return this.request();
    this.upload = null;
    this.lists.set(u.type, u.items);
    this.ack(from, MavMissionResult.ACCEPTED, u.type);
  }

  private request(): void {
    const u = this.upload!;
    u.lastRequestAt = this.clock.now();
    this.send(
      message(MissionRequest, {
        targetSystem: u.from.sysid,
        targetComponent: u.from.compid,
        seq: u.items.length,
        missionType: u.type,
      }),
    );
  }

  private checkUpload(): void {
    const u = this.upload;
    if (!u) return;
    const now = this.clock.now();
    if (now - u.lastItemAt > UPLOAD_TIMEOUT_MS) {
      this.upload = null;
      this.ack(u.from, MavMissionResult.OPERATION_CANCELLED, u.type);
    } else if (now - u.lastRequestAt > REREQUEST_MS + (this.options.slowdownMs ?? 0)) {
      this.request();
    }
  }
}

function nameOf(msg: MavLinkData): string {
  return (msg.constructor as unknown as { MSG_NAME: string }).MSG_NAME;
}

export interface Radio {
  /** Bytes the vehicles have put on the air so far (the gateway has them all when its link counted as many). */
  sent(): number;
  /** Where the gateway hears the i-th vehicle from: its UDP address, or null on a serial line. */
  address(i: number): string | null;
  stop(): Promise<void>;
}

/**
 * Scripted autopilots, each on its own UDP socket to a gateway's listener (as separate
 * vehicles, or as one vehicle's serial-to-UDP bridge). `split` cuts what a vehicle sends into
 * datagrams as a bridge does; frames the gateway sends are framed as a stream too.
 */
export async function overUdp(
  port: number,
  vehicles: Array<(transmit: (bytes: Buffer) => void) => ScriptedAutopilot>,
  split: (bytes: Buffer) => Buffer[] = (b) => [b],
): Promise<{ vehicles: ScriptedAutopilot[]; sockets: dgram.Socket[] } & Radio> {
  const sockets: dgram.Socket[] = [];
  const made: ScriptedAutopilot[] = [];
  let open = true;
  let sent = 0;
  for (const make of vehicles) {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const v = make((bytes) => {
      if (!open) return;
      sent += bytes.length;
      for (const d of split(bytes)) socket.send(d, port, '127.0.0.1');
    });
    const framer = new MavlinkFramer();
    socket.on('message', (msg) => framer.push(msg, (f) => v.receive({ ...f, bytes: Buffer.from(f.bytes) })));
    sockets.push(socket);
    made.push(v);
  }
  return {
    vehicles: made,
    sockets,
    sent: () => sent,
    address: (i) => `127.0.0.1:${sockets[i]!.address().port}`,
    async stop() {
      open = false;
      for (const v of made) v.stop();
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** Scripted autopilots sharing one serial line (one end of a pty pair), as on a radio network. */
export async function overSerial(
  path: string,
  vehicles: Array<(transmit: (bytes: Buffer) => void) => ScriptedAutopilot>,
): Promise<{ vehicles: ScriptedAutopilot[]; port: SerialPort } & Radio> {
  const port = new SerialPort({ path, baudRate: 57_600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  let sent = 0;
  const made = vehicles.map((make) =>
    make((bytes) => {
      if (!port.isOpen) return;
      sent += bytes.length;
      port.write(bytes);
    }),
  );
  const framer = new MavlinkFramer();
  port.on('data', (chunk: Buffer) =>
    framer.push(chunk, (f) => made.forEach((v) => v.receive({ ...f, bytes: Buffer.from(f.bytes) }))),
  );
  return {
    vehicles: made,
    port,
    sent: () => sent,
    address: () => null,
    async stop() {
      for (const v of made) v.stop();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
