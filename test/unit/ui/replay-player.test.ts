import { describe, expect, it } from 'vitest';
import { ReplayPlayer } from '../../../ui/src/replay/player.ts';
import type { ReplayTrack } from '../../../ui/src/replay/source.ts';

const T0 = Date.parse('2025-11-22T06:00:00Z');
const point = (s: number, lat: number) => ({
  time: T0 + s * 1000,
  lon: 136.3,
  lat,
  altW84: 100,
  altRelative: 60,
  heading: 0,
  speed: 10,
});
const track: ReplayTrack = {
  droneId: 'JU1',
  points: [point(0, 36.3), point(10, 36.301), point(20, 36.302), point(90, 36.303)],
};

describe('replaying stored tracks', () => {
  it('puts each drone where it was, between its samples, with the minute before as its trail', () => {
    const p = new ReplayPlayer([track], T0, T0 + 120_000);
    p.seek(T0 + 15_000);
    const [d] = p.drones();
    expect(d!.lat).toBeCloseTo(36.3015, 6);
    expect(d!.trail.map((t) => t[1])).toEqual([36.3, 36.301, d!.lat]);

    // Nothing was sampled in the minute before: the trail is the drone alone.
    p.seek(T0 + 85_000);
    expect(p.drones()[0]!.trail).toHaveLength(1);
  });

  it('shows no drone before its first sample or long after its last', () => {
    const p = new ReplayPlayer([track], T0 - 60_000, T0 + 300_000);
    expect(p.drones()).toEqual([]);
    p.seek(T0 + 95_000);
    expect(p.drones()).toHaveLength(1);
    p.seek(T0 + 200_000);
    expect(p.drones()).toEqual([]);
  });

  it('plays at its speed and stops at the end of the window', () => {
    const p = new ReplayPlayer([track], T0, T0 + 60_000);
    p.speed = 10;
    p.advance(1000);
    expect(p.time).toBe(T0);
    p.playing = true;
    p.advance(1000);
    expect(p.time).toBe(T0 + 10_000);
    p.advance(10_000);
    expect(p.time).toBe(T0 + 60_000);
    expect(p.playing).toBe(false);
  });
});
