import type { DroneRow, LinkCode, LiveLink } from '../../../server/protocol/index.ts';

type Link = (typeof LinkCode)[keyof typeof LinkCode];
const LINK: Record<LiveLink['link'], Link> = { live: 0, stale: 1, lost: 2 };

/** How far back a drone's trail reaches. */
export const TRAIL_MS = 60_000;

export interface DroneView {
  id: string;
  lon: number;
  lat: number;
  altW84: number;
  altRelative: number | null;
  heading: number | null;
  speed: number | null;
  verticalSpeed: number | null;
  battery: number | null;
  link: Link;
  /** Sample time and arrival at the server, epoch ms (server clock). */
  time: number;
  receivedAt: number;
  mode: string | null;
  armed: boolean;
  /** [lon, lat, altW84, time] of the last minute, oldest first. */
  trail: Array<[number, number, number, number]>;
}

function fromRow(r: DroneRow, trail: DroneView['trail']): DroneView {
  const [
    id,
    lon,
    lat,
    altW84,
    altRelative,
    heading,
    speed,
    verticalSpeed,
    battery,
    link,
    time,
    receivedAt,
    mode,
    armed,
  ] = r;
  return {
    id,
    lon,
    lat,
    altW84,
    altRelative,
    heading,
    speed,
    verticalSpeed,
    battery,
    link,
    time,
    receivedAt,
    mode,
    armed,
    trail,
  };
}

function extend(trail: DroneView['trail'], d: DroneView): void {
  const last = trail[trail.length - 1];
  if (!last || d.time > last[3]) trail.push([d.lon, d.lat, d.altW84, d.time]);
  const cut = d.time - TRAIL_MS;
  let drop = 0;
  while (drop < trail.length && trail[drop]![3] < cut) drop++;
  if (drop) trail.splice(0, drop);
}

/**
 * The drones the stream has shown, with the trail of their last minute. Rows never go back in
 * time: a frame that overtook a snapshot is not undone by it.
 */
export class DroneStore {
  readonly drones = new Map<string, DroneView>();
  /** Server clock minus this page's clock, from the last frame. */
  private offset = 0;
  /** Grows with every change, so the map knows when to redraw. */
  version = 0;

  constructor(private readonly staleMs: number) {}

  apply(rows: readonly DroneRow[], serverNow: number): void {
    this.offset = serverNow - Date.now();
    for (const r of rows) {
      const prev = this.drones.get(r[0]);
      if (prev && prev.time > r[10]) continue;
      const view = fromRow(r, prev?.trail ?? []);
      extend(view.trail, view);
      this.drones.set(view.id, view);
    }
    this.version++;
  }

  /** A snapshot of the viewport: drones outside it are dropped. */
  replace(rows: readonly DroneRow[], serverNow: number): void {
    const previous = new Map(this.drones);
    this.drones.clear();
    for (const r of rows) {
      const prev = previous.get(r[0]);
      if (prev && prev.time > r[10]) this.drones.set(prev.id, prev);
      else {
        const view = fromRow(r, prev?.trail ?? []);
        extend(view.trail, view);
        this.drones.set(view.id, view);
      }
    }
    this.apply([], serverNow);
  }

  setLink(l: LiveLink): void {
    const d = this.drones.get(l.droneId);
    if (!d) return;
    d.link = LINK[l.link];
    this.version++;
  }

  serverNow(): number {
    return Date.now() + this.offset;
  }

  /** Stale when the server says so or when nothing arrived for the stale time (a missed event changes nothing). */
  isStale(d: DroneView): boolean {
    return d.link === 1 || (d.link === 0 && this.serverNow() - d.receivedAt > this.staleMs);
  }
}
