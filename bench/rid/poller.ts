/**
 * Display providers for the Remote ID benchmark, in their own process: POLLERS of them, each
 * polling its own view (about 4.9 × 4.9 km, just under F3411's 7 km diagonal) of the benchmark's
 * area once a second for the flights and their last minute of positions, as a display provider's
 * first look at a view asks. Records how long each answer took and how old each flight's current
 * position was when the server answered.
 */
import type { RidGetFlightsResponse } from '../../server/protocol/index.ts';
import { AREA } from '../live/area.ts';
import { Histogram } from '../live/histogram.ts';

const url = process.env.SERVER_URL!;
const token = process.env.TOKEN!;
const pollers = Number(process.env.POLLERS);
const SIDE_KM = 4.9;

const [west, south, east, north] = AREA;
const dLat = SIDE_KM / 111.2;
const dLng = SIDE_KM / (111.32 * Math.cos((((south + north) / 2) * Math.PI) / 180));
const views = Array.from({ length: pollers }, () => {
  const lat = south + Math.random() * (north - south - dLat);
  const lng = west + Math.random() * (east - west - dLng);
  return `${lat.toFixed(5)},${lng.toFixed(5)},${(lat + dLat).toFixed(5)},${(lng + dLng).toFixed(5)}`;
});

let measuring = false;
let running = true;
const response = new Histogram();
const age = new Histogram();
let polls = 0;
let flights = 0;
let failures = 0;

async function poll(view: string): Promise<void> {
  const t = performance.now();
  const res = await fetch(`${url}/rid/v2/uss/flights?view=${view}&recent_positions_duration=60`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as RidGetFlightsResponse;
  const took = performance.now() - t;
  if (!measuring) return;
  if (res.status !== 200) {
    failures++;
    return;
  }
  response.add(took);
  polls++;
  const served = Date.parse(body.timestamp.value);
  for (const f of body.flights) {
    flights++;
    age.add(served - Date.parse(f.current_state!.timestamp.value));
  }
}

async function loop(view: string, offsetMs: number): Promise<void> {
  await new Promise((r) => setTimeout(r, offsetMs));
  while (running) {
    const next = performance.now() + 1000;
    await poll(view).catch(() => void failures++);
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
}

const loops = views.map((v, i) => loop(v, (1000 * i) / pollers));

process.on('message', (m: { type: string }) => {
  if (m.type === 'start') measuring = true;
  if (m.type !== 'stop') return;
  measuring = false;
  running = false;
  void Promise.all(loops).then(() =>
    process.send!({ type: 'stats', polls, flights, failures, response: response.sparse(), age: age.sparse() }, () =>
      process.exit(0),
    ),
  );
});
process.send!({ type: 'ready' });
