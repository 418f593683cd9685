import { common } from 'node-mavlink';
import { egm96Undulation } from '../server/protocol/geoid.ts';
import type { TelemetrySample } from '../server/protocol/index.ts';
import { bytesToText, decodeAs } from './mavlink/codec.ts';
import type { Frame } from './mavlink/framer.ts';
import { modeName } from './mavlink/modes.ts';

const {
  BatteryStatus,
  GlobalPositionInt,
  GpsRawInt,
  OpenDroneIdBasicId,
  OpenDroneIdOperatorId,
  OpenDroneIdSelfId,
  SysStatus,
} = common;

/** A sample before the gateway gives it a sequence number and the drone its id. */
export type Reading = Omit<TelemetrySample, 'seq' | 'droneId'>;
export type RemoteId = NonNullable<TelemetrySample['remoteId']>;

const UINT16_UNKNOWN = 0xffff;
const MAV_MODE_FLAG_SAFETY_ARMED = 0x80;
/** MAV_ODID_ID_TYPE: a civil aviation registration (Japan's JU… marks) beats a serial number. */
const ODID_ID_PREFERENCE = [2, 1, 3, 4];
/** A Remote ID that went back to its previous value within this long is two transmitters taking turns. */
export const REMOTE_ID_CLASH_MS = 10_000;

/** The Remote IDs of one id type a vehicle's system broadcast: a drone changes its own rarely, and never back and forth. */
interface IdHistory {
  current: string;
  previous: string | null;
  /** When the id last went back to the previous value. */
  returnedAt: number | null;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * What one vehicle has said so far, folded into the shape the server wants. Position reports
 * (GLOBAL_POSITION_INT) become readings carrying the latest mode, battery, fix and Remote ID.
 * GLOBAL_POSITION_INT.alt is AMSL (EGM96): W84 adds the geoid undulation, about +37 m at Kaga.
 */
export class VehicleTelemetry {
  mode: string | null = null;
  armed = false;
  /** Where altitudes relative to home start, above mean sea level: the latest position's AMSL less its height above home. */
  homeAmsl: number | null = null;
  private batteryPercent: number | null = null;
  private batteryVoltage: number | null = null;
  /** Once BATTERY_STATUS of battery 0 is heard, SYS_STATUS's coarser battery fields are ignored. */
  private batteryStatusSeen = false;
  private gpsFix: number | null = null;
  private readonly basicIds = new Map<number, string>();
  private readonly idHistory = new Map<number, IdHistory>();
  /** Replaced, never mutated: readings already made keep the Remote ID they were made with. */
  private remoteId: RemoteId | null = null;

  heartbeat(autopilot: number, type: number, baseMode: number, customMode: number): void {
    this.mode = modeName(autopilot, type, baseMode, customMode);
    this.armed = (baseMode & MAV_MODE_FLAG_SAFETY_ARMED) !== 0;
  }

  /** The Remote ID serial or registration the drone broadcasts, if any. */
  get uasId(): string | undefined {
    return this.remoteId?.uasId;
  }

  /**
   * One frame of the vehicle's system. `own`: it comes from the vehicle's autopilot component
   * (positions are taken only from it; Remote ID often comes from a separate transmitter).
   */
  apply(frame: Frame, own: boolean, now: number): Reading | null {
    switch (frame.msgid) {
      case GlobalPositionInt.MSG_ID:
        return own ? this.position(decodeAs(frame, GlobalPositionInt), now) : null;
      case SysStatus.MSG_ID:
        if (own && !this.batteryStatusSeen) this.sysStatus(decodeAs(frame, SysStatus));
        return null;
      case BatteryStatus.MSG_ID:
        if (own) this.batteryStatus(decodeAs(frame, BatteryStatus));
        return null;
      case GpsRawInt.MSG_ID:
        if (own) this.gpsFix = decodeAs(frame, GpsRawInt).fixType;
        return null;
      case OpenDroneIdBasicId.MSG_ID: {
        const m = decodeAs(frame, OpenDroneIdBasicId);
        const id = bytesToText(m.uasId).trim();
        if (id) this.noteId(m.idType, id, now);
        if (id && this.basicIds.get(m.idType) !== id) {
          this.basicIds.set(m.idType, id);
          const preferred = ODID_ID_PREFERENCE.map((t) => this.basicIds.get(t)).find(Boolean);
          this.setRemoteId({ uasId: preferred ?? id });
        }
        return null;
      }
      case OpenDroneIdOperatorId.MSG_ID: {
        const operatorId = decodeAs(frame, OpenDroneIdOperatorId).operatorId.trim();
        if (operatorId) this.setRemoteId({ operatorId });
        return null;
      }
      case OpenDroneIdSelfId.MSG_ID: {
        const description = decodeAs(frame, OpenDroneIdSelfId).description.trim();
        if (description) this.setRemoteId({ description });
        return null;
      }
      default:
        return null;
    }
  }

  /**
   * Two Remote IDs that take turns on this one MAVLink id (two drones on one system id on one
   * serial line), within the last REMOTE_ID_CLASH_MS; null when there are none.
   */
  remoteIdClash(now: number): [string, string] | null {
    for (const h of this.idHistory.values()) {
      if (h.previous !== null && h.returnedAt !== null && now - h.returnedAt <= REMOTE_ID_CLASH_MS) {
        return [h.previous, h.current].sort() as [string, string];
      }
    }
    return null;
  }

  private noteId(idType: number, id: string, now: number): void {
    const h = this.idHistory.get(idType);
    if (!h) this.idHistory.set(idType, { current: id, previous: null, returnedAt: null });
    else if (id === h.previous) Object.assign(h, { previous: h.current, current: id, returnedAt: now });
    else if (id !== h.current) Object.assign(h, { previous: h.current, current: id });
  }

  private setRemoteId(change: RemoteId): void {
    const next = { ...this.remoteId, ...change };
    const prev = this.remoteId;
    if (
      prev &&
      prev.uasId === next.uasId &&
      prev.operatorId === next.operatorId &&
      prev.description === next.description
    )
      return;
    this.remoteId = next;
  }

  private position(p: InstanceType<typeof GlobalPositionInt>, now: number): Reading | null {
    // Autopilots report 0,0 until their first fix: not a position.
    if (p.lat === 0 && p.lon === 0) return null;
    const lat = p.lat / 1e7;
    const lon = p.lon / 1e7;
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return null;
    const altAmsl = p.alt / 1000;
    this.homeAmsl = altAmsl - p.relativeAlt / 1000;
    return {
      time: new Date(now).toISOString(),
      lat,
      lon,
      altW84: round(altAmsl + egm96Undulation(lat, lon), 3),
      altAmsl,
      altRelative: p.relativeAlt / 1000,
      groundSpeedMps: round(Math.hypot(p.vx, p.vy) / 100, 2),
      verticalSpeedMps: p.vz === 0 ? 0 : -p.vz / 100,
      headingDeg: p.hdg === UINT16_UNKNOWN || p.hdg > 36_000 ? null : p.hdg / 100,
      batteryPercent: this.batteryPercent,
      batteryVoltage: this.batteryVoltage,
      mode: this.mode,
      armed: this.armed,
      gpsFix: this.gpsFix,
      remoteId: this.remoteId,
    };
  }

  private sysStatus(s: InstanceType<typeof SysStatus>): void {
    this.batteryPercent = s.batteryRemaining >= 0 && s.batteryRemaining <= 100 ? s.batteryRemaining : null;
    this.batteryVoltage = s.voltageBattery === UINT16_UNKNOWN ? null : s.voltageBattery / 1000;
  }

  private batteryStatus(b: InstanceType<typeof BatteryStatus>): void {
    if (b.id !== 0) return;
    this.batteryStatusSeen = true;
    this.batteryPercent = b.batteryRemaining >= 0 && b.batteryRemaining <= 100 ? b.batteryRemaining : null;
    // Cells (or the whole pack in cell 0) in mV; UINT16_MAX marks an unused cell, 0 an unused extension.
    let mv = 0;
    for (const v of b.voltages) if (v !== UINT16_UNKNOWN) mv += v;
    for (const v of b.voltagesExt) if (v !== 0 && v !== UINT16_UNKNOWN) mv += v;
    this.batteryVoltage = mv > 0 ? mv / 1000 : null;
  }
}
