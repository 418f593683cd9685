import { describe, expect, it } from 'vitest';
import { CMD, Copter, type CopterOptions } from '../../../gateway/sim/copter.ts';
import { distanceM, moveBy } from '../../../gateway/sim/geo.ts';
import type { MissionItem } from '../../../server/protocol/index.ts';

const PAD = { lat: 36.317, lon: 136.345 };
const options = (over: Partial<CopterOptions> = {}): CopterOptions => ({
  start: PAD,
  groundAmsl: 10,
  cruiseMps: 10,
  climbMps: 2.5,
  descentMps: 1.5,
  rtlAltM: 15,
  drift: { north: 0, east: 0 },
  airborneAtM: null,
  ...over,
});
const nav = (command: number, p: { lat: number; lon: number }, alt: number, frame = 6): MissionItem => ({
  command,
  frame,
  param1: 0,
  param2: 0,
  param3: 0,
  param4: 0,
  lat: p.lat,
  lon: p.lon,
  alt,
  autocontinue: true,
});
const A = moveBy(PAD, 100, 0);
const B = moveBy(PAD, 100, 120);
/** Item 0 is home, as ArduPilot keeps it. */
const MISSION = [
  nav(CMD.NAV_WAYPOINT, PAD, 0, 0),
  nav(CMD.NAV_TAKEOFF, PAD, 30),
  nav(CMD.NAV_WAYPOINT, A, 30),
  nav(CMD.NAV_WAYPOINT, B, 40),
  nav(CMD.NAV_LAND, B, 0),
];

/** Steps the copter at 10 Hz until `until` holds; returns the path flown. */
function fly(c: Copter, until: (c: Copter) => boolean, maxS = 600) {
  const path: Array<{ lat: number; lon: number; alt: number; mode: string }> = [];
  for (let t = 0; t < maxS && !until(c); t += 0.1) {
    c.step(0.1);
    path.push({ ...c.position, alt: c.altRel, mode: c.mode });
  }
  return path;
}

describe('the simulated copter', () => {
  it('flies an uploaded mission through its waypoints in order and lands at the end', () => {
    const c = new Copter(options());
    c.setMission(MISSION);
    expect(c.startMission()).toBe(true);
    const path = fly(c, (x) => !x.armed);
    const closest = [A, B].map((p) => {
      const d = path.map((q) => distanceM(q, p));
      return { d: Math.min(...d), at: d.indexOf(Math.min(...d)) };
    });
    expect(closest.every((x) => x.d < 1.5)).toBe(true);
    expect(closest[0]!.at).toBeLessThan(closest[1]!.at);
    expect(Math.max(...path.map((p) => p.alt))).toBeCloseTo(40, 0);
    expect(distanceM(c.position, B)).toBeLessThan(1.5);
    expect(c.altRel).toBe(0);
    const reached = c
      .drainEvents()
      .filter((e) => e.kind === 'reached')
      .map((e) => e.kind === 'reached' && e.seq);
    expect(reached).toEqual([1, 2, 3, 4]);
  });

  it('obeys RTL: climbs to RTL_ALT, flies home and lands there', () => {
    const c = new Copter(options());
    c.setMission(MISSION);
    c.startMission();
    fly(c, (x) => distanceM(x.position, PAD) > 60);
    expect(c.setMode('RTL')).toBe(true);
    const path = fly(c, (x) => !x.armed);
    expect(path.every((p) => p.mode === 'RTL')).toBe(true);
    expect(distanceM(c.position, PAD)).toBeLessThan(1.5);
    expect(c.altRel).toBe(0);
  });

  it('refuses RTL and LAND on the ground', () => {
    const c = new Copter(options());
    expect(c.setMode('RTL')).toBe(false);
    expect(c.setMode('LAND')).toBe(false);
  });

  it('turns home when a drift carries it out of its inclusion fence', () => {
    const c = new Copter(options({ drift: { north: 0, east: 4 } }));
    const square = [moveBy(PAD, -50, -50), moveBy(PAD, 150, -50), moveBy(PAD, 150, 50), moveBy(PAD, -50, 50)];
    c.setFence(square.map((p) => ({ ...nav(CMD.FENCE_POLYGON_VERTEX_INCLUSION, p, 0, 0), param1: 4 })));
    c.setMission(MISSION);
    c.startMission();
    const path = fly(c, (x) => x.mode === 'RTL');
    expect(c.mode).toBe('RTL');
    expect(path.slice(0, -1).every((p) => p.mode === 'AUTO')).toBe(true);
    expect(c.drainEvents().some((e) => e.kind === 'text' && /Fence breach/.test(e.text))).toBe(true);
  });

  it('drifts by what its drift adds up to, while it believes it holds position', () => {
    const c = new Copter(options({ drift: { north: 1, east: 0 }, airborneAtM: 30 }));
    fly(c, () => false, 10);
    expect(distanceM(c.position, moveBy(PAD, 10, 0))).toBeLessThan(0.2);
  });
});
