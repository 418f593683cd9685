import { EventEmitter } from 'node:events';
import type { DroneState } from '../protocol/telemetry.ts';

/**
 * What the ingest path tells the steps after it (conformance, the live stream): a drone's new
 * state, once per accepted (non-duplicate) sample, and changes of its link.
 */
export interface DroneEventMap {
  state: [DroneState];
  link: [{ droneId: string; gatewayId: string; link: DroneState['link']; at: number }];
}

export class DroneEvents extends EventEmitter<DroneEventMap> {}
