import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { DroneState, FlightPlan } from '../server/protocol/index.ts';
import { ensureUiBuilt } from './build-ui.ts';
import { KAGA_SCENARIOS, type Scenario } from './demo/kaga.ts';
import { takeScreenshots } from './demo/screenshots.ts';
import { startWorld, type World } from './demo/world.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `npm run demo -- [--port 8080] [--time-scale 1] [--screenshots]
  Kaga's drones flying their plans: the server on the embedded database, a gateway and simulated
  copters over UDP. Open http://localhost:PORT/ (monitoring) and /plan (operator).
  --screenshots   write docs/screenshot-monitoring.png and docs/screenshot-plan.png, then stop`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    'time-scale': { type: 'string', default: '1' },
    screenshots: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const log = pino({ base: { service: 'soramichi-demo' } });
const ui = await ensureUiBuilt();
if (ui === 'built') log.info('web UI built');

const world = await startWorld({
  scenarios: KAGA_SCENARIOS,
  log,
  env: { PORT: values.port, HOST: '0.0.0.0', LOG_LEVEL: 'warn' },
  timeScale: Number(values['time-scale']),
});
const url = world.server.url;

/** Each drone flies its scenario again once it has landed: the demo goes on as long as it runs. */
async function keepFlying(w: World, scenarios: readonly Scenario[]): Promise<() => void> {
  const current = new Map<string, { plan: FlightPlan; airborne: boolean }>();
  for (const s of scenarios) current.set(s.droneId, { plan: await w.fly(s), airborne: false });
  const headers = { authorization: `Bearer ${w.tokens.operator}` };
  const timer = setInterval(async () => {
    try {
      const states = (await (await fetch(`${url}/api/v1/drones`, { headers })).json()) as DroneState[];
      for (const s of scenarios) {
        const flight = current.get(s.droneId)!;
        const state = states.find((d) => d.droneId === s.droneId);
        if (!state) continue;
        if (state.armed) flight.airborne = true;
        else if (flight.airborne) {
          await fetch(`${url}/api/v1/flight-plans/${flight.plan.id}/end`, { method: 'POST', headers });
          current.set(s.droneId, { plan: await w.fly(s), airborne: false });
        }
      }
    } catch (err) {
      log.error({ err }, 'could not send a drone on its next flight');
    }
  }, 5_000);
  return () => clearInterval(timer);
}

const stopFlying = await keepFlying(world, KAGA_SCENARIOS);
log.info(
  {
    public: `${url}/`,
    monitoring: `${url}/#token=${world.tokens.monitor}`,
    operator: `${url}/plan#token=${world.tokens.operator}`,
  },
  'Kaga demo running: open the monitoring screen (each link signs the page in as that role)',
);

const stop = async () => {
  stopFlying();
  await world.stop();
  process.exit(0);
};
const onSignal = () =>
  stop().catch((err: unknown) => {
    log.error({ err }, 'could not stop cleanly');
    process.exit(1);
  });
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

if (values.screenshots) {
  fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  const files = await takeScreenshots(url, world.tokens, path.join(ROOT, 'docs'), KAGA_SCENARIOS, log);
  log.info({ files }, 'screenshots written');
  await stop();
}
