import type { Logger } from './log.ts';

/**
 * Work nobody waits for (a check, an alert's write, a mirror catching up): a failure is logged at
 * error with its job and context, and counted (`soramichi_background_failures_total{job}`), never
 * lost. `job` is a short stable name.
 */
export interface Background {
  /** Starts `work` and reports its failure. */
  run(job: string, work: PromiseLike<unknown> | void, context?: Record<string, unknown>): void;
  /** The handler for a chain that must go on after a failure: `.catch(background.failed(job))`. */
  failed(job: string, context?: Record<string, unknown>): (err: unknown) => void;
}

export function backgroundOf(log: Logger, failures: { inc(labels: { job: string }): void }): Background {
  const failed =
    (job: string, context: Record<string, unknown> = {}) =>
    (err: unknown) => {
      failures.inc({ job });
      log.error({ err, job, ...context }, `${job} failed`);
    };
  return {
    failed,
    run: (job, work, context) => {
      Promise.resolve(work).catch(failed(job, context));
    },
  };
}

/** For tools that serve no metrics (the CLIs, benchmarks): failures are logged, not counted. */
export const loggedBackground = (log: Logger): Background => backgroundOf(log, { inc: () => undefined });
