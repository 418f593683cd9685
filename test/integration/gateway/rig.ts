import type { LinkSpec, RunningGateway } from '../../../gateway/gateway.ts';
import { openPtyPair, type PtyPair } from '../../../gateway/sim/pty.ts';
import { ManualClock } from '../../support/clock.ts';
import { overSerial, overUdp, ScriptedAutopilot, type Radio, type ScriptedOptions } from './scripted-autopilot.ts';
import { gatewayFor, udpListener, until } from './support.ts';

export type Transport = 'udp' | 'serial';

export interface Rig {
  clock: ManualClock;
  gateway: RunningGateway & { spoolDir: string };
  radio: Radio;
  vehicles: ScriptedAutopilot[];
  /** Moves time on, then waits until every byte the vehicles sent meanwhile has reached the gateway. */
  pass(ms: number): Promise<void>;
}

let stops: Array<() => Promise<void>> = [];

/** Something to close after the test, in reverse order of opening. */
export function onStop(stop: () => Promise<void>): void {
  stops.push(stop);
}

/** Closes every rig (and whatever else was registered) the test opened. */
export async function stopRigs(): Promise<void> {
  for (const stop of stops.reverse()) await stop();
  stops = [];
}

/** A gateway on a manual clock and scripted autopilots on the same clock, over UDP or a pty pair. */
export async function rig(
  transport: Transport,
  specs: ScriptedOptions[],
  options: {
    split?: (bytes: Buffer) => Buffer[];
    droneIds?: Map<number, string>;
    server?: { url: string; token: string };
  } = {},
): Promise<Rig> {
  const clock = new ManualClock(Date.now());
  let pty: PtyPair | null = null;
  let link: LinkSpec;
  if (transport === 'serial') {
    pty = await openPtyPair();
    link = { kind: 'serial', name: 'radio', path: pty.gateway, baudRate: 57_600, signing: null, relay: false };
  } else {
    link = udpListener('radio', { relay: false });
  }
  const gateway = await gatewayFor(
    options.server ?? null,
    { links: [link], droneIds: options.droneIds ?? new Map() },
    clock,
  );
  const makers = specs.map(
    (spec) => (transmit: (bytes: Buffer) => void) => new ScriptedAutopilot(spec, clock, transmit),
  );
  const radio =
    transport === 'udp'
      ? await overUdp(gateway.udpPorts.radio!, makers, options.split)
      : await overSerial(pty!.sim, makers);
  onStop(async () => {
    await radio.stop();
    await gateway.stop();
    await pty?.close();
  });
  const port = gateway.ports[0]!;
  const delivered = () => until('the vehicles’ bytes at the gateway', () => port.counters.bytes >= radio.sent());
  return {
    clock,
    gateway,
    radio,
    vehicles: radio.vehicles,
    async pass(ms) {
      for (let left = ms; left > 0; left -= 250) {
        await clock.advance(Math.min(250, left));
        await delivered();
      }
    },
  };
}

/** Waits for a drone to be identified and its telemetry rates asked for (the vehicle answered four commands). */
export async function ready(r: Rig, droneId: string, vehicle = r.vehicles[0]!) {
  await until(`${droneId} identified`, () => r.gateway.vehicles.byDroneId(droneId));
  await until('telemetry rates asked for', () => vehicle.seen('out', 'COMMAND_ACK').length >= 4);
}
