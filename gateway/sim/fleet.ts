import dgram from 'node:dgram';
import { SerialPort } from 'serialport';
import { MavlinkFramer } from '../mavlink/framer.ts';
import type { CopterOptions } from './copter.ts';
import { SimAutopilot, type AutopilotOptions } from './autopilot.ts';
import type { LatLon } from './geo.ts';
import { startPosition } from './places.ts';

export interface DroneSpec {
  sysid: number;
  /** Remote ID broadcast (a JU… registration or a serial number); null broadcasts none. */
  droneId?: string | null;
  operatorId?: string | null;
  start?: LatLon;
  groundAmsl?: number;
  positionHz?: number;
  cruiseMps?: number;
  drift?: { north: number; east: number };
  airborneAtM?: number | null;
  signingKey?: Buffer | null;
  loss?: number;
}

export type FleetTransport = { udp: { host: string; port: number } } | { serial: { path: string; baudRate: number } };

export interface FleetOptions {
  drones: DroneSpec[];
  /** Each drone its own UDP socket to the gateway (as separate vehicles), or all on one serial line (a radio network). */
  transport: FleetTransport;
  /** Simulated seconds per real second for flight (not for message rates or protocol timeouts). */
  timeScale?: number;
  autoStart?: boolean;
  tickMs?: number;
}

export interface Fleet {
  drones: SimAutopilot[];
  drone(sysid: number): SimAutopilot;
  stop(): Promise<void>;
}

/** A registration-like id for the i-th simulated drone: JU + 10 characters, as Japan's marks. */
export function simDroneId(i: number): string {
  return `JUSIM${String(i).padStart(7, '0')}`;
}

function autopilotOptions(spec: DroneSpec, index: number, options: FleetOptions): AutopilotOptions {
  const copter: CopterOptions = {
    start: spec.start ?? startPosition(index),
    groundAmsl: spec.groundAmsl ?? 10,
    cruiseMps: spec.cruiseMps ?? 10,
    climbMps: 2.5,
    descentMps: 1.5,
    rtlAltM: 15,
    drift: spec.drift ?? { north: 0, east: 0 },
    airborneAtM: spec.airborneAtM ?? null,
  };
  return {
    sysid: spec.sysid,
    droneId: spec.droneId === undefined ? simDroneId(spec.sysid) : spec.droneId,
    operatorId: spec.operatorId ?? null,
    positionHz: spec.positionHz ?? 5,
    signingKey: spec.signingKey ?? null,
    autoStart: options.autoStart ?? true,
    loss: spec.loss ?? 0,
    copter,
  };
}

/**
 * Simulated ArduCopters talking to a gateway. One timer moves them all and sends what each
 * has due, so a hundred drones cost a hundred loop iterations per tick, not a hundred timers.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const drones: SimAutopilot[] = [];
  const closers: Array<() => Promise<void>> = [];
  const t = options.transport;

  if ('udp' in t) {
    for (const [i, spec] of options.drones.entries()) {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      let open = true;
      const drone = new SimAutopilot(autopilotOptions(spec, i, options), (bytes) => {
        if (open) socket.send(bytes, t.udp.port, t.udp.host);
      });
      const framer = new MavlinkFramer();
      socket.on('message', (msg) => {
        framer.push(msg, (f) => drone.receive(f));
        framer.flush((f) => drone.receive(f));
      });
      drones.push(drone);
      closers.push(() => {
        open = false;
        return new Promise((resolve) => socket.close(() => resolve()));
      });
    }
  } else {
    const port = new SerialPort({ path: t.serial.path, baudRate: t.serial.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const framer = new MavlinkFramer();
    port.on('data', (chunk: Buffer) => framer.push(chunk, (f) => drones.forEach((d) => d.receive(f))));
    for (const [i, spec] of options.drones.entries()) {
      drones.push(
        new SimAutopilot(autopilotOptions(spec, i, options), (bytes) => {
          if (port.isOpen) port.write(bytes);
        }),
      );
    }
    closers.push(() => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  }

  const scale = options.timeScale ?? 1;
  let last = Date.now();
  const tick = () => {
    const now = Date.now();
    const dt = ((now - last) / 1000) * scale;
    last = now;
    for (const d of drones) d.tick(now, dt);
  };
  tick();
  const timer = setInterval(tick, options.tickMs ?? 20);
  let stopped: Promise<void> | null = null;

  return {
    drones,
    drone(sysid) {
      const d = drones.find((x) => x.sysid === sysid);
      if (!d) throw new Error(`no simulated drone with system id ${sysid}`);
      return d;
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        for (const d of drones) d.stop();
        await Promise.all(closers.map((c) => c()));
      })();
      return stopped;
    },
  };
}
