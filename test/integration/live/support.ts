import { io, type Socket } from 'socket.io-client';
import type {
  CommandOutcome,
  DroneRow,
  GatewayCommand,
  LiveFrame,
  LiveSnapshot,
  TelemetrySample,
} from '../../../server/protocol/index.ts';
import { ADMIN_TOKEN } from '../../support/server.ts';

let seq = 0;

/** A sample as a gateway sends it, at a place and (by default) now. */
export function sample(
  droneId: string,
  at: { lat: number; lon: number },
  extra: Partial<TelemetrySample> = {},
): TelemetrySample {
  return {
    seq: seq++,
    time: new Date().toISOString(),
    droneId,
    lat: at.lat,
    lon: at.lon,
    altW84: 117,
    altAmsl: 80,
    altRelative: 70,
    groundSpeedMps: 10,
    verticalSpeedMps: 0,
    headingDeg: 90,
    batteryPercent: 80,
    batteryVoltage: 15.2,
    mode: 'AUTO',
    armed: true,
    gpsFix: 3,
    remoteId: null,
    ...extra,
  };
}

/**
 * A gateway speaking the real `/gateway` protocol: batches of samples, acknowledged once stored;
 * every command it is given is recorded and answered as a drone that accepts it would.
 */
export async function fakeGateway(url: string, gatewayId: string, token: string = ADMIN_TOKEN) {
  const socket = io(`${url}/gateway`, { auth: { token, gatewayId }, transports: ['websocket'] });
  const commands: GatewayCommand[] = [];
  socket.on('command', (c: GatewayCommand, ack: (o: CommandOutcome) => void) => {
    commands.push(c);
    ack({
      id: c.id,
      droneId: c.droneId,
      action: c.action,
      ok: true,
      result: 'MAV_RESULT_ACCEPTED',
      message: 'accepted',
      steps: [],
      gatewayId,
      completedAt: new Date().toISOString(),
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    socket,
    commands,
    send: (samples: TelemetrySample[]) => socket.emitWithAck('telemetry', { samples }),
    close: () => socket.close(),
  };
}

/** A viewer of `/live` that records every frame and event it gets; the administrator's unless told otherwise (null: the public). */
export async function viewer(url: string, token: string | null = ADMIN_TOKEN) {
  const socket: Socket = io(`${url}/live`, { transports: ['websocket'], ...(token ? { auth: { token } } : {}) });
  const frames: LiveFrame[] = [];
  const events: Array<{ event: string; payload: any }> = [];
  socket.on('frame', (f: LiveFrame) => frames.push(f));
  socket.onAny((event: string, payload: unknown) => {
    if (event !== 'frame') events.push({ event, payload });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    socket,
    frames,
    events,
    subscribe: (cells: string[], full = false) =>
      socket.emitWithAck('subscribe', { cells, full }) as Promise<LiveSnapshot | { error: string }>,
    /** Every row any frame carried for the drone. */
    rowsOf: (droneId: string): DroneRow[] => frames.flatMap((f) => f.drones.filter((r) => r[0] === droneId)),
    close: () => socket.close(),
  };
}
