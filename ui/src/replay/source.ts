import { api } from '../api.ts';

export interface ReplayPoint {
  time: number;
  lon: number;
  lat: number;
  altW84: number;
  altRelative: number | null;
  heading: number | null;
  speed: number | null;
}

export interface ReplayTrack {
  droneId: string;
  points: ReplayPoint[];
}

/** Where the past comes from: anything that yields each drone's track in a window and an area. */
export interface ReplaySource {
  load(from: number, to: number, bbox: readonly [number, number, number, number]): Promise<ReplayTrack[]>;
}

const PARALLEL_REQUESTS = 6;

/** Every known drone's stored track (`GET /api/v1/drones`, then `…/{id}/track`), kept when it enters the area. */
export const storedTracks: ReplaySource = {
  async load(from, to, [west, south, east, north]) {
    const ids = (await api.drones()).map((d) => d.droneId);
    const tracks: ReplayTrack[] = [];
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const track = await api.track(id, from, to);
        const points = track.points.map((p) => ({
          time: Date.parse(p.time),
          lon: p.lon,
          lat: p.lat,
          altW84: p.altW84,
          altRelative: p.altRelative,
          heading: p.headingDeg,
          speed: p.groundSpeedMps,
        }));
        if (points.some((p) => p.lon >= west && p.lon <= east && p.lat >= south && p.lat <= north)) {
          tracks.push({ droneId: id, points: points.sort((a, b) => a.time - b.time) });
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_REQUESTS }, worker));
    return tracks.sort((a, b) => a.droneId.localeCompare(b.droneId));
  },
};
