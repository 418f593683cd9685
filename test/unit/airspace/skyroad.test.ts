import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { bandOf } from '../../../server/airspace/altitude.ts';
import { distanceM } from '../../../server/airspace/geo.ts';
import { judge } from '../../../server/airspace/priority.ts';
import { compileZone } from '../../../server/geofences/compile.ts';
import { KAGA } from '../../support/plans.ts';
import { DATUM, indexWith, MIN, PARAMS, route, T0 } from './fixtures.ts';

const { medicalCenter: A, yamashiro: B } = KAGA;
const claimant = { priority: 0, authorizations: new Set<string>() };

describe('sky road of a route', () => {
  it('holds each cell only while the drone is expected near it, not for the whole flight', () => {
    const plan = route([A, B]);
    const flight = plan.timeEnd - plan.timeStart;
    const startCell = latLngToCell(A.lat, A.lon, PARAMS.h3Resolution);
    const endCell = latLngToCell(B.lat, B.lon, PARAMS.h3Resolution);
    const start = plan.keys.filter((k) => k.cell === startCell);
    const end = plan.keys.filter((k) => k.cell === endCell);
    expect(start).toHaveLength(1);
    expect(end).toHaveLength(1);
    // 3.2 km at 12 m/s is about 4.5 minutes; a cell is held for seconds plus the 90 s tolerance.
    expect(flight).toBeGreaterThan(4 * MIN);
    for (const k of [...start, ...end]) expect(k.t1 - k.t0).toBeLessThan(3 * MIN);
    expect(start[0]!.t1).toBeLessThan(end[0]!.t0);
  });

  it('takes off and lands vertically: the end cells hold the bands from the ground to cruise', () => {
    const plan = route([A, B]);
    const startCell = latLngToCell(A.lat, A.lon, PARAMS.h3Resolution);
    const [column] = plan.keys.filter((k) => k.cell === startCell);
    const ground = 10 + 37;
    const cruise = ground + 60;
    expect(column!.bandLo).toBe(bandOf(ground - PARAMS.verticalBufferM, PARAMS.bandHeightM));
    expect(column!.bandHi).toBe(bandOf(cruise + PARAMS.verticalBufferM, PARAMS.bandHeightM));
  });

  it('reserves AMSL and AGL altitudes in W84 (the geoid is 37 m here)', () => {
    const agl = route([A, B], { altitude: { value: 60, reference: 'AGL' }, takeoffAndLanding: false });
    const amsl = route([A, B], { altitude: { value: 70, reference: 'AMSL' }, takeoffAndLanding: false });
    const w84 = route([A, B], { altitude: { value: 107, reference: 'W84' }, takeoffAndLanding: false });
    expect(amsl.keys).toEqual(agl.keys);
    expect(w84.keys).toEqual(agl.keys);
  });
});

describe('hand-checked conflicts', () => {
  it('identical plans conflict', () => {
    const index = indexWith(['first', route([A, B])]);
    expect(judge(index.conflicts(route([A, B]).keys), claimant).blocking.length).toBeGreaterThan(0);
  });

  it('the same route two hours later does not conflict', () => {
    const index = indexWith(['first', route([A, B])]);
    expect(index.conflicts(route([A, B], { departure: T0 + 120 * MIN }).keys)).toEqual([]);
  });

  it('the same route 100 m higher does not conflict in cruise', () => {
    const airborne = { takeoffAndLanding: false };
    const index = indexWith(['low', route([A, B], airborne)]);
    const high = route([A, B], { ...airborne, altitude: { value: 160, reference: 'AGL' } });
    expect(index.conflicts(high.keys)).toEqual([]);
  });

  it('the same route 100 m higher with take-off and landing conflicts only where it climbs through the other', () => {
    const index = indexWith(['low', route([A, B])]);
    const conflicts = index.conflicts(route([A, B], { altitude: { value: 160, reference: 'AGL' } }).keys);
    expect(conflicts.length).toBeGreaterThan(0);
    // Every shared cell is within the columns' reach (buffer + a cell) of the take-off or landing point.
    const reach = PARAMS.lateralBufferM + 40;
    for (const c of conflicts) {
      const [lat, lon] = cellToLatLng(c.cell);
      expect(Math.min(distanceM({ lat, lon }, A), distanceM({ lat, lon }, B))).toBeLessThan(reach);
    }
  });

  describe('crossing routes', () => {
    // West→east and south→north through the same point, both 1 km from it at departure.
    const X = { lat: 36.31, lon: 136.35 };
    const dLat = 1000 / 111_195;
    const dLon = dLat / Math.cos((X.lat * Math.PI) / 180);
    const we = (departure: number) =>
      route(
        [
          { lat: X.lat, lon: X.lon - dLon },
          { lat: X.lat, lon: X.lon + dLon },
        ],
        { departure, takeoffAndLanding: false },
      );
    const sn = (departure: number) =>
      route(
        [
          { lat: X.lat - dLat, lon: X.lon },
          { lat: X.lat + dLat, lon: X.lon },
        ],
        { departure, takeoffAndLanding: false },
      );

    it('conflict when both reach the crossing at the same time', () => {
      const index = indexWith(['we', we(T0)]);
      const conflicts = index.conflicts(sn(T0).keys);
      expect(conflicts.length).toBeGreaterThan(0);
      const crossing = latLngToCell(X.lat, X.lon, PARAMS.h3Resolution);
      expect(conflicts.some((c) => c.cell === crossing)).toBe(true);
    });

    it('do not conflict when they pass the crossing ten minutes apart', () => {
      const index = indexWith(['we', we(T0)]);
      expect(index.conflicts(sn(T0 + 10 * MIN).keys)).toEqual([]);
      expect(index.conflicts(sn(T0 - 10 * MIN).keys)).toEqual([]);
    });

    it('conflict within the time tolerance (one minute apart)', () => {
      const index = indexWith(['we', we(T0)]);
      expect(index.conflicts(sn(T0 + MIN).keys).length).toBeGreaterThan(0);
    });
  });

  describe('zones', () => {
    const zoneAt = (center: { lat: number; lon: number }, halfM: number) => {
      const dLat = halfM / 111_195;
      const dLon = dLat / Math.cos((center.lat * Math.PI) / 180);
      return compileZone(
        {
          id: 'zone-1',
          name: 'Daishoji river flood',
          kind: 'prohibited',
          polygons: [
            [
              [
                [center.lon - dLon, center.lat - dLat],
                [center.lon + dLon, center.lat - dLat],
                [center.lon + dLon, center.lat + dLat],
                [center.lon - dLon, center.lat + dLat],
                [center.lon - dLon, center.lat - dLat],
              ],
            ],
          ],
          lower: { value: 0, reference: 'AGL' },
          upper: { value: 150, reference: 'AGL' },
          windows: [{ from: null, to: null }],
        },
        DATUM,
        PARAMS,
      );
    };
    const middle = { lat: (A.lat + B.lat) / 2, lon: (A.lon + B.lon) / 2 };

    it('a route through a zone is refused, with the zone named', () => {
      const index = indexWith();
      index.putZone(zoneAt(middle, 200));
      const verdict = judge(index.conflicts(route([A, B]).keys), claimant);
      expect(verdict.blocking.length).toBeGreaterThan(0);
      expect(verdict.blocking.every((c) => c.type === 'geofence' && c.name === 'Daishoji river flood')).toBe(true);
    });

    it('a route beside the zone is accepted', () => {
      const index = indexWith();
      // 400 m east of the route's midpoint, 200 m half-width: its edge is 200 m from the route.
      const east = { lat: middle.lat, lon: middle.lon + 400 / (111_195 * Math.cos((middle.lat * Math.PI) / 180)) };
      index.putZone(zoneAt(east, 150));
      expect(judge(index.conflicts(route([A, B]).keys), claimant).blocking).toEqual([]);
    });

    it('a route above the zone’s ceiling is accepted', () => {
      const index = indexWith();
      index.putZone(zoneAt(middle, 200));
      const above = route([A, B], { altitude: { value: 200, reference: 'AGL' }, takeoffAndLanding: false });
      expect(index.conflicts(above.keys)).toEqual([]);
    });
  });

  describe('priority', () => {
    it('a higher-priority plan pre-empts a lower one', () => {
      const index = indexWith(['routine', route([A, B]), 0]);
      const verdict = judge(index.conflicts(route([A, B]).keys), { priority: 10, authorizations: new Set() });
      expect(verdict.blocking).toEqual([]);
      expect(verdict.preempted).toEqual(['routine']);
    });

    it('an equal-priority plan is refused', () => {
      const index = indexWith(['first', route([A, B]), 5]);
      const verdict = judge(index.conflicts(route([A, B]).keys), { priority: 5, authorizations: new Set() });
      expect(verdict.blocking.length).toBeGreaterThan(0);
      expect(verdict.preempted).toEqual([]);
    });
  });
});
