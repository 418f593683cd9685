import type { Clock, Timer } from '../clock.ts';
import type { AirspaceEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { heldPlans, type PlanRecord } from '../store/plans.ts';
import type { FlightPlans } from './service.ts';
import type { Background } from '../background.ts';

/**
 * Releases each held plan the moment its hold is over, on every instance: each one follows the
 * holds it hears of (its own and the others', through the plan events) and keeps one timer, for
 * the earliest. When it fires the instance releases what is due (the first instance to commit
 * wins; the others read the outcome), so every mirror lets the cells go at once, not when a notice
 * arrives. The arbiter never counts an expired hold either, whether or not it was released yet.
 */
export class HoldExpiry {
  private readonly due = new Map<string, number>();
  private timer: Timer | null = null;
  private armedFor = Infinity;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly onPlan = (plan: PlanRecord) => {
    if (plan.state === 'Held' && plan.heldUntil !== null) this.due.set(plan.id, plan.heldUntil);
    else this.due.delete(plan.id);
    this.arm();
  };

  constructor(
    private readonly deps: {
      db: Db;
      flights: FlightPlans;
      events: AirspaceEvents;
      clock: Clock;
      log: Logger;
      background: Background;
    },
  ) {}

  async start(): Promise<void> {
    this.deps.events.on('plan', this.onPlan);
    for (const h of await heldPlans(this.deps.db)) if (!this.due.has(h.id)) this.due.set(h.id, h.heldUntil);
    this.arm();
  }

  /** Stops the timer and waits for a release under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.events.off('plan', this.onPlan);
    this.deps.clock.clear(this.timer);
    await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    let next = Infinity;
    for (const t of this.due.values()) if (t < next) next = t;
    if (next === this.armedFor) return;
    this.deps.clock.clear(this.timer);
    this.armedFor = next;
    this.timer =
      next === Infinity
        ? null
        : this.deps.clock.setTimeout(() => this.fire(), Math.max(0, next - this.deps.clock.now()));
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const now = this.deps.clock.now();
    const due = [...this.due].filter(([, t]) => t <= now).map(([id]) => id);
    this.running = this.running
      .then(() => this.deps.flights.expireHolds(due))
      .then((n) => {
        if (n > 0) this.deps.log.info({ released: n }, 'expired holds released');
      })
      .catch(this.deps.background.failed('release expired holds', { due, next: 'the sweep retries' }))
      .finally(() => {
        // Released or not, these were read back: a hold still listed here is retried by the sweep.
        for (const id of due) if ((this.due.get(id) ?? Infinity) <= now) this.due.delete(id);
        this.arm();
      });
  }
}
