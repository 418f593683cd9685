import type { Background } from './background.ts';
import type { Clock } from './clock.ts';

/**
 * Runs a housekeeping job now and then every interval, one run at a time; a failed run is
 * reported (logged and counted) and the next one tries again. Returns the stop function, which waits for a run under way
 * so that nothing reaches a database being closed.
 */
export function every(
  clock: Clock,
  intervalMs: number,
  what: string,
  job: () => Promise<unknown>,
  background: Background,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running.then(job).catch(background.failed(what, { next: 'it runs again later' }));
  };
  run();
  const timer = clock.setInterval(run, intervalMs);
  return async () => {
    clock.clear(timer);
    await running;
  };
}
