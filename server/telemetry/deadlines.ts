import type { Clock, Timer } from '../clock.ts';

/** One timer per key on the injectable clock: setting a key again replaces its timer; none is set once stopped. */
class KeyedTimers {
  private readonly timers = new Map<string, Timer>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
  ) {}

  set(key: string, due: () => void): void {
    this.clear(key);
    if (this.stopped) return;
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(key);
      due();
    }, this.ms);
    this.timers.set(key, timer);
  }

  clear(key: string): void {
    this.clock.clear(this.timers.get(key));
    this.timers.delete(key);
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.clock.clear(t);
    this.timers.clear();
  }
}

/**
 * Monitoring's only timers: a Nonconforming plan's time to come back (F3548's grace before
 * Contingent) and a flying drone's silence before lost_link.
 */
export class Deadlines {
  private readonly graces: KeyedTimers;
  private readonly silences: KeyedTimers;

  constructor(deps: { clock: Clock; graceMs: number; silenceMs: number }) {
    this.graces = new KeyedTimers(deps.clock, deps.graceMs);
    this.silences = new KeyedTimers(deps.clock, deps.silenceMs);
  }

  /** Calls `expired` once the plan has been Nonconforming for the grace. */
  startGrace(planId: string, expired: () => void): void {
    this.graces.set(planId, expired);
  }

  stopGrace(planId: string): void {
    this.graces.clear(planId);
  }

  hasGrace(planId: string): boolean {
    return this.graces.has(planId);
  }

  /** Calls `silent` when nothing is heard from the drone for the silence. */
  armSilence(droneId: string, silent: () => void): void {
    this.silences.set(droneId, silent);
  }

  heard(droneId: string): void {
    this.silences.clear(droneId);
  }

  stop(): void {
    this.graces.stop();
    this.silences.stop();
  }
}
