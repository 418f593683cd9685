import { common, minimal, type MavLinkData } from 'node-mavlink';
import type { MissionItem } from '../../server/protocol/index.ts';
import { decodeAs, Encoder, message, textToBytes } from '../mavlink/codec.ts';
import type { Frame } from '../mavlink/framer.ts';
import { COPTER_MODE } from '../mavlink/modes.ts';
import { Signer, Verifier } from '../mavlink/signing.ts';
import { CMD, Copter, type CopterMode, type CopterOptions } from './copter.ts';
import { MissionReceiver } from './mission-receiver.ts';
import { answerParam, type Params } from './params.ts';
import { mulberry32 } from './random.ts';

const { Heartbeat, MavAutopilot, MavModeFlag, MavState, MavType } = minimal;
const {
  BatteryStatus,
  CommandAck,
  CommandLong,
  GlobalPositionInt,
  GpsRawInt,
  MavCmd,
  MavMissionResult,
  MavMissionType,
  MavResult,
  MissionCount,
  MissionCurrent,
  MissionItemInt,
  MissionItemReached,
  OpenDroneIdBasicId,
  OpenDroneIdOperatorId,
  ParamRequestRead,
  ParamSet,
  RequestDataStream,
  StatusText,
  SysStatus,
} = common;

const FENCE_COMMANDS = new Set<number>([
  CMD.FENCE_RETURN_POINT,
  CMD.FENCE_POLYGON_VERTEX_INCLUSION,
  CMD.FENCE_POLYGON_VERTEX_EXCLUSION,
  CMD.FENCE_CIRCLE_INCLUSION,
  CMD.FENCE_CIRCLE_EXCLUSION,
]);
/** Frames a mission item's position may be given in: global (AMSL), relative to home, above terrain, or none. */
const MISSION_FRAMES = new Set([0, 2, 3, 5, 6, 10, 11]);
const MODE_BY_NUMBER = new Map<number, CopterMode>(
  Object.entries(COPTER_MODE).map(([name, n]) => [n, name as CopterMode]),
);
/** ArduCopter's fence parameters, as the simulator keeps them (FENCE_TYPE 7: altitude, circle, polygon). */
const PARAMS: ReadonlyArray<[name: string, value: number, type: number]> = [
  ['FENCE_ALT_MAX', 100, 9],
  ['FENCE_TYPE', 7, 2],
];
const MAV_DATA_STREAM_EXTENDED_STATUS = 2;
const MAV_DATA_STREAM_POSITION = 6;
/** MAV_ODID_ID_TYPE and MAV_ODID_UA_TYPE */
const ODID_SERIAL_NUMBER = 1;
const ODID_CAA_REGISTRATION_ID = 2;
const ODID_HELICOPTER_OR_MULTIROTOR = 2;

export interface AutopilotOptions {
  sysid: number;
  /** Broadcast as the Remote ID (OPEN_DRONE_ID_BASIC_ID); a JU… mark is sent as a registration, anything else as a serial. */
  droneId: string | null;
  operatorId: string | null;
  positionHz: number;
  /** Signs what it sends, and ignores unsigned or badly signed frames. */
  signingKey: Buffer | null;
  /** Takes off on its own once a mission is uploaded while it stands on the ground. */
  autoStart: boolean;
  /** Drops this share of frames each way, deterministically (a lossy radio). */
  loss: number;
  copter: CopterOptions;
}

/**
 * One simulated ArduCopter on the wire: heartbeat, GLOBAL_POSITION_INT, SYS_STATUS,
 * BATTERY_STATUS, GPS_RAW_INT and Remote ID at their rates (changed by SET_MESSAGE_INTERVAL),
 * the mission and fence protocols, and COMMAND_LONG with COMMAND_ACK.
 */
export class SimAutopilot {
  readonly copter: Copter;
  /** While true the radio is dead both ways. */
  linkCut = false;
  readonly verifier: Verifier | null;
  private readonly encoder: Encoder;
  private readonly missions: MissionReceiver;
  private readonly intervals = new Map<number, number>();
  private readonly due = new Map<number, number>();
  private readonly random: () => number;
  readonly params: Params = new Map(PARAMS.map(([name, value, type]) => [name, { value, type }]));
  private bootAt: number | null = null;

  constructor(
    readonly options: AutopilotOptions,
    private readonly transmit: (bytes: Buffer) => void,
  ) {
    this.copter = new Copter(options.copter);
    const key = options.signingKey;
    this.encoder = new Encoder({ sysid: options.sysid, compid: 1 }, key ? new Signer(key, 0) : null);
    this.verifier = key ? new Verifier({ key, require: true }) : null;
    this.missions = new MissionReceiver(
      (msg) => this.send(msg),
      (type, items) => this.store(type, items),
    );
    this.random = mulberry32(options.sysid * 7919);
    const positionMs = 1000 / options.positionHz;
    this.intervals.set(Heartbeat.MSG_ID, 1000);
    this.intervals.set(GlobalPositionInt.MSG_ID, positionMs);
    for (const id of [SysStatus.MSG_ID, BatteryStatus.MSG_ID, GpsRawInt.MSG_ID, MissionCurrent.MSG_ID]) {
      this.intervals.set(id, 1000);
    }
    if (options.droneId) this.intervals.set(OpenDroneIdBasicId.MSG_ID, 1000);
    if (options.operatorId) this.intervals.set(OpenDroneIdOperatorId.MSG_ID, 1000);
  }

  get sysid(): number {
    return this.options.sysid;
  }

  /** A frame from the radio; frames for other systems are ignored. */
  receive(frame: Frame): void {
    if (this.linkCut || (this.options.loss > 0 && this.random() < this.options.loss)) return;
    if (this.verifier && !this.verifier.accept(frame)) return;
    const from = { sysid: frame.sysid, compid: frame.compid };
    switch (frame.msgid) {
      case CommandLong.MSG_ID: {
        const c = decodeAs(frame, CommandLong);
        if (this.forUs(c.targetSystem)) this.command(c, from);
        return;
      }
      case MissionCount.MSG_ID: {
        const m = decodeAs(frame, MissionCount);
        if (this.forUs(m.targetSystem)) this.missions.count(m.count, m.missionType, from);
        return;
      }
      case MissionItemInt.MSG_ID: {
        const m = decodeAs(frame, MissionItemInt);
        if (this.forUs(m.targetSystem)) this.missions.item(m, from);
        return;
      }
      case ParamSet.MSG_ID:
      case ParamRequestRead.MSG_ID: {
        const answer = answerParam(this.params, this.sysid, frame);
        if (answer) this.send(answer);
        return;
      }
      case RequestDataStream.MSG_ID: {
        const r = decodeAs(frame, RequestDataStream);
        if (!this.forUs(r.targetSystem) || r.reqMessageRate <= 0) return;
        const ms = 1000 / r.reqMessageRate;
        if (r.reqStreamId === MAV_DATA_STREAM_POSITION) this.intervals.set(GlobalPositionInt.MSG_ID, ms);
        if (r.reqStreamId === MAV_DATA_STREAM_EXTENDED_STATUS) {
          this.intervals.set(SysStatus.MSG_ID, ms);
          this.intervals.set(GpsRawInt.MSG_ID, ms);
        }
        return;
      }
      default:
    }
  }

  /** Advances the flight by `dt` simulated seconds and sends whatever is due at `now`. */
  tick(now: number, dt: number): void {
    this.bootAt ??= now;
    this.copter.step(dt);
    for (const e of this.copter.drainEvents()) {
      if (e.kind === 'reached') this.send(message(MissionItemReached, { seq: e.seq }));
      else this.send(message(StatusText, { severity: e.severity, text: e.text.slice(0, 50) }));
    }
    for (const [msgid, interval] of this.intervals) {
      if (interval <= 0) continue;
      const due = this.due.get(msgid) ?? now;
      if (now < due) continue;
      this.due.set(msgid, due + interval < now ? now + interval : due + interval);
      const msg = this.telemetry(msgid, now);
      if (msg) this.send(msg);
    }
  }

  stop(): void {
    this.missions.stop();
  }

  private forUs(targetSystem: number): boolean {
    return targetSystem === this.options.sysid || targetSystem === 0;
  }

  private send(msg: MavLinkData): void {
    if (this.linkCut || (this.options.loss > 0 && this.random() < this.options.loss)) return;
    this.transmit(this.encoder.encode(msg));
  }

  private store(type: number, items: MissionItem[]): number {
    if (type === MavMissionType.FENCE) {
      if (items.some((i) => !FENCE_COMMANDS.has(i.command))) return MavMissionResult.UNSUPPORTED;
      this.copter.setFence(items);
      return MavMissionResult.ACCEPTED;
    }
    if (type !== MavMissionType.MISSION) return MavMissionResult.UNSUPPORTED;
    if (items.some((i) => !MISSION_FRAMES.has(i.frame))) return MavMissionResult.UNSUPPORTED_FRAME;
    this.copter.setMission(items);
    if (this.options.autoStart && !this.copter.armed && items.length > 1) this.copter.startMission();
    return MavMissionResult.ACCEPTED;
  }

  private command(c: InstanceType<typeof CommandLong>, from: { sysid: number; compid: number }): void {
    const result = this.execute(c);
    this.send(
      message(CommandAck, { command: c.command, result, targetSystem: from.sysid, targetComponent: from.compid }),
    );
  }

  private execute(c: InstanceType<typeof CommandLong>): number {
    const { ACCEPTED, FAILED, UNSUPPORTED } = MavResult;
    const copter = this.copter;
    switch (c.command) {
      case MavCmd.SET_MESSAGE_INTERVAL: {
        const us = c._param2;
        if (us === 0) return ACCEPTED;
        this.intervals.set(c._param1, us < 0 ? 0 : us / 1000);
        this.due.delete(c._param1);
        return ACCEPTED;
      }
      case MavCmd.NAV_RETURN_TO_LAUNCH:
        return copter.setMode('RTL') ? ACCEPTED : FAILED;
      case MavCmd.NAV_LAND:
        return copter.setMode('LAND') ? ACCEPTED : FAILED;
      case MavCmd.NAV_LOITER_UNLIM:
        return copter.setMode('LOITER') ? ACCEPTED : FAILED;
      case MavCmd.MISSION_START:
        return copter.startMission() ? ACCEPTED : FAILED;
      case MavCmd.COMPONENT_ARM_DISARM:
        return (c._param1 === 1 ? copter.arm() : copter.disarm()) ? ACCEPTED : FAILED;
      case MavCmd.DO_SET_MODE: {
        const mode = MODE_BY_NUMBER.get(c._param2);
        return mode && copter.setMode(mode) ? ACCEPTED : FAILED;
      }
      default:
        return UNSUPPORTED;
    }
  }

  private telemetry(msgid: number, now: number): MavLinkData | null {
    const c = this.copter;
    const bootMs = (now - (this.bootAt ?? now)) >>> 0;
    const lat = Math.round(c.position.lat * 1e7);
    const lon = Math.round(c.position.lon * 1e7);
    const mv = Math.round(c.batteryVoltage * 1000);
    const percent = Math.round(c.batteryPercent);
    switch (msgid) {
      case Heartbeat.MSG_ID:
        return message(Heartbeat, {
          type: MavType.QUADROTOR,
          autopilot: MavAutopilot.ARDUPILOTMEGA,
          baseMode: (MavModeFlag.CUSTOM_MODE_ENABLED |
            MavModeFlag.STABILIZE_ENABLED |
            (c.armed ? MavModeFlag.SAFETY_ARMED : 0)) as minimal.MavModeFlag,
          customMode: COPTER_MODE[c.mode],
          systemStatus: c.armed ? MavState.ACTIVE : MavState.STANDBY,
          mavlinkVersion: 3,
        });
      case GlobalPositionInt.MSG_ID:
        return message(GlobalPositionInt, {
          timeBootMs: bootMs,
          lat,
          lon,
          alt: Math.round(c.altAmsl * 1000),
          relativeAlt: Math.round(c.altRel * 1000),
          vx: Math.round(c.vn * 100),
          vy: Math.round(c.ve * 100),
          vz: Math.round(c.vd * 100),
          hdg: Math.round(c.headingDeg * 100) % 36_000,
        });
      case SysStatus.MSG_ID:
        return message(SysStatus, {
          voltageBattery: mv,
          currentBattery: c.airborne ? 1500 : 50,
          batteryRemaining: percent,
        });
      case BatteryStatus.MSG_ID:
        return message(BatteryStatus, {
          id: 0,
          voltages: [mv, ...new Array<number>(9).fill(0xffff)],
          currentBattery: c.airborne ? 1500 : 50,
          temperature: 2500,
          batteryRemaining: percent,
        });
      case GpsRawInt.MSG_ID:
        return message(GpsRawInt, {
          timeUsec: BigInt(now) * 1000n,
          fixType: 3,
          lat,
          lon,
          alt: Math.round(c.altAmsl * 1000),
          eph: 80,
          epv: 120,
          vel: Math.round(Math.hypot(c.vn, c.ve) * 100),
          cog: Math.round(c.headingDeg * 100) % 36_000,
          satellitesVisible: 14,
        });
      case MissionCurrent.MSG_ID:
        if (c.mission.length === 0) return null;
        return message(MissionCurrent, { seq: c.current, total: c.mission.length });
      case OpenDroneIdBasicId.MSG_ID: {
        const id = this.options.droneId!;
        return message(OpenDroneIdBasicId, {
          idType: id.startsWith('JU') ? ODID_CAA_REGISTRATION_ID : ODID_SERIAL_NUMBER,
          uaType: ODID_HELICOPTER_OR_MULTIROTOR,
          uasId: textToBytes(id, 20),
        });
      }
      case OpenDroneIdOperatorId.MSG_ID:
        return message(OpenDroneIdOperatorId, { operatorId: this.options.operatorId! });
      default:
        return null;
    }
  }
}
