import { EventEmitter } from 'node:events';
import type { PlanRecord } from './store/plans.ts';
import type { ZoneRecord } from './store/geofences.ts';

/**
 * What changed in the airspace, for whoever streams it. Emitted once per change per instance,
 * whichever instance made it.
 */
export interface AirspaceEventMap {
  plan: [PlanRecord];
  zone: [{ id: string; zone: ZoneRecord | null }];
  /** A zone was declared over a plan in the air: it was left flying; its pilot must be told (an alert). */
  'zone-over-active-plan': [{ zone: ZoneRecord; plan: PlanRecord; message: string }];
  /** A plan of higher priority was accepted over a plan in the air: it keeps its road; its pilot must give way (an alert). */
  'priority-over-active-plan': [{ plan: PlanRecord; by: PlanRecord; message: string }];
}

export class AirspaceEvents extends EventEmitter<AirspaceEventMap> {}
