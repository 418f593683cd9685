import { EventEmitter } from 'node:events';
import type { DroneState, IdCollisionReport } from '../protocol/telemetry.ts';

/**
 * What the ingest path tells the steps after it (conformance, the live stream): a drone's new
 * state, once per accepted (non-duplicate) sample, changes of its link, and MAVLink id collisions.
 */
export interface DroneEventMap {
  state: [DroneState];
  link: [{ droneId: string; gatewayId: string; link: DroneState['link']; at: number }];
  /** A gateway found vehicles sharing one MAVLink id on one of its links, or that it ended. */
  collision: [{ gatewayId: string; report: IdCollisionReport }];
}

export class DroneEvents extends EventEmitter<DroneEventMap> {}
