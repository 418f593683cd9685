import type { Clock, Timer } from '../../clock.ts';
import type { DroneState } from '../../protocol/index.ts';
import type { RidFlightDetails } from '../../protocol/rid.ts';
import type { DroneEvents } from '../../telemetry/events.ts';
import { F3411 } from './constants.ts';
import { droneDetails, trackState, type RidSample } from './from-telemetry.ts';
import type { Box, Track, TrackState } from './present.ts';

/** Kept positions are at least this far apart (at most 5 a second); the newest is always kept. */
const MIN_SPACING_MS = 200;
/** 60 s at 5 a second, and room for late replays: a drone's history never grows past this. */
const MAX_STATES = 600;
const PRUNE_EVERY_MS = 5_000;
const WINDOW_MS = F3411.NetMaxNearRealTimeDataPeriodS * 1000;

interface Entry {
  track: Track & { states: TrackState[] };
  newest: RidSample;
  /** The box of the states is redrawn only when a poll needs it, not at every sample. */
  boxStale: boolean;
}

export interface LiveTracksDeps {
  events: DroneEvents;
  clock: Clock;
  flightId: (droneId: string) => string;
}

/**
 * Every drone's last minute of positions, as F3411 flights: fed by each sample the ingest accepts,
 * thinned to five a second, and forgotten a minute after a drone's newest sample. Memory is
 * bounded by the drones heard in the last minute.
 */
export class LiveTracks {
  private readonly drones = new Map<string, Entry>();
  private readonly byFlightId = new Map<string, string>();
  private timer: Timer | null = null;
  private readonly onState = (s: DroneState) => this.add(s);

  constructor(private readonly deps: LiveTracksDeps) {}

  /** Takes the samples already stored (the last minute's, after a restart), then listens. */
  start(stored: Iterable<RidSample>): void {
    for (const s of stored) this.add(s);
    this.deps.events.on('state', this.onState);
    this.timer = this.deps.clock.setInterval(() => this.prune(), PRUNE_EVERY_MS);
  }

  stop(): void {
    this.deps.events.off('state', this.onState);
    this.deps.clock.clear(this.timer);
    this.timer = null;
  }

  get size(): number {
    return this.drones.size;
  }

  tracks(): Iterable<Track> {
    return [...this.drones.values()].map((e) => {
      if (e.boxStale) {
        e.track.box = boxOf(e.track.states);
        e.boxStale = false;
      }
      return e.track;
    });
  }

  details(flightId: string): RidFlightDetails | null {
    const droneId = this.byFlightId.get(flightId);
    const entry = droneId === undefined ? undefined : this.drones.get(droneId);
    if (!entry || entry.track.states.at(-1)!.t < this.deps.clock.now() - WINDOW_MS) return null;
    return droneDetails(flightId, entry.newest);
  }

  add(s: RidSample): void {
    const state = trackState(s);
    if (state.t < this.deps.clock.now() - WINDOW_MS) return;
    let entry = this.drones.get(s.droneId);
    if (!entry) {
      const id = this.deps.flightId(s.droneId);
      entry = { track: { id, aircraftType: 'NotDeclared', simulated: false, states: [] }, newest: s, boxStale: true };
      this.drones.set(s.droneId, entry);
      this.byFlightId.set(id, s.droneId);
    }
    const states = entry.track.states;
    const last = states.at(-1);
    if (!last || state.t >= last.t) {
      entry.newest = s;
      const beforeLast = states.at(-2);
      // The newest replaces a newest that was too close to the one before it.
      if (last && beforeLast && last.t - beforeLast.t < MIN_SPACING_MS) states[states.length - 1] = state;
      else states.push(state);
    } else {
      // A late sample (a gateway's spool replayed): in its place, unthinned.
      let i = states.length - 1;
      while (i > 0 && states[i - 1]!.t > state.t) i--;
      states.splice(i, 0, state);
    }
    const from = states.at(-1)!.t - WINDOW_MS;
    let drop = 0;
    while (drop < states.length - 1 && (states[drop]!.t < from || states.length - drop > MAX_STATES)) drop++;
    if (drop) states.splice(0, drop);
    entry.boxStale = true;
  }

  private prune(): void {
    const from = this.deps.clock.now() - WINDOW_MS;
    for (const [droneId, entry] of this.drones) {
      if (entry.track.states.at(-1)!.t >= from) continue;
      this.drones.delete(droneId);
      this.byFlightId.delete(entry.track.id);
    }
  }
}

function boxOf(states: readonly TrackState[]): Box {
  const box = { south: Infinity, north: -Infinity, west: Infinity, east: -Infinity };
  for (const s of states) {
    if (s.lat < box.south) box.south = s.lat;
    if (s.lat > box.north) box.north = s.lat;
    if (s.lng < box.west) box.west = s.lng;
    if (s.lng > box.east) box.east = s.lng;
  }
  return box;
}
