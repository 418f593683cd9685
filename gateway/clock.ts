/** A pending callback of a {@link GatewayClock}; only the clock that made it can clear it. */
export type GatewayTimer = object;

/**
 * Time as the gateway's protocol code sees it: what time it is, and "call me back after so
 * long". Every timeout of the mission, command and heartbeat exchanges waits through one of
 * these, so a test moves time on (a request arriving late, a vehicle falling silent) instead of
 * sleeping. The server's Clock and the tests' ManualClock have this shape too.
 */
export interface GatewayClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): GatewayTimer;
  setInterval(fn: () => void, ms: number): GatewayTimer;
  clear(timer: GatewayTimer | null | undefined): void;
}

/** The wall clock and Node's timers (looked up at each call, so test runners' fake timers apply). */
export const systemClock: GatewayClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clear(timer) {
    if (timer) clearTimeout(timer as NodeJS.Timeout);
  },
};
