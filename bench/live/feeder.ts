/**
 * A gateway for the live-stream benchmark, in its own process: DRONES drones over Kaga, each
 * reporting once a second, sent to the server's `/gateway` namespace in ten batches a second.
 * They report disarmed unless ARMED=1: armed, each is an airborne drone without a plan, and
 * conformance monitoring raises an alert for every one of them.
 */
import { io } from 'socket.io-client';
import type { TelemetrySample } from '../../server/protocol/index.ts';
import { AREA } from './area.ts';

const url = process.env.SERVER_URL!;
const drones = Number(process.env.DRONES);
const token = process.env.TOKEN!;
const armed = process.env.ARMED === '1';
const TICKS_PER_SECOND = 10;

const socket = io(`${url}/gateway`, { auth: { token, gatewayId: `bench-${drones}` }, transports: ['websocket'] });
await new Promise<void>((resolve, reject) => {
  socket.once('connect', resolve);
  socket.once('connect_error', reject);
});

const [west, south, east, north] = AREA;
const state = Array.from({ length: drones }, (_, i) => ({
  id: `JUBENCH${String(i).padStart(5, '0')}`,
  lat: south + Math.random() * (north - south),
  lon: west + Math.random() * (east - west),
  heading: Math.random() * 360,
}));

let seq = 0;
let sent = 0;
let acked = 0;
let outstanding = 0;
let maxOutstanding = 0;
let tick = 0;
const STEP_DEG = 10 / 111_000;

const timer = setInterval(() => {
  const per = Math.ceil(drones / TICKS_PER_SECOND);
  const from = (tick % TICKS_PER_SECOND) * per;
  tick++;
  const now = new Date().toISOString();
  const samples: TelemetrySample[] = [];
  for (let i = from; i < Math.min(drones, from + per); i++) {
    const d = state[i]!;
    const rad = (d.heading * Math.PI) / 180;
    d.lat += Math.cos(rad) * STEP_DEG;
    d.lon += (Math.sin(rad) * STEP_DEG) / Math.cos((d.lat * Math.PI) / 180);
    if (d.lat < south || d.lat > north || d.lon < west || d.lon > east) d.heading = (d.heading + 180) % 360;
    samples.push({
      seq: seq++,
      time: now,
      droneId: d.id,
      lat: d.lat,
      lon: d.lon,
      altW84: 117,
      altAmsl: 80,
      altRelative: 70,
      groundSpeedMps: 10,
      verticalSpeedMps: 0,
      headingDeg: d.heading,
      batteryPercent: 80,
      batteryVoltage: 15.1,
      mode: 'AUTO',
      armed,
      gpsFix: 3,
      remoteId: null,
    });
  }
  outstanding++;
  maxOutstanding = Math.max(maxOutstanding, outstanding);
  sent += samples.length;
  socket.emit('telemetry', { samples }, (answer: { accepted: number }) => {
    outstanding--;
    acked += answer.accepted;
  });
}, 1000 / TICKS_PER_SECOND);

process.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  socket.close();
  process.send!({ type: 'stats', sent, acked, outstanding, maxOutstanding }, () => process.exit(0));
});
process.send!({ type: 'ready' });
