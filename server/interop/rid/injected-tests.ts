import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { NotFound, StateConflict } from '../../errors.ts';
import {
  RID_INJECTION_LIMITS,
  type RidInjectionChangeTestResponse,
  type RidInjectionCreateTest,
  type RidInjectionDeleteTestResponse,
  type RidInjectionTestFlight,
  type RidUserNotifications,
} from '../../protocol/rid-injection.ts';
import { RidFlightId, type RidFlightDetails, type RidUAType } from '../../protocol/rid.ts';
import { F3411 } from './constants.ts';
import { injectedAircraftType, injectedDetails, injectedState } from './from-injection.ts';
import type { Track, TrackState } from './present.ts';

interface InjectedFlight {
  /** As injected, with the flight ids this provider had to change. */
  injected: RidInjectionTestFlight;
  aircraftType: RidUAType;
  /** The states that can be served, oldest first. */
  states: TrackState[];
  /** Oldest first: the details in force are the last whose time has come. */
  details: Array<{ after: number; details: RidFlightDetails }>;
}

interface InjectedTest {
  version: string;
  flights: InjectedFlight[];
}

type Notification = RidUserNotifications['user_notifications'][number];

/**
 * Simulated flights a test director injected (InterUSS `rid/v1`), held apart from real drones in
 * this instance's memory until the director deletes them: each state is served once its time
 * has come, under the flight id of the details then in force. What the provider would tell the
 * flights' operator (states it cannot serve, too slow an update rate) is kept as notifications.
 */
export class InjectedTests {
  private readonly tests = new Map<string, InjectedTest>();
  private readonly notes: Notification[] = [];

  constructor(private readonly clock: Clock) {}

  create(testId: string, request: RidInjectionCreateTest): RidInjectionChangeTestResponse {
    if (this.tests.has(testId)) throw new StateConflict(`test ${testId} already exists; delete it first`);
    if (this.tests.size >= RID_INJECTION_LIMITS.tests) {
      throw new StateConflict(`${RID_INJECTION_LIMITS.tests} tests are held already; delete one first`);
    }
    const taken = new Set<string>();
    for (const t of this.tests.values()) for (const f of t.flights) for (const d of f.details) taken.add(d.details.id);
    const flights = request.requested_flights.map((f) => this.flight(f, taken));
    const test = { version: randomUUID(), flights };
    this.tests.set(testId, test);
    return { injected_flights: flights.map((f) => f.injected), version: test.version };
  }

  remove(testId: string, version: string): RidInjectionDeleteTestResponse {
    const test = this.tests.get(testId);
    if (!test) throw new NotFound(`no test ${testId}`);
    if (test.version !== version)
      throw new StateConflict(`test ${testId} is at version ${test.version}, not ${version}`);
    this.tests.delete(testId);
    return { injected_flights: test.flights.map((f) => f.injected) };
  }

  /** Every injected flight whose details are in force, with the states whose time has come. */
  tracks(now: number): Track[] {
    const tracks: Track[] = [];
    for (const test of this.tests.values()) {
      for (const f of test.flights) {
        const details = inForce(f, now);
        if (!details) continue;
        let due = f.states.length;
        while (due > 0 && f.states[due - 1]!.t > now) due--;
        tracks.push({ id: details.id, aircraftType: f.aircraftType, simulated: true, states: f.states.slice(0, due) });
      }
    }
    return tracks;
  }

  details(flightId: string, now: number): RidFlightDetails | null {
    for (const test of this.tests.values()) {
      for (const f of test.flights) {
        const details = inForce(f, now);
        if (details?.id === flightId) return details;
      }
    }
    return null;
  }

  notifications(after: number, before: number): RidUserNotifications {
    return {
      user_notifications: this.notes.filter((n) => {
        const t = Date.parse(n.observed_at.value);
        return t >= after && t <= before;
      }),
    };
  }

  private flight(f: RidInjectionTestFlight, taken: Set<string>): InjectedFlight {
    const own = new Set<string>();
    const renamed = new Map<string, string>();
    const detailsResponses = f.details_responses.map((r) => {
      let id = renamed.get(r.details.id) ?? r.details.id;
      if (!own.has(id) && (!RidFlightId.safeParse(id).success || taken.has(id))) {
        id = `inj-${randomUUID()}`;
        renamed.set(r.details.id, id);
      }
      own.add(id);
      return { ...r, details: { ...r.details, id } };
    });
    for (const id of own) taken.add(id);

    const states: TrackState[] = [];
    const unservable = new Map<number, string[]>();
    f.telemetry.forEach((s, i) => {
      const served = injectedState(s);
      if (Array.isArray(served)) unservable.set(i, served);
      else states.push(served);
    });
    states.sort((a, b) => a.t - b.t);
    this.tellOperator(f.injection_id, unservable, states);

    return {
      injected: { ...f, details_responses: detailsResponses },
      aircraftType: injectedAircraftType(f.aircraft_type),
      states,
      details: detailsResponses
        .map((r) => ({ after: Date.parse(r.effective_after), details: injectedDetails(r.details) }))
        .sort((a, b) => a.after - b.after),
    };
  }

  private tellOperator(injectionId: string, unservable: Map<number, string[]>, states: TrackState[]): void {
    const observed = { value: new Date(this.clock.now()).toISOString(), format: 'RFC3339' as const };
    const note = (message: string) => {
      this.notes.push({ observed_at: observed, message });
      if (this.notes.length > RID_INJECTION_LIMITS.notifications) this.notes.shift();
    };
    if (unservable.size) {
      const fields = [...new Set([...unservable.values()].flat())].sort().join(', ');
      const first = [...unservable.keys()].slice(0, 10).join(', ');
      note(
        `flight ${injectionId}: ${unservable.size} telemetry states lack data network Remote ID requires (${fields}) and are not reported; states ${first}${unservable.size > 10 ? ', …' : ''}`,
      );
    }
    if (states.length >= 2) {
      const spanS = (states.at(-1)!.t - states[0]!.t) / 1000;
      const rateHz = (states.length - 1) / spanS;
      if (rateHz < F3411.NetMinUasLocRefreshFrequencyHz) {
        note(
          `flight ${injectionId}: positions arrive at ${rateHz.toFixed(2)} Hz, less than the ${F3411.NetMinUasLocRefreshFrequencyHz} Hz network Remote ID requires`,
        );
      }
    }
  }
}

function inForce(f: InjectedFlight, now: number): RidFlightDetails | null {
  let found: RidFlightDetails | null = null;
  for (const d of f.details) if (d.after <= now) found = d.details;
  return found;
}
