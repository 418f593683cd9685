import { pino } from 'pino';
import { startGateway } from './gateway.ts';
import { parseGatewayArgs, USAGE, UsageError } from './options.ts';

/** The gateway process: links → vehicles → uplink, until SIGINT/SIGTERM stops it cleanly. */
async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseGatewayArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({
    level: parsed.logLevel,
    base: { service: 'soramichi-gateway', gateway: parsed.config.gatewayId },
  });
  const gateway = await startGateway(parsed.config, log);
  log.info({ links: gateway.ports.map((p) => p.name), udpPorts: gateway.udpPorts }, 'gateway running');
  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await gateway.stop();
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
