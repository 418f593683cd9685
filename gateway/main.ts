import { pino } from 'pino';
import { startGateway } from './gateway.ts';
import { parseGatewayArgs, USAGE, UsageError } from './options.ts';
import { stopOnSignal } from './shutdown.ts';

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
  stopOnSignal(log, () => gateway.stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
