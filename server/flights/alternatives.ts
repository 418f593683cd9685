import { earliestDelay, firstClear } from '../airspace/alternatives.ts';
import { isBlocked } from '../airspace/blocking.ts';
import { groundW84, toW84, type Datum } from '../airspace/altitude.ts';
import type { ReservationIndex } from '../airspace/index.ts';
import { compilePlan, type CompiledPlan } from '../airspace/plan.ts';
import { raisedKeys } from '../airspace/variants.ts';
import type { Claimant } from '../airspace/priority.ts';
import type { AirspaceParams } from '../airspace/types.ts';
import type { Alternative, FlightPlanRequest } from '../protocol/index.ts';
import { delayed, raised, requestedStart, statedAltitude, toGeometry } from './geometry.ts';

export interface AlternativeContext {
  index: ReservationIndex;
  datum: Datum;
  params: AirspaceParams;
  now: number;
  horizonMs: number;
  /** Lowest height above the ground an alternative may cruise at. */
  minClearanceM: number;
}

/** Band steps tried for another altitude, nearest first, up before down. */
const BAND_STEPS = [1, -1, 2, -2, 3, -3];

/**
 * Changes that would be accepted now: the earliest departure whose sky road is clear within the
 * planning horizon, and the nearest altitude band (at the requested time) that is clear.
 */
export function proposeAlternatives(
  ctx: AlternativeContext,
  req: FlightPlanRequest,
  compiled: CompiledPlan,
  claimant: Claimant,
  exceptPlanId?: string,
): Alternative[] {
  const out: Alternative[] = [];
  const altitude = statedAltitude(req);
  const start = requestedStart(req);
  // The whole reservation, not only its start, must stay within the planning horizon.
  const maxShiftMs = ctx.now + ctx.horizonMs - compiled.timeEnd;
  const search = { claimant, maxShiftMs, ...(exceptPlanId ? { exceptPlanId } : {}) };
  const delay = earliestDelay(ctx.index, compiled.keys, search);
  if (delay !== null && delay > 0) {
    const request = delayed(req, delay);
    out.push({
      kind: 'departure',
      departure: new Date(start + delay).toISOString(),
      altitude,
      delaySeconds: delay / 1000,
      altitudeChangeM: 0,
      request,
    });
  }

  const free = firstClear(
    ctx.index,
    altitudeCandidates(ctx, req, compiled, claimant, exceptPlanId),
    claimant,
    exceptPlanId,
  );
  if (free) {
    out.push({
      kind: 'altitude',
      departure: new Date(start).toISOString(),
      altitude: statedAltitude(free.request),
      delaySeconds: 0,
      altitudeChangeM: free.deltaM,
      request: free.request,
    });
  }
  return out;
}

/**
 * The flight a few bands higher or lower, nearest first, each screened on keys derived from the
 * original sky road (cheap) and only then compiled in full and checked again: what is proposed
 * is exactly what the arbiter would decide on.
 */
function* altitudeCandidates(
  ctx: AlternativeContext,
  req: FlightPlanRequest,
  compiled: CompiledPlan,
  claimant: Claimant,
  exceptPlanId: string | undefined,
) {
  const legs = compiled.legs;
  for (const step of BAND_STEPS) {
    const deltaM = step * ctx.params.bandHeightM;
    const screened = legs
      ? raisedKeys(compiled.path!, legs, deltaM, ctx.params, req.route!.takeoffAndLanding)
      : { path: null, keys: compiled.keys.map((k) => ({ ...k, bandLo: k.bandLo + step, bandHi: k.bandHi + step })) };
    if (isBlocked(ctx.index, screened.keys, claimant, exceptPlanId)) continue;
    const request = raised(req, deltaM);
    const plan = compilePlan(toGeometry(request), ctx.datum, ctx.params);
    if (clearanceM(plan, request, ctx.datum) < ctx.minClearanceM) continue;
    yield { deltaM, request, keys: plan.keys };
  }
}

/** Lowest height above the ground of the flight's cruise (take-off and landing excluded). */
function clearanceM(plan: CompiledPlan, req: FlightPlanRequest, datum: Datum): number {
  if (plan.path) {
    const cruise = req.route?.takeoffAndLanding === false ? plan.path : plan.path.slice(1, -1);
    return Math.min(...cruise.map((p) => p.altW84 - groundW84(p.lat, p.lon, datum)));
  }
  return Math.min(
    ...(req.volumes ?? []).map((v) => {
      const c = v.volume.outline_circle?.center ?? v.volume.outline_polygon!.vertices[0]!;
      return toW84(v.volume.altitude_lower, c.lat, c.lng, datum) - groundW84(c.lat, c.lng, datum);
    }),
  );
}
