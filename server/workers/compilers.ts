import type { CompiledPlan } from '../airspace/plan.ts';
import { BadRequest, Unprocessable } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { FlightPlanRequest } from '../protocol/index.ts';
import type { ZoneRecord } from '../store/geofences.ts';
import { compilePlanJob, type PlanCompilation } from './jobs/compile-plan.ts';
import { compileDeclaredZoneJob, compileZonesJob, type Span, type ZoneCompilation } from './jobs/compile-zones.ts';
import { JobTimeout, WorkerPool } from './pool.ts';
import type { JobContext, WorkerSetup } from './setup.ts';

export type { Span, ZoneCompilation };

/** The geometry work the services hand off: plans and zones into keys. */
export interface Compilers {
  /** A plan request's sky road; a BadRequest naming the field when its volumes are no real polygons. */
  plan(req: FlightPlanRequest): Promise<CompiledPlan>;
  /** Stored zones as the index holds them. */
  zones(zones: ZoneRecord[], span: Span): Promise<ZoneCompilation[]>;
  /** A zone being declared: a BadRequest for an outline that bounds nothing, an Unprocessable past the time limit. */
  declaredZone(zone: ZoneRecord, span: Span): Promise<ZoneCompilation>;
  close(): Promise<void>;
}

/** Zones per job when a batch is compiled, so that several threads share a large one. */
const ZONES_PER_JOB = 250;

const planOf = (result: PlanCompilation): CompiledPlan => {
  if ('refusal' in result) throw BadRequest.field(result.refusal.path, result.refusal.message);
  return result.compiled;
};

const declaredOf = (result: ZoneCompilation | { problem: string }): ZoneCompilation => {
  if ('problem' in result) throw BadRequest.field('geometry.coordinates', result.problem);
  return result;
};

/** On this thread: for tools and tests that run one job at a time and have no requests to keep answering. */
export function inlineCompilers(ctx: JobContext): Compilers {
  return {
    plan: async (req) => planOf(compilePlanJob(req, ctx)),
    zones: async (zones, span) => compileZonesJob({ zones, span }, ctx),
    declaredZone: async (zone, span) => declaredOf(compileDeclaredZoneJob({ zone, span }, ctx)),
    close: async () => {},
  };
}

/**
 * On worker threads: plans on a pool of `threads`, zones on a thread of their own, so that a
 * city-sized zone taking seconds never holds a plan decision up behind it.
 */
export function pooledCompilers(setup: WorkerSetup, threads: number): Compilers {
  const plans = new WorkerPool({ threads, setup });
  const zones = new WorkerPool({ threads: 1, setup });
  return {
    plan: async (req) => planOf(await plans.run<FlightPlanRequest, PlanCompilation>('compile-plan', req)),
    async zones(records, span) {
      const jobs: Array<Promise<ZoneCompilation[]>> = [];
      for (let i = 0; i < records.length; i += ZONES_PER_JOB) {
        jobs.push(zones.run('compile-zones', { zones: records.slice(i, i + ZONES_PER_JOB), span }));
      }
      return (await Promise.all(jobs)).flat();
    },
    async declaredZone(zone, span) {
      try {
        return declaredOf(
          await zones.run<{ zone: ZoneRecord; span: Span }, ZoneCompilation | { problem: string }>(
            'compile-declared-zone',
            { zone, span },
            { timeoutMs: LIMITS.zoneCompileTimeoutMs },
          ),
        );
      } catch (err) {
        if (!(err instanceof JobTimeout)) throw err;
        throw new Unprocessable(
          `geometry: the zone could not be compiled within ${err.timeoutMs / 1000} s; give its outline fewer positions or split it`,
        );
      }
    },
    close: async () => {
      await Promise.all([plans.close(), zones.close()]);
    },
  };
}
