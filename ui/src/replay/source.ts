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

/** Every drone's stored samples in the window and area, in one request (`GET /api/v1/replay`). */
export const storedTracks: ReplaySource = {
  async load(from, to, bbox) {
    const replay = await api.replay(from, to, bbox);
    return replay.tracks.map(({ droneId, points }) => ({
      droneId,
      points: points.map((p) => ({
        time: Date.parse(p.time),
        lon: p.lon,
        lat: p.lat,
        altW84: p.altW84,
        altRelative: p.altRelative,
        heading: p.headingDeg,
        speed: p.groundSpeedMps,
      })),
    }));
  },
};
