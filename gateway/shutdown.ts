import type { Logger } from 'pino';

/**
 * On SIGINT or SIGTERM, `stop` and exit (0); a stop that fails is logged and exits 1, so a
 * process manager sees it did not end cleanly. For the gateway's and the simulator's processes.
 */
export function stopOnSignal(log: Logger, stop: () => Promise<void>): void {
  const onSignal = (signal: string) => {
    log.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'could not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}
