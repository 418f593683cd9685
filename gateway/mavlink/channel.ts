import type { MavLinkData } from 'node-mavlink';
import type { GatewayClock } from '../clock.ts';
import type { Frame } from './framer.ts';

export interface Target {
  sysid: number;
  compid: number;
}

/**
 * A conversation with one vehicle over the link it was heard on: all that the mission and
 * command exchanges need, so they run the same against a radio, a socket or a test double.
 */
export interface VehicleChannel {
  readonly target: Target;
  /** Who we are on this link: replies addressed to anyone else are not ours. */
  readonly self: Target;
  send(msg: MavLinkData): void;
  /** Frames from the vehicle (any component of its system); returns the unsubscribe function. */
  subscribe(onFrame: (frame: Frame) => void): () => void;
}

/** How an exchange waits: its clock, and the signal that cancels it when the gateway stops. */
export interface ExchangeContext {
  clock?: GatewayClock;
  signal?: AbortSignal | undefined;
}

/**
 * Whether a reply is addressed to us. Zero is "anyone": MAVLink 1 frames and older autopilots
 * leave out the target fields MAVLink 2 appended (COMMAND_ACK's), which then read as zero.
 */
export function addressedToUs(ch: VehicleChannel, targetSystem: number, targetComponent: number): boolean {
  return (
    (targetSystem === 0 || targetSystem === ch.self.sysid) &&
    (targetComponent === 0 || targetComponent === ch.self.compid)
  );
}
