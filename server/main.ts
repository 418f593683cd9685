import { SecretError } from './auth/secrets.ts';
import { ConfigError, loadConfig } from './config.ts';
import { EditedMigration } from './store/migrate.ts';
import { createLogger } from './log.ts';
import { startServer } from './server.ts';

/** Composition root: configuration, then the server, then a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer(config, log);
  } catch (err) {
    if (err instanceof SecretError || err instanceof EditedMigration) {
      console.error(`refusing to start: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await server.close();
    process.exit(0);
  };
  const onSignal = (signal: string) =>
    stop(signal).catch((err: unknown) => {
      log.error({ err }, 'could not stop cleanly');
      process.exit(1);
    });
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
