import type { MavLinkData } from 'node-mavlink';
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
  send(msg: MavLinkData): void;
  /** Frames from the vehicle's system (any component); returns the unsubscribe function. */
  subscribe(onFrame: (frame: Frame) => void): () => void;
}
