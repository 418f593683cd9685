import type { RidAircraftState, RidFlight, RidRecentAircraftPosition, RidUAType } from '../../protocol/rid.ts';
import { F3411 } from './constants.ts';
import { contains, overlaps, type View } from './view.ts';

/** One state of a flight, with what selecting it needs beside the wire form. */
export interface TrackState {
  /** The state's time, epoch ms. */
  t: number;
  lat: number;
  lng: number;
  /** False while the aircraft stands on the ground (a disarmed drone): such states alone make no flight. */
  airborne: boolean;
  state: RidAircraftState;
}

export interface Box {
  south: number;
  north: number;
  west: number;
  east: number;
}

/** A flight as both real drones and injected test flights present it: oldest state first. */
export interface Track {
  id: string;
  aircraftType: RidUAType;
  simulated: boolean;
  states: readonly TrackState[];
  /** A box around every state, when known: a view outside it is answered without looking at the states. */
  box?: Box;
}

/**
 * The flight as F3411 lets a display provider see it in a view at `now`, or null when it is not
 * to be reported there: no state in the last NetMaxNearRealTimeDataPeriod, none of them airborne,
 * or none inside the view. Its current state is its newest; its recent positions (when
 * `recentS` > 0) are those of the last `recentS` seconds inside the view, with the one just before
 * it entered and the one just after it left, so that a display can draw it crossing the edge.
 */
export function presentFlight(track: Track, view: View, now: number, recentS: number): RidFlight | null {
  if (track.box && !overlaps(view, track.box)) return null;
  const from = now - F3411.NetMaxNearRealTimeDataPeriodS * 1000;
  const states = track.states;
  let first = states.length;
  while (first > 0 && states[first - 1]!.t >= from) first--;
  if (first === states.length) return null;

  let airborne = false;
  const relevant: TrackState[] = [];
  let previous: TrackState | null = null;
  let wasInside = false;
  for (let i = first; i < states.length; i++) {
    const s = states[i]!;
    airborne ||= s.airborne;
    const inside = contains(view, s.lat, s.lng);
    if (inside) {
      if (previous && !wasInside) relevant.push(previous);
      relevant.push(s);
    } else if (wasInside) {
      relevant.push(s);
    }
    wasInside = inside;
    previous = s;
  }
  if (!airborne || !relevant.length) return null;

  const flight: RidFlight = {
    id: track.id,
    aircraft_type: track.aircraftType,
    current_state: states.at(-1)!.state,
    simulated: track.simulated,
  };
  if (recentS > 0) {
    const since = now - recentS * 1000;
    flight.recent_positions = relevant
      .filter((s) => s.t >= since)
      .map((s): RidRecentAircraftPosition => ({ time: s.state.timestamp, position: s.state.position }));
  }
  return flight;
}
