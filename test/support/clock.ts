import type { Clock, Timer } from '../../server/clock.ts';

interface Pending {
  due: number;
  order: number;
  fn: () => void;
  everyMs: number | null;
}

/**
 * A clock that moves only when the test moves it. `advance` runs every callback that falls due
 * on the way, in time order, each at its own time, and lets the work each one starts run before
 * going on, so a test says "two seconds pass" and then awaits what should follow.
 */
export class ManualClock implements Clock {
  private t: number;
  private order = 0;
  private readonly pending = new Map<object, Pending>();

  constructor(start = Date.parse('2026-12-04T01:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clear(timer: Timer | null | undefined): void {
    if (timer) this.pending.delete(timer);
  }

  /** Moves time on by `ms`, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.pending.entries()]
        .filter(([, p]) => p.due <= end)
        .sort(([, a], [, b]) => a.due - b.due || a.order - b.order)[0];
      if (!next) break;
      const [timer, p] = next;
      this.t = Math.max(this.t, p.due);
      if (p.everyMs === null) this.pending.delete(timer);
      else p.due += p.everyMs;
      p.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }

  private add(fn: () => void, ms: number, everyMs: number | null): Timer {
    const timer = {} as Timer;
    this.pending.set(timer, { due: this.t + Math.max(0, ms), order: this.order++, fn, everyMs });
    return timer;
  }
}

/** Lets the callbacks and promise chains already queued run (not I/O that has yet to answer). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
