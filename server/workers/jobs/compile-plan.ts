import { compilePlan, type CompiledPlan } from '../../airspace/plan.ts';
import { BadRequest } from '../../errors.ts';
import { checkVolumes } from '../../flights/extent.ts';
import { toGeometry } from '../../flights/geometry.ts';
import type { FlightPlanRequest } from '../../protocol/index.ts';
import type { JobContext } from '../setup.ts';

/** A compiled plan, or why its request cannot become one (a 400 on the main thread). */
export type PlanCompilation = { compiled: CompiledPlan } | { refusal: { path: string; message: string } };

/** A plan request's sky road: its volumes checked first (real polygons, bounded area), then compiled. */
export function compilePlanJob(req: FlightPlanRequest, ctx: JobContext): PlanCompilation {
  try {
    checkVolumes(req);
  } catch (err) {
    if (!(err instanceof BadRequest)) throw err;
    const issue = err.issues[0] ?? { path: 'body', message: err.message };
    return { refusal: issue };
  }
  return { compiled: compilePlan(toGeometry(req), ctx.datum, ctx.params) };
}
