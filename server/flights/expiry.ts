import type { Logger } from '../log.ts';
import type { FlightPlans } from './service.ts';

/**
 * Ends accepted plans whose reservation is over without their flight having been activated,
 * so their sky roads stop weighing on every decision and every mirror. Activated plans are left
 * to conformance monitoring: a drone may still be in the air.
 */
export function startExpiry(deps: { flights: FlightPlans; log: Logger; intervalMs: number }): () => void {
  const sweep = () => {
    deps.flights
      .expire()
      .then((n) => {
        if (n > 0) deps.log.info({ ended: n }, 'expired plans ended');
      })
      .catch((err: unknown) => deps.log.error({ err }, 'could not end expired plans'));
  };
  const timer = setInterval(sweep, deps.intervalMs);
  timer.unref();
  sweep();
  return () => clearInterval(timer);
}
