import { workerData } from 'node:worker_threads';
import { compilePlanJob } from './jobs/compile-plan.ts';
import { compileDeclaredZoneJob, compileZonesJob } from './jobs/compile-zones.ts';
import { jobContext, type WorkerSetup } from './setup.ts';

const ctx = await jobContext(workerData as WorkerSetup);

/** The jobs a worker thread runs, by the name the pool gives them. */
export const handlers = {
  'compile-plan': (input: Parameters<typeof compilePlanJob>[0]) => compilePlanJob(input, ctx),
  'compile-zones': (input: Parameters<typeof compileZonesJob>[0]) => compileZonesJob(input, ctx),
  'compile-declared-zone': (input: Parameters<typeof compileDeclaredZoneJob>[0]) => compileDeclaredZoneJob(input, ctx),
};
