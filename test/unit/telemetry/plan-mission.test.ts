import { describe, expect, it } from 'vitest';
import { egm96Undulation } from '../../../server/protocol/geoid.ts';
import { FlightPlanRequest } from '../../../server/protocol/index.ts';
import { planToUpload } from '../../../server/telemetry/plan-mission.ts';
import { insidePolygon, moveBy } from '../../../gateway/sim/geo.ts';

const BUFFERS = { lateralM: 25, verticalM: 8 };
const MEDICAL = { lat: 36.317, lon: 136.345 };
const YAMASHIRO = { lat: 36.29139, lon: 136.36222 };
const route = (reference: 'AGL' | 'AMSL' | 'W84', takeoffAndLanding = true) =>
  FlightPlanRequest.parse({
    droneId: 'JU0000000001',
    route: {
      waypoints: [MEDICAL, { lat: 36.305, lon: 136.35, alt: 80 }, YAMASHIRO],
      altitude: { value: 60, reference },
      speedMps: 12,
      departure: '2026-11-22T09:00:00Z',
      takeoffAndLanding,
    },
  });

describe('an accepted plan as mission and fence', () => {
  it('flies the route: take-off, cruise speed, every waypoint, landing', () => {
    const { mission } = planToUpload(route('AGL'), egm96Undulation, BUFFERS);
    expect(mission!.map((i) => i.command)).toEqual([22, 178, 16, 16, 16, 21]);
    expect(mission![1]!.param2).toBe(12);
    expect(mission!.filter((i) => i.command === 16).map((i) => i.alt)).toEqual([60, 80, 60]);
    expect(mission!.filter((i) => i.command !== 178).every((i) => i.frame === 6)).toBe(true);
    expect(mission!.at(-1)).toMatchObject({ lat: YAMASHIRO.lat, lon: YAMASHIRO.lon });
  });

  it('leaves out take-off and landing for a drone airborne at both ends', () => {
    const { mission } = planToUpload(route('AGL', false), egm96Undulation, BUFFERS);
    expect(mission!.map((i) => i.command)).toEqual([178, 16, 16, 16]);
  });

  it('keeps AMSL as AMSL and turns W84 into AMSL through the geoid (about 37 m at Kaga)', () => {
    const amsl = planToUpload(route('AMSL'), egm96Undulation, BUFFERS).mission!;
    expect(amsl.filter((i) => i.command === 16).every((i) => i.frame === 5)).toBe(true);
    expect(amsl.find((i) => i.command === 16)!.alt).toBe(60);
    const w84 = planToUpload(route('W84'), egm96Undulation, BUFFERS).mission!.find((i) => i.command === 16)!;
    expect(w84.frame).toBe(5);
    expect(60 - w84.alt).toBeGreaterThan(36);
    expect(60 - w84.alt).toBeLessThan(38);
  });

  it('fences the sky road: every point within the lateral buffer of the route is inside', () => {
    const { fence } = planToUpload(route('AGL'), egm96Undulation, BUFFERS);
    expect(fence.every((i) => i.command === 5001 && i.param1 === fence.length)).toBe(true);
    expect(fence.length).toBeLessThanOrEqual(64);
    const ring = fence.map((i) => ({ lat: i.lat, lon: i.lon }));
    for (const wp of [MEDICAL, { lat: 36.305, lon: 136.35 }, YAMASHIRO]) {
      for (let a = 0; a < 360; a += 30) {
        const rad = (a * Math.PI) / 180;
        expect(insidePolygon(moveBy(wp, 24.5 * Math.cos(rad), 24.5 * Math.sin(rad)), ring)).toBe(true);
      }
    }
    expect(insidePolygon(moveBy(MEDICAL, 0, -60), ring)).toBe(false);
  });

  it('gives the fence a ceiling: the highest waypoint plus the vertical buffer, in the mission’s frame', () => {
    expect(planToUpload(route('AGL'), egm96Undulation, BUFFERS).ceiling).toEqual({ alt: 88, frame: 6 });
    expect(planToUpload(route('AMSL'), egm96Undulation, BUFFERS).ceiling).toEqual({ alt: 88, frame: 5 });
    const w84 = planToUpload(route('W84'), egm96Undulation, BUFFERS).ceiling!;
    expect(w84.frame).toBe(5);
    expect(88 - w84.alt).toBeGreaterThan(36);
  });

  it('fences a plan of volumes and gives it no mission', () => {
    const plan = FlightPlanRequest.parse({
      droneId: 'JU0000000001',
      volumes: [
        {
          volume: {
            outline_circle: { center: { lat: MEDICAL.lat, lng: MEDICAL.lon }, radius: { value: 300 } },
            altitude_lower: { value: 0, reference: 'AGL' },
            altitude_upper: { value: 100, reference: 'AGL' },
          },
          time_start: { value: '2026-11-22T09:00:00Z' },
          time_end: { value: '2026-11-22T10:00:00Z' },
        },
      ],
    });
    const { mission, fence, ceiling } = planToUpload(plan, egm96Undulation, BUFFERS);
    expect(mission).toBeNull();
    expect(ceiling).toEqual({ alt: 100, frame: 6 });
    expect(fence).toEqual([
      expect.objectContaining({ command: 5003, param1: 300, lat: MEDICAL.lat, lon: MEDICAL.lon }),
    ]);
  });
});
