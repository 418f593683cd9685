import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirspaceCheck, FlightPlan, Geofences, Rejection } from '../../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { inHours, routePlan } from '../../support/plans.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/** Komatsu Airport's reference point (PLACES.md) and runway heading. */
const ARP = { lat: 36.39389, lon: 136.4075 };
const RUNWAY_DEG = 52;

/** A point `along` km along the runway's axis and `across` km to its south-east, from the ARP. */
function offset(along: number, across: number): { lat: number; lon: number } {
  const rad = (d: number) => (d * Math.PI) / 180;
  const north = along * Math.cos(rad(RUNWAY_DEG)) + across * Math.cos(rad(RUNWAY_DEG + 90));
  const east = along * Math.sin(rad(RUNWAY_DEG)) + across * Math.sin(rad(RUNWAY_DEG + 90));
  return { lat: ARP.lat + north / 111.195, lon: ARP.lon + east / (111.195 * Math.cos(rad(ARP.lat))) };
}

describe.each(DATABASE_KINDS)("Kaga's zones from geofences/ on %s", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { GEOFENCES_DIR: 'geofences' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  // 2.6 km south-east of the runway, 1.6 km long, parallel to it: inside the 4 km horizontal
  // surface, clear of the air base (1.1 km either side of the axis) and of the approach surfaces.
  const beside = [offset(-0.8, 2.6), offset(0.8, 2.6)];

  it('loads every zone file with its source and whether it is approximate', async () => {
    const all = await server.api<Geofences>('GET', '/api/v1/geofences?limit=10000');
    const names = all.body.features.map((f) => f.properties.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'Komatsu Airport (RJNK) horizontal surface',
        'JASDF Komatsu Air Base (key facility and 300 m around it)',
        'Kaga City: 150 m above ground',
        'Kaga City (加賀市, 17206)',
        'Yamashiro Onsen district (crowds)',
        'Yamanaka Onsen district (crowds)',
        'Katayamazu Onsen district (crowds)',
      ]),
    );
    expect(names.filter((n) => n.startsWith('Komatsu Airport approach surface'))).toHaveLength(20);
    expect(names.some((n) => n.startsWith('Daishoji'))).toBe(false); // an example to POST, not a standing zone
    for (const f of all.body.features) {
      expect(typeof f.properties['source']).toBe('string');
      expect(typeof f.properties['approximate']).toBe('boolean');
      expect(f.properties.origin).toBe('geojson');
    }
  });

  it('refuses a plan through the horizontal surface at 60 m and accepts the same plan at 30 m AGL', async () => {
    const departure = inHours(2);
    const high = await server.api<Rejection>(
      'POST',
      '/api/v1/flight-plans',
      routePlan(beside, { departure, altitude: 60 }),
    );
    expect(high.status).toBe(409);
    expect(high.body.conflicts.map((c) => c.name)).toEqual(['Komatsu Airport (RJNK) horizontal surface']);
    expect(high.body.conflicts[0]).toMatchObject({ type: 'geofence', kind: 'restricted' });

    const low = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan(beside, { departure, altitude: 30 }),
    );
    expect(low.status).toBe(201);
    expect(low.body.state).toBe('Accepted');
  });

  it('says what restricts a point and why, and shows the zones there with W84 limits', async () => {
    const p = beside[0]!;
    const at = (alt: number) =>
      server.api<AirspaceCheck>('GET', `/api/v1/airspace/check?lat=${p.lat}&lon=${p.lon}&alt=${alt}&reference=AMSL`);
    const above = await at(70);
    expect(above.status).toBe(200);
    expect(above.body.free).toBe(false);
    expect(above.body.zones).toEqual([
      expect.objectContaining({
        name: 'Komatsu Airport (RJNK) horizontal surface',
        kind: 'restricted',
        lower: { value: 51.7, reference: 'AMSL' },
        why: expect.stringContaining('restricted zone'),
      }),
    ]);
    const below = await at(20);
    expect(below.body).toMatchObject({ free: true, zones: [], flights: [] });

    const bbox = [p.lon - 0.001, p.lat - 0.001, p.lon + 0.001, p.lat + 0.001].join(',');
    const near = await server.api<Geofences>('GET', `/api/v1/geofences?bbox=${bbox}`);
    const surface = near.body.features.find((f) => f.properties.name === 'Komatsu Airport (RJNK) horizontal surface')!;
    // EGM96 puts the geoid about 37 m above the ellipsoid here.
    expect(surface.properties.floorW84.min).toBeGreaterThan(51.7 + 30);
    expect(surface.properties.floorW84.max).toBeLessThan(51.7 + 45);
    expect(near.body.features.some((f) => f.properties.name.startsWith('Yamanaka'))).toBe(false);
  });
});
