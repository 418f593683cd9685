declare const timerBrand: unique symbol;

/** A pending callback of a {@link Clock}; only the clock that made it can clear it. */
export interface Timer {
  readonly [timerBrand]: true;
}

/**
 * Time as the services see it: what time it is, and "call me back after so long". Everything the
 * server decides by time (lost links, a plan's time to come back, expiry, retention, staleness)
 * reads and waits through one of these, so that a test can move time on instead of waiting for it.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once `ms` of this clock's time has passed. Never keeps the process alive. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Calls `fn` every `ms` of this clock's time. Never keeps the process alive. */
  setInterval(fn: () => void, ms: number): Timer;
  clear(timer: Timer | null | undefined): void;
}

/** The wall clock and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref() as unknown as Timer,
  setInterval: (fn, ms) => setInterval(fn, ms).unref() as unknown as Timer,
  clear(timer) {
    if (timer) clearTimeout(timer as unknown as NodeJS.Timeout);
  },
};
