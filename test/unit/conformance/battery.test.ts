import { describe, expect, it } from 'vitest';
import { drainRate, lowBattery, remainingRouteM } from '../../../server/telemetry/battery.ts';

const HERE = { lat: 36.317, lon: 136.345 };
const M_LAT = 1 / 111_195;
const M_LON = M_LAT / Math.cos((HERE.lat * Math.PI) / 180);
const p = (north: number, east: number) => ({ lat: HERE.lat + north * M_LAT, lon: HERE.lon + east * M_LON });

describe('what remains of a route', () => {
  const route = [p(0, 0), p(1000, 0), p(1000, 500)];

  it('is the rest of the route from the point the drone has reached', () => {
    expect(remainingRouteM(route, p(0, 0))).toBeCloseTo(1500, 0);
    expect(remainingRouteM(route, p(300, 0))).toBeCloseTo(1200, 0);
    expect(remainingRouteM(route, p(1000, 200))).toBeCloseTo(300, 0);
    expect(remainingRouteM(route, p(1000, 500))).toBeCloseTo(0, 0);
  });

  it('adds the way back to the route when the drone is off it', () => {
    expect(remainingRouteM(route, p(300, 40))).toBeCloseTo(40 + 1200, 0);
  });

  it('at a corner counts from the later leg', () => {
    expect(remainingRouteM(route, p(1010, -10))).toBeCloseTo(Math.hypot(10, 10) + 500, 0);
  });

  it('of one point is the way straight there', () => {
    expect(remainingRouteM([p(0, 0)], p(300, 400))).toBeCloseTo(500, 0);
  });
});

describe('battery', () => {
  const params = { lowPercent: 30, reservePercent: 10, enduranceS: 1000, fallbackSpeedMps: 5 };

  it('drain is measured once a flight has lasted a minute and used some charge', () => {
    expect(drainRate({ t: 0, percent: 90 }, { t: 59_000, percent: 80 })).toBeNull();
    expect(drainRate({ t: 0, percent: 90 }, { t: 120_000, percent: 90 })).toBeNull();
    expect(drainRate({ t: 0, percent: 90 }, { t: 100_000, percent: 80 })).toBeCloseTo(0.1, 9);
  });

  it('is short only below the threshold and when the reserve would be broken before the end', () => {
    const route = [p(0, 0), p(2000, 0)];
    const input = { at: p(0, 0), route, speedMps: 10, drainPercentPerS: null };
    // 2,000 m at 10 m/s = 200 s = 20 % at 0.1 %/s, above a 10 % reserve: 30 % is needed.
    expect(lowBattery({ ...input, batteryPercent: 35 }, params)).toBeNull();
    expect(lowBattery({ ...input, batteryPercent: 29.9 }, params)).toMatchObject({
      remainingM: expect.closeTo(2000, 0),
    });
    expect(lowBattery({ ...input, at: p(1100, 0), batteryPercent: 20 }, params)).toBeNull();
    expect(lowBattery({ ...input, batteryPercent: 5 }, params)).toMatchObject({ flyableM: 0 });
  });
});
