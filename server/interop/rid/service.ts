import type { Namespace } from 'socket.io';
import type { Clock } from '../../clock.ts';
import type { RidFlight, RidFlightDetails, RidGetFlightsResponse } from '../../protocol/rid.ts';
import type { Db } from '../../store/db.ts';
import { historySamples } from '../../store/telemetry-history.ts';
import type { DroneEvents } from '../../telemetry/events.ts';
import { F3411 } from './constants.ts';
import { flightIdMaker } from './flight-id.ts';
import { InjectedTests } from './injected-tests.ts';
import { LiveTracks } from './live-tracks.ts';
import { shareWithPeers } from './peers.ts';
import { presentFlight, type Track } from './present.ts';
import type { View } from './view.ts';

export interface RemoteIdDeps {
  db: Db;
  events: DroneEvents;
  clock: Clock;
  /** Keys the flight ids of real drones: instances sharing it give a drone the same id. */
  flightIdKey: Uint8Array;
  /** With other instances (the cluster adapter): a namespace to share live samples through. */
  peers: Namespace | null;
}

/** Samples of the last minute loaded at start: 5,000 drones at 5 a second, far beyond a city's sky. */
const STORED_LIMIT = 1_500_000;

/**
 * soramichi as an ASTM F3411-22a network Remote ID service provider: real drones from live
 * telemetry (this instance's gateways' and, in a cluster, the others') and a test director's
 * injected flights (this instance's), both presented to display providers the one F3411 way.
 */
export class RemoteIdService {
  readonly live: LiveTracks;
  readonly injected: InjectedTests;
  private stopSharing: (() => void) | null = null;

  constructor(private readonly deps: RemoteIdDeps) {
    this.live = new LiveTracks({ events: deps.events, clock: deps.clock, flightId: flightIdMaker(deps.flightIdKey) });
    this.injected = new InjectedTests(deps.clock);
  }

  /** Loads the drones' last minute from the store, so a restart does not blank the sky, then follows the ingest. */
  async start(): Promise<void> {
    const now = this.deps.clock.now();
    const stored = await historySamples(this.deps.db, {
      from: now - F3411.NetMaxNearRealTimeDataPeriodS * 1000,
      to: now + 3_600_000,
      bbox: null,
      intervalMs: 0,
      limit: STORED_LIMIT,
    });
    this.live.start(stored.map(({ droneId, point }) => ({ ...point, droneId })));
    const { peers, events, clock } = this.deps;
    if (peers) this.stopSharing = shareWithPeers(peers, this.live, events, clock);
  }

  stop(): void {
    this.stopSharing?.();
    this.live.stop();
  }

  /** `GET /uss/flights`: every flight with a recent position in the view. */
  flights(view: View, recentS: number): RidGetFlightsResponse {
    const now = this.deps.clock.now();
    const flights: RidFlight[] = [];
    const present = (tracks: Iterable<Track>) => {
      for (const t of tracks) {
        const f = presentFlight(t, view, now, recentS);
        if (f) flights.push(f);
      }
    };
    present(this.live.tracks());
    present(this.injected.tracks(now));
    return { timestamp: { value: new Date(now).toISOString(), format: 'RFC3339' }, flights };
  }

  /** `GET /uss/flights/{id}/details`, or null for a flight not reported now. */
  details(flightId: string): RidFlightDetails | null {
    return this.live.details(flightId) ?? this.injected.details(flightId, this.deps.clock.now());
  }
}
