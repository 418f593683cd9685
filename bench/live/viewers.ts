/**
 * The viewers of the live-stream benchmark, in their own process: VIEWERS socket.io clients on
 * `/live`, each watching the whole area, timing every drone row from the moment the server
 * received the position (and from the moment the gateway sent it) to its arrival here.
 */
import { io, type Socket } from 'socket.io-client';
import { LIVE_CELL_RESOLUTION, MAX_VIEWPORT_CELLS, type LiveFrame } from '../../server/protocol/index.ts';
import { viewportCells } from '../../ui/src/map/viewport-cells.ts';
import { AREA } from './area.ts';
import { Histogram } from './histogram.ts';

const url = process.env.SERVER_URL!;
const count = Number(process.env.VIEWERS);
const cells = viewportCells(AREA, LIVE_CELL_RESOLUTION, MAX_VIEWPORT_CELLS);

let fromReceipt = new Histogram();
let fromSample = new Histogram();
let frames = 0;
let rows = 0;
let bytes = 0;
let measuring = false;

const sockets: Socket[] = [];
for (let i = 0; i < count; i++) {
  const socket = io(`${url}/live`, { transports: ['websocket'] });
  socket.on('frame', (f: LiveFrame) => {
    if (!measuring) return;
    const now = Date.now();
    frames++;
    rows += f.drones.length;
    for (const r of f.drones) {
      fromReceipt.add(now - r[11]);
      fromSample.add(now - r[10]);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  socket.io.engine.on('data', (d: unknown) => {
    if (measuring && typeof d === 'string') bytes += d.length;
  });
  const answer = await socket.timeout(30_000).emitWithAck('subscribe', { cells, full: false });
  if ('error' in answer) throw new Error(answer.error);
  sockets.push(socket);
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'start') {
    fromReceipt = new Histogram();
    fromSample = new Histogram();
    frames = rows = bytes = 0;
    measuring = true;
  } else if (m.type === 'stop') {
    measuring = false;
    for (const s of sockets) s.close();
    process.send!(
      { type: 'stats', frames, rows, bytes, fromReceipt: fromReceipt.sparse(), fromSample: fromSample.sparse() },
      () => process.exit(0),
    );
  }
});
process.send!({ type: 'ready', cells: cells.length });
