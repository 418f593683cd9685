import { describe, expect, it } from 'vitest';
import type { RidSample } from '../../../server/interop/rid/from-telemetry.ts';
import { LiveTracks } from '../../../server/interop/rid/live-tracks.ts';
import { DroneEvents } from '../../../server/telemetry/events.ts';
import { ManualClock } from '../../support/clock.ts';

const sample = (t: number, droneId = 'JU0000000001'): RidSample => ({
  droneId,
  time: new Date(t).toISOString(),
  lat: 36.3,
  lon: 136.3 + t * 1e-9,
  altW84: 90,
  altRelative: 50,
  groundSpeedMps: 5,
  verticalSpeedMps: 0,
  headingDeg: 90,
  armed: true,
  remoteId: null,
});

function tracks() {
  const clock = new ManualClock();
  const live = new LiveTracks({ events: new DroneEvents(), clock, flightId: (d) => `f-${d}` });
  live.start([]);
  const times = () => [...live.tracks()][0]!.states.map((s) => s.t - clock.now());
  return { clock, live, times };
}

describe('the last minute of every drone', () => {
  it('thins a fast drone to five positions a second and always keeps the newest', () => {
    const { clock, live, times } = tracks();
    for (let ms = 0; ms <= 1000; ms += 100) live.add(sample(clock.now() + ms));
    expect(times()).toEqual([0, 200, 400, 600, 800, 1000]);
    live.add(sample(clock.now() + 1100));
    expect(times()).toEqual([0, 200, 400, 600, 800, 1000, 1100]);
  });

  it('puts a late sample in its place and drops what is over a minute older than the newest', () => {
    const { clock, live, times } = tracks();
    live.add(sample(clock.now()));
    live.add(sample(clock.now() + 2000));
    live.add(sample(clock.now() + 1000));
    expect(times()).toEqual([0, 1000, 2000]);
    live.add(sample(clock.now() + 61_000));
    expect(times()).toEqual([1000, 2000, 61_000]);
    live.add(sample(clock.now() - 1));
    expect(times()).toEqual([1000, 2000, 61_000]);
  });

  it('forgets a drone a minute after its newest sample', async () => {
    const { clock, live } = tracks();
    live.add(sample(clock.now()));
    expect(live.details('f-JU0000000001')).toMatchObject({ uas_id: { registration_id: 'JU0000000001' } });
    await clock.advance(60_001);
    expect(live.details('f-JU0000000001')).toBeNull();
    await clock.advance(5_000);
    expect(live.size).toBe(0);
  });
});
