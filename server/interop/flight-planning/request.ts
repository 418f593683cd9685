import type { Datum } from '../../airspace/altitude.ts';
import { BadRequest } from '../../errors.ts';
import { FlightPlanRequest, type InterussFlightPlan } from '../../protocol/index.ts';
import { fromF3548Volumes } from '../f3548/volumes.ts';

const AREA = 'flight_plan.basic_information.area';

/** F3548 priorities soramichi holds (the native range); others are not supported here. */
export const PRIORITY_RANGE = { min: 0, max: 1000 } as const;

/** A priority outside what soramichi supports (answered NotSupported, not Rejected). */
export class UnsupportedPriority extends Error {}

/** The drone: the serial or registration the flight plan names first, else one named after the flight. */
/**
 * The drone a flight of the interface flies: one of its own per flight. The serial numbers in a
 * test intent are not ours to trust (they could name a city operator's real drone, which only its
 * operator may plan for), and the standard test data reuses one serial across flights that may
 * overlap in time, which one real drone could not fly.
 */
export function droneOf(flightPlanId: string): string {
  return `interuss-${flightPlanId}`;
}

/**
 * The user's flight as a native plan request: its area becomes the plan's volumes, its F3548
 * priority the plan's priority. What is already past of a volume needs no airspace any more, so
 * it is planned from `now` (a flight in use changes while it flies; F3548 plans from now too).
 * Whatever the native request refuses is refused here with the interface's field names, for the
 * planning answer's notes.
 */
export function toPlanRequest(
  plan: InterussFlightPlan,
  flightPlanId: string,
  datum: Datum,
  now: number,
): FlightPlanRequest {
  const priority = plan.astm_f3548_21?.priority ?? 0;
  if (priority < PRIORITY_RANGE.min || priority > PRIORITY_RANGE.max) {
    throw new UnsupportedPriority(
      `priority ${priority} is not supported: this USS holds priorities ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}`,
    );
  }
  const parsed = FlightPlanRequest.safeParse({
    droneId: droneOf(flightPlanId),
    priority,
    volumes: fromF3548Volumes(plan.basic_information.area, datum, AREA).map((v) =>
      Date.parse(v.time_start.value) < now && Date.parse(v.time_end.value) > now
        ? { ...v, time_start: { ...v.time_start, value: new Date(now).toISOString() } }
        : v,
    ),
    ...(plan.basic_information.description ? { purpose: plan.basic_information.description } : {}),
  });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: i.path
      .map(String)
      .join('.')
      .replace(/^volumes/, AREA),
    message: i.message,
  }));
  throw new BadRequest(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}
