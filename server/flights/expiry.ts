import type { FlightPlans } from './service.ts';
import type { Logger } from '../log.ts';

/**
 * Ends accepted plans whose reservation is over without their flight having been activated,
 * so their sky roads stop weighing on every decision and every mirror, and sweeps up holds that
 * expired unreleased (holds.ts releases each one on time; this catches any it missed). Activated
 * plans are left to conformance monitoring: a drone may still be in the air.
 */
export async function endExpiredPlans(flights: FlightPlans, log: Logger): Promise<void> {
  const n = await flights.expire();
  if (n > 0) log.info({ ended: n }, 'expired plans ended');
}
