import { common } from 'node-mavlink';
import type { MissionItem } from '../../server/protocol/index.ts';
import type { Target } from './channel.ts';
import { message } from './codec.ts';

const { MavFrame, MavMissionType, MissionItemInt } = common;

type MissionItemIntMessage = InstanceType<typeof common.MissionItemInt>;

/** A wire mission item as MISSION_ITEM_INT: positions in 1e-7 degrees, except in MAV_FRAME_MISSION. */
export function toMissionItemInt(item: MissionItem, seq: number, missionType: number, target: Target) {
  const scale = item.frame === MavFrame.MISSION ? 1 : 1e7;
  return message(MissionItemInt, {
    targetSystem: target.sysid,
    targetComponent: target.compid,
    seq,
    frame: item.frame,
    command: item.command,
    current: seq === 0 ? 1 : 0,
    autocontinue: item.autocontinue ? 1 : 0,
    param1: item.param1,
    param2: item.param2,
    param3: item.param3,
    param4: item.param4,
    x: Math.round(item.lat * scale),
    y: Math.round(item.lon * scale),
    z: item.alt,
    missionType,
  });
}

/** MISSION_ITEM_INT back into a wire mission item. */
export function fromMissionItemInt(m: MissionItemIntMessage): MissionItem {
  const scale = m.frame === MavFrame.MISSION ? 1 : 1e-7;
  return {
    command: m.command,
    frame: m.frame,
    param1: m.param1,
    param2: m.param2,
    param3: m.param3,
    param4: m.param4,
    lat: m.x * scale,
    lon: m.y * scale,
    alt: m.z,
    autocontinue: m.autocontinue !== 0,
  };
}

/**
 * Whether what a vehicle holds is what was uploaded, as far as autopilots keep it: the same
 * commands in the same order at the same places (to the 1e-7° the wire carries, altitudes to
 * the centimetre ArduPilot stores). Frames and parameters are left out: ArduPilot reports
 * relative-altitude items in the non-INT frame and rewrites some parameters; item 0 of a
 * mission may hold the vehicle's home instead of what was sent (ArduPilot).
 */
export function holdsUpload(sent: readonly MissionItem[], held: readonly MissionItem[], missionType: number): boolean {
  if (sent.length !== held.length) return false;
  const isMission = missionType === MavMissionType.MISSION;
  return sent.every((s, i) => {
    const h = held[i]!;
    if (s.command !== h.command) return false;
    if (isMission && i === 0) return true;
    const scale = s.frame === MavFrame.MISSION ? 1 : 1e7;
    return (
      Math.abs(Math.round(s.lat * scale) - Math.round(h.lat * scale)) <= 1 &&
      Math.abs(Math.round(s.lon * scale) - Math.round(h.lon * scale)) <= 1 &&
      (!isMission || Math.abs(s.alt - h.alt) <= 0.01)
    );
  });
}
