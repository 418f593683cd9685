import type { Clock, Timer } from '../clock.ts';

/**
 * Monitoring's only timers, on the injectable clock: a Nonconforming plan's time to come back
 * (F3548's grace before Contingent) and a flying drone's silence before lost_link. A deadline
 * set again replaces the one before; none is set once stopped.
 */
export class Deadlines {
  private readonly graces = new Map<string, Timer>();
  private readonly silences = new Map<string, Timer>();
  private stopped = false;

  constructor(private readonly deps: { clock: Clock; graceMs: number; silenceMs: number }) {}

  /** Calls `expired` once the plan has been Nonconforming for the grace. */
  startGrace(planId: string, expired: () => void): void {
    this.stopGrace(planId);
    if (this.stopped) return;
    const timer = this.deps.clock.setTimeout(() => {
      this.graces.delete(planId);
      expired();
    }, this.deps.graceMs);
    this.graces.set(planId, timer);
  }

  stopGrace(planId: string): void {
    this.deps.clock.clear(this.graces.get(planId));
    this.graces.delete(planId);
  }

  hasGrace(planId: string): boolean {
    return this.graces.has(planId);
  }

  /** Calls `silent` when nothing is heard from the drone for the silence. */
  armSilence(droneId: string, silent: () => void): void {
    this.heard(droneId);
    if (this.stopped) return;
    const timer = this.deps.clock.setTimeout(() => {
      this.silences.delete(droneId);
      silent();
    }, this.deps.silenceMs);
    this.silences.set(droneId, timer);
  }

  heard(droneId: string): void {
    this.deps.clock.clear(this.silences.get(droneId));
    this.silences.delete(droneId);
  }

  stop(): void {
    this.stopped = true;
    for (const t of [...this.graces.values(), ...this.silences.values()]) this.deps.clock.clear(t);
    this.graces.clear();
    this.silences.clear();
  }
}
