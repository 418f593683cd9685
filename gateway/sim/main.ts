import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { signingKey } from '../mavlink/signing.ts';
import { stopOnSignal } from '../shutdown.ts';
import { startFleet, type DroneSpec, type FleetTransport } from './fleet.ts';
import { moveBy } from './geo.ts';
import { openPtyPair, type PtyPair } from './pty.ts';

const USAGE = `npm run sim -- --drones N (--udp host:port | --pty | --serial path[:baud]) [options]
  --rate HZ            GLOBAL_POSITION_INT rate until the gateway asks for another (5)
  --time-scale X       fly X times faster than real time (1)
  --start LAT,LON      pad of the first drone; the others stand 15 m apart around it (default: Kaga's bases)
  --drift N,E          uncorrected drift of every drone, m/s north and east
  --airborne M         start hovering at M metres instead of on the pad
  --sysid-base N       system id of the first drone (1)
  --sign KEY           sign frames and require signed frames (64 hex digits or a passphrase)
  --no-remote-id       broadcast no OPEN_DRONE_ID_BASIC_ID
  --no-auto-start      wait for MAV_CMD_MISSION_START instead of flying an uploaded mission at once`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function pair(text: string, what: string): [number, number] {
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n))) fail(`${what} must be two numbers: a,b`);
  return parts as [number, number];
}

const { values } = parseArgs({
  options: {
    drones: { type: 'string', default: '1' },
    udp: { type: 'string' },
    pty: { type: 'boolean', default: false },
    serial: { type: 'string' },
    rate: { type: 'string', default: '5' },
    'time-scale': { type: 'string', default: '1' },
    start: { type: 'string' },
    drift: { type: 'string' },
    airborne: { type: 'string' },
    'sysid-base': { type: 'string', default: '1' },
    sign: { type: 'string' },
    'no-remote-id': { type: 'boolean', default: false },
    'no-auto-start': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const count = Number(values.drones);
const base = Number(values['sysid-base']);
if (!Number.isInteger(count) || count < 1 || count > 250) fail('--drones must be 1–250');
if (!Number.isInteger(base) || base < 1 || base + count - 1 > 250)
  fail('--sysid-base + --drones must stay within 1–250');
const rate = Number(values.rate);
if (!(rate > 0 && rate <= 50)) fail('--rate must be within (0, 50]');
const timeScale = Number(values['time-scale']);
if (!(timeScale > 0)) fail('--time-scale must be positive');
const transports = [values.udp, values.pty || undefined, values.serial].filter((v) => v !== undefined);
if (transports.length !== 1) fail('give exactly one of --udp, --pty, --serial');

const log = pino({ base: { service: 'soramichi-sim' } });
let pty: PtyPair | null = null;
let transport: FleetTransport;
if (values.udp) {
  const m = /^(.+):(\d+)$/.exec(values.udp);
  if (!m) fail('--udp must be host:port');
  transport = { udp: { host: m[1]!, port: Number(m[2]) } };
} else if (values.pty) {
  pty = await openPtyPair();
  transport = { serial: { path: pty.sim, baudRate: 57_600 } };
  log.info({ gatewaySerial: pty.gateway }, `pty ready: npm run gateway -- --serial ${pty.gateway}:57600`);
} else {
  const [path, baud] = values.serial!.split(':');
  transport = { serial: { path: path!, baudRate: baud ? Number(baud) : 57_600 } };
}

const start = values.start ? pair(values.start, '--start') : null;
const drift = values.drift ? pair(values.drift, '--drift') : null;
const key = values.sign ? signingKey(values.sign) : null;
const drones: DroneSpec[] = Array.from({ length: count }, (_, i) => {
  const angle = (i * 137.5 * Math.PI) / 180;
  const r = 15 * Math.sqrt(i);
  return {
    sysid: base + i,
    ...(values['no-remote-id'] ? { droneId: null } : {}),
    ...(start ? { start: moveBy({ lat: start[0], lon: start[1] }, r * Math.cos(angle), r * Math.sin(angle)) } : {}),
    ...(drift ? { drift: { north: drift[0], east: drift[1] } } : {}),
    ...(values.airborne ? { airborneAtM: Number(values.airborne) } : {}),
    positionHz: rate,
    signingKey: key,
  };
});

const fleet = await startFleet({ drones, transport, timeScale, autoStart: !values['no-auto-start'] });
log.info({ drones: count, transport, rate, timeScale }, 'simulated drones flying');

stopOnSignal(log, async () => {
  await fleet.stop();
  await pty?.close();
});
