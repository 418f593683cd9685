import type { DroneState, TrackPoint } from '../protocol/index.ts';
import type { Db } from '../store/db.ts';
import { historySamples, type HistoryWindow } from '../store/telemetry-history.ts';
import { getState, listStates, trackPoints } from '../store/telemetry.ts';

/**
 * What the store holds of the drones: each one's last state (whichever instance stored it), a
 * drone's track, and the samples of a window and area for replay. Reads only; the ingest writes.
 */
export class TelemetryHistory {
  constructor(private readonly deps: { db: Db }) {}

  states(): Promise<DroneState[]> {
    return listStates(this.deps.db);
  }

  state(droneId: string): Promise<DroneState | null> {
    return getState(this.deps.db, droneId);
  }

  /** At most `limit` points of the drone in [from, to], oldest first. */
  track(droneId: string, from: number, to: number, limit: number): Promise<TrackPoint[]> {
    return trackPoints(this.deps.db, droneId, from, to, limit);
  }

  /** At most `limit` samples of [from, to] inside the box, thinned to one per drone per `intervalMs`. */
  replay(f: HistoryWindow): Promise<Array<{ droneId: string; point: TrackPoint }>> {
    return historySamples(this.deps.db, f);
  }
}
