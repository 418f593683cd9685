import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GATEWAY_DEFAULTS, type GatewayConfig, type LinkSpec } from './gateway.ts';
import { signingKey } from './mavlink/signing.ts';
import { GATEWAY_ID, GATEWAY_ID_RULE } from '../server/protocol/index.ts';

export const USAGE = `npm run gateway -- [links] --server URL --token TOKEN [options]
links (each may be given several times):
  --serial PATH[:BAUD][,opts]   a serial port (57600 baud unless given)
  --udp HOST:PORT[,opts]        listen for drones (and ground stations), e.g. 0.0.0.0:14550
  --udp-out HOST:PORT[,opts]    send to a drone, SITL or ground station that waits to be contacted
  link opts: name=NAME  sign=KEY (64 hex digits or a passphrase)  require-signing  no-relay
options:
  --server URL          the soramichi server, e.g. http://localhost:8080 (omit to only relay)
  --token TOKEN         bearer token (or GATEWAY_TOKEN in the environment)
  --id ID               this gateway's id (default: host name)
  --spool DIR           store-and-forward directory (default ./data/gateway/<id>)
  --spool-max-mb N      disk the spool may use (256)
  --position-hz N       GLOBAL_POSITION_INT rate asked of each drone (5)
  --drone SYSID=ID      the drone id of a system without Remote ID (repeatable)
  --sysid N --compid N  our own MAVLink identity (255/190)
  --log-level LEVEL     pino level (info)`;

export class UsageError extends Error {}

function linkSpec(kind: LinkSpec['kind'], text: string, index: number): LinkSpec {
  const [address = '', ...opts] = text.split(',');
  let name = `${kind}${index}`;
  let key: Buffer | null = null;
  let require = false;
  let relay = true;
  for (const opt of opts) {
    const [k, v] = opt.split('=', 2);
    if (k === 'name' && v) name = v;
    else if (k === 'sign' && v) key = signingKey(v);
    else if (k === 'require-signing') require = true;
    else if (k === 'no-relay') relay = false;
    else throw new UsageError(`--${kind} ${text}: unknown option "${opt}"`);
  }
  if (require && !key) throw new UsageError(`--${kind} ${text}: require-signing needs sign=KEY`);
  const common = { name, signing: key && { key, require }, relay };
  if (kind === 'serial') {
    const m = /^(.+?)(?::(\d+))?$/.exec(address);
    if (!m || !m[1]) throw new UsageError(`--serial ${text}: expected PATH[:BAUD]`);
    return { ...common, kind, path: m[1], baudRate: m[2] ? Number(m[2]) : 57_600 };
  }
  const m = /^(.+):(\d{1,5})$/.exec(address);
  if (!m || Number(m[2]) > 65_535) throw new UsageError(`--${kind} ${text}: expected HOST:PORT`);
  return { ...common, kind, host: m[1]!, port: Number(m[2]) };
}

function integer(text: string | undefined, what: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${what} must be an integer within ${min}–${max}`);
  return n;
}

/** The command line (and GATEWAY_TOKEN) as a gateway configuration; a UsageError names what is wrong. */
export function parseGatewayArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): { config: GatewayConfig; logLevel: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      serial: { type: 'string', multiple: true, default: [] },
      udp: { type: 'string', multiple: true, default: [] },
      'udp-out': { type: 'string', multiple: true, default: [] },
      server: { type: 'string' },
      token: { type: 'string' },
      id: { type: 'string' },
      spool: { type: 'string' },
      'spool-max-mb': { type: 'string' },
      'position-hz': { type: 'string' },
      drone: { type: 'string', multiple: true, default: [] },
      sysid: { type: 'string' },
      compid: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
    strict: true,
  });
  const links = [
    ...values.serial.map((t, i) => linkSpec('serial', t, i)),
    ...values.udp.map((t, i) => linkSpec('udp', t, i)),
    ...values['udp-out'].map((t, i) => linkSpec('udp-out', t, i)),
  ];
  if (!links.length) throw new UsageError('give at least one link: --serial, --udp or --udp-out');
  const names = links.map((l) => l.name);
  if (new Set(names).size !== names.length) throw new UsageError(`link names must differ: ${names.join(', ')}`);

  const token = values.token ?? env.GATEWAY_TOKEN;
  let server: GatewayConfig['server'] = null;
  if (values.server) {
    if (!/^https?:\/\/[^/]+/.test(values.server)) throw new UsageError('--server must be an http(s) URL');
    if (!token) throw new UsageError('--server needs --token (or GATEWAY_TOKEN)');
    server = { url: values.server, token };
  }
  const gatewayId = values.id ?? os.hostname();
  if (!GATEWAY_ID.test(gatewayId)) throw new UsageError(`--id: ${GATEWAY_ID_RULE}`);

  const droneIds = new Map<number, string>();
  for (const d of values.drone) {
    const m = /^(\d{1,3})=(.{1,64})$/.exec(d);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 255) throw new UsageError(`--drone ${d}: expected SYSID=ID`);
    droneIds.set(Number(m[1]), m[2]!);
  }
  const positionHz = Number(values['position-hz'] ?? GATEWAY_DEFAULTS.positionHz);
  if (!(positionHz > 0 && positionHz <= 50)) throw new UsageError('--position-hz must be within (0, 50]');

  return {
    logLevel: values['log-level'],
    config: {
      ...GATEWAY_DEFAULTS,
      gatewayId,
      links,
      server,
      spoolDir: path.resolve(values.spool ?? path.join('data', 'gateway', gatewayId)),
      spoolMaxBytes: integer(values['spool-max-mb'], '--spool-max-mb', 1, 1_000_000, 256) * 1024 * 1024,
      positionHz,
      droneIds,
      sysid: integer(values.sysid, '--sysid', 1, 255, GATEWAY_DEFAULTS.sysid),
      compid: integer(values.compid, '--compid', 0, 255, GATEWAY_DEFAULTS.compid),
    },
  };
}
