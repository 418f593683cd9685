import { describe, expect, it } from 'vitest';
import type { DroneRow } from '../../../server/protocol/index.ts';
import { DroneStore } from '../../../ui/src/state/drones.ts';

const row = (id: string, t: number, lat = 36.3, link: 0 | 1 | 2 = 0): DroneRow => [
  id,
  136.3,
  lat,
  100,
  60,
  90,
  10,
  0,
  80,
  link,
  t,
  t + 100,
  'AUTO',
  true,
];

describe('the page’s drones', () => {
  it('keep the last minute of positions as their trail', () => {
    const store = new DroneStore(5000);
    for (let s = 0; s <= 90; s += 10) store.apply([row('A', s * 1000, 36.3 + s * 1e-5)], s * 1000);
    const trail = store.drones.get('A')!.trail;
    expect(trail.map((p) => p[3] / 1000)).toEqual([30, 40, 50, 60, 70, 80, 90]);
  });

  it('never go back in time when a snapshot arrives after a newer frame', () => {
    const store = new DroneStore(5000);
    store.apply([row('A', 2000, 36.31)], 2000);
    store.replace([row('A', 1000, 36.3), row('B', 1000)], 2000);
    expect(store.drones.get('A')!.lat).toBe(36.31);
    expect([...store.drones.keys()].sort()).toEqual(['A', 'B']);
  });

  it('drop what a new viewport’s snapshot does not hold', () => {
    const store = new DroneStore(5000);
    store.apply([row('A', 1000), row('B', 1000)], 1000);
    store.replace([row('B', 2000)], 2000);
    expect([...store.drones.keys()]).toEqual(['B']);
  });

  it('turn stale when the server says so, or when nothing came for the stale time', () => {
    const now = Date.now();
    const store = new DroneStore(5000);
    store.apply([row('A', now - 10_000), row('B', now - 1000), row('C', now - 1000, 36.3, 1)], now);
    const stale = (id: string) => store.isStale(store.drones.get(id)!);
    expect([stale('A'), stale('B'), stale('C')]).toEqual([true, false, true]);
    store.setLink({ droneId: 'B', link: 'lost', at: now });
    expect(store.drones.get('B')!.link).toBe(2);
  });
});
