import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';

/**
 * Runs a housekeeping job now and then every interval, one run at a time; a failed run is
 * logged and the next one tries again. Returns the stop function, which waits for a run under way
 * so that nothing reaches a database being closed.
 */
export function every(
  clock: Clock,
  intervalMs: number,
  what: string,
  job: () => Promise<unknown>,
  log: Logger,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running
      .then(job)
      .catch((err: unknown) => log.error({ err, job: what }, `${what} failed; it runs again later`));
  };
  run();
  const timer = clock.setInterval(run, intervalMs);
  return async () => {
    clock.clear(timer);
    await running;
  };
}
