/**
 * Display providers for the Remote ID benchmark, in their own process: POLLERS of them, each
 * polling a view (about 4.9 × 4.9 km, just under F3411's 7 km diagonal) of the benchmark's area
 * once a second. As a display provider does, each asks for the last minute of positions when it
 * looks at a new view and for the flights alone after that; each moves to another view every
 * VIEW_POLLS polls (a user panning). Records how long the server took to answer (until its
 * headers: not this process's own parsing) and how old each flight's current position was when
 * the server answered.
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
const VIEW_POLLS = 10;
const randomView = () => {
  const lat = south + Math.random() * (north - south - dLat);
  const lng = west + Math.random() * (east - west - dLng);
  return `${lat.toFixed(5)},${lng.toFixed(5)},${(lat + dLat).toFixed(5)},${(lng + dLng).toFixed(5)}`;
};

let measuring = false;
let running = true;
const response = new Histogram();
const age = new Histogram();
let polls = 0;
let flights = 0;
let failures = 0;

async function poll(view: string, recentS: number): Promise<void> {
  const t = performance.now();
  const res = await fetch(`${url}/rid/v2/uss/flights?view=${view}&recent_positions_duration=${recentS}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const took = performance.now() - t;
  const body = (await res.json()) as RidGetFlightsResponse;
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

async function loop(offsetMs: number): Promise<void> {
  await new Promise((r) => setTimeout(r, offsetMs));
  let view = randomView();
  for (let n = 0; running; n++) {
    const next = performance.now() + 1000;
    const fresh = n % VIEW_POLLS === 0;
    if (fresh) view = randomView();
    await poll(view, fresh ? 60 : 0).catch(() => void failures++);
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
}

const loops = Array.from({ length: pollers }, (_, i) => loop((1000 * i) / pollers));

process.on('message', (m: { type: string }) => {
  if (m.type === 'start') measuring = true;
  if (m.type !== 'stop') return;
  measuring = false;
  running = false;
  Promise.all(loops)
    .then(() =>
      process.send!({ type: 'stats', polls, flights, failures, response: response.sparse(), age: age.sparse() }, () =>
        process.exit(0),
      ),
    )
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
});
process.send!({ type: 'ready' });
