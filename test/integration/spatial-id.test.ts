import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, FlightPlan, Rejection, SkyRoadCells, SpatialIdSet } from '../../server/protocol/index.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { inHours, KAGA, routePlan, squareZone } from '../support/plans.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/server.ts';

const { medicalCenter: A, station: S, cityHall, katayamazu: NORTH } = KAGA;
/** The city, west to east and south to north. */
const KAGA_BBOX = '136.2,36.2,136.5,36.45';

/** Every (cell, band, moment) a sky road holds is held by the other one too. */
function covered(original: SkyRoadCells, again: SkyRoadCells): string[] {
  const byCell = new Map<string, SkyRoadCells['features'][number]['properties'][]>();
  for (const f of again.features)
    byCell.set(f.properties.cell, [...(byCell.get(f.properties.cell) ?? []), f.properties]);
  const missing: string[] = [];
  for (const { properties: k } of original.features) {
    const t0 = Date.parse(k.start);
    const t1 = Date.parse(k.end);
    for (let band = k.bandLo; band <= k.bandHi; band++) {
      for (const t of [t0, (t0 + t1) / 2, t1 - 1]) {
        const held = (byCell.get(k.cell) ?? []).some(
          (n) => n.bandLo <= band && band <= n.bandHi && Date.parse(n.start) <= t && t < Date.parse(n.end),
        );
        if (!held) missing.push(`${k.cell} band ${band} at ${new Date(t).toISOString()}`);
      }
    }
  }
  return missing;
}

describe.each(DATABASE_KINDS)('空間ID through HTTP on %s', (kind) => {
  let server: TestServer;
  let plan: FlightPlan;
  beforeAll(async () => {
    server = await startTestServer(kind);
    const filed = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([A, S], { departure: inHours(2), droneId: 'JU-SPATIAL-1' }),
    );
    expect(filed.status).toBe(201);
    plan = filed.body;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const ids = (path: string) => server.api<SpatialIdSet & ErrorBody>('GET', path);
  const anonymous = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, body: (await res.json()) as SpatialIdSet };
  };

  it('exports a plan’s sky road at zoom 21 with each voxel’s window, f above mean sea level', async () => {
    const r = await ids(`/api/v1/flight-plans/${plan.id}/spatial-ids?zoom=21`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ zoom: 21, voxelHeightM: 16, reference: 'AMSL', interval: null });
    expect(r.body.count).toBe(r.body.groups.reduce((n, g) => n + g.ids.length, 0));
    expect(r.body.count).toBeGreaterThan(100);
    for (const g of r.body.groups) {
      expect(Date.parse(g.start)).toBeGreaterThanOrEqual(Date.parse(plan.timeStart));
      expect(Date.parse(g.end)).toBeLessThanOrEqual(Date.parse(plan.timeEnd));
      for (const id of g.ids) expect(id).toMatch(/^21\/-?\d+\/\d+\/\d+$/);
    }
    // The medical centre's tile (hand-computed in the unit test: 1842843, 821234) from the ground up:
    // 60 m AGL over Kaga's documented ground is well under 160 m AMSL, floor 9.
    const there = r.body.groups.flatMap((g) => g.ids).filter((id) => id.endsWith('/1842843/821234'));
    expect(there.length).toBeGreaterThan(0);
    const floors = there.map((id) => Number(id.split('/')[1]));
    expect(Math.min(...floors)).toBeLessThanOrEqual(1);
    expect(Math.max(...floors)).toBeLessThan(10);

    // Counted above the ellipsoid, the same voxels sit two or three floors (the 37 m geoid) higher.
    const w84 = await ids(`/api/v1/flight-plans/${plan.id}/spatial-ids?zoom=21&reference=W84`);
    const w84Floors = w84.body.groups
      .flatMap((g) => g.ids)
      .filter((id) => id.endsWith('/1842843/821234'))
      .map((id) => Number(id.split('/')[1]));
    expect(Math.max(...w84Floors) - Math.max(...floors)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...w84Floors) - Math.max(...floors)).toBeLessThanOrEqual(3);
  });

  it('gives one window for the whole reservation, or time-extended IDs per slot', async () => {
    const whole = await ids(`/api/v1/flight-plans/${plan.id}/spatial-ids?zoom=20&timing=plan`);
    expect(whole.status).toBe(200);
    expect(whole.body.groups).toHaveLength(1);
    expect(whole.body.groups[0]).toMatchObject({ start: plan.timeStart, end: plan.timeEnd });

    const slots = await ids(`/api/v1/flight-plans/${plan.id}/spatial-ids?zoom=20&interval=300`);
    expect(slots.status).toBe(200);
    expect(slots.body.interval).toBe(300);
    for (const g of slots.body.groups) {
      expect(Date.parse(g.end) - Date.parse(g.start)).toBe(300_000);
      const t = Date.parse(g.start) / 300_000;
      for (const id of g.ids) expect(id).toMatch(new RegExp(`^20/-?\\d+/\\d+/\\d+_300/${t}$`));
    }
  });

  it('refuses a zoom whose answer would pass the limit, naming it, and bad queries naming the field', async () => {
    const fine = await ids(`/api/v1/flight-plans/${plan.id}/spatial-ids?zoom=25`);
    expect(fine.status).toBe(400);
    expect(fine.body.issues?.[0]?.path).toBe('zoom');
    expect(fine.body.message).toMatch(/100000/);
    for (const [query, field] of [
      ['', 'zoom'],
      ['zoom=31', 'zoom'],
      ['zoom=21.5', 'zoom'],
      ['zoom=21&reference=AGL', 'reference'],
      ['zoom=21&interval=0', 'interval'],
      ['zoom=21&timing=flight', 'timing'],
    ] as const) {
      const r = await ids(`/api/v1/flight-plans/${plan.id}/spatial-ids?${query}`);
      expect(r.status, query).toBe(400);
      expect(
        r.body.issues?.map((i) => i.path),
        query,
      ).toContain(field);
    }
    expect((await ids(`/api/v1/flight-plans/${crypto.randomUUID()}/spatial-ids?zoom=21`)).status).toBe(404);
  });

  it('exports the reserved airspace of an area to anyone, times clipped to the window', async () => {
    const from = plan.timeStart;
    const to = plan.timeEnd;
    const own = await ids(`/api/v1/flight-plans/${plan.id}/spatial-ids?zoom=21`);
    const area = await anonymous(
      `/api/v1/airspace/spatial-ids?zoom=21&bbox=${KAGA_BBOX}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    expect(area.status).toBe(200);
    const inArea = new Set(area.body.groups.flatMap((g) => g.ids));
    for (const id of own.body.groups.flatMap((g) => g.ids)) expect(inArea.has(id)).toBe(true);

    // A box around the station holds only the station's end of the road.
    const d = 0.001;
    const box = `${S.lon - d},${S.lat - d},${S.lon + d},${S.lat + d}`;
    const near = await anonymous(
      `/api/v1/airspace/spatial-ids?zoom=21&bbox=${box}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    expect(near.body.count).toBeGreaterThan(0);
    expect(near.body.count).toBeLessThan(area.body.count);
    // A window that ends before the plan holds nothing of it.
    const before = await anonymous(
      `/api/v1/airspace/spatial-ids?zoom=21&bbox=${KAGA_BBOX}&from=${encodeURIComponent(inHours(0))}&to=${encodeURIComponent(inHours(1))}`,
    );
    expect(before.body.count).toBe(0);
    const backwards = await anonymous(
      `/api/v1/airspace/spatial-ids?zoom=21&bbox=${KAGA_BBOX}&from=${encodeURIComponent(inHours(2))}&to=${encodeURIComponent(inHours(1))}`,
    );
    expect(backwards.status).toBe(400);
  });

  it('exports a zone in each window it applies, from its floor to its ceiling above mean sea level', async () => {
    const validFrom = inHours(30);
    const validTo = inHours(31);
    const zone = await server.api<{ id: string }>(
      'POST',
      '/api/v1/geofences',
      squareZone(NORTH, 50, { name: 'spatial-ID zone', kind: 'advisory', lower: 0, upper: 100, validFrom, validTo }),
    );
    expect(zone.status).toBe(201);
    const window = `from=${encodeURIComponent(inHours(29))}&to=${encodeURIComponent(inHours(32))}`;
    const r = await ids(`/api/v1/geofences/${zone.body.id}/spatial-ids?zoom=21&${window}`);
    expect(r.status).toBe(200);
    expect(r.body.groups).toHaveLength(1);
    expect(r.body.groups[0]).toMatchObject({ start: validFrom, end: validTo });
    // 0–100 m above Kaga's ground: from floor 0 up to, at most, floor 7 (112–128 m) over any ground below 28 m.
    const floors = r.body.groups[0]!.ids.map((id) => Number(id.split('/')[1]));
    expect(Math.min(...floors)).toBeLessThanOrEqual(1);
    expect(Math.max(...floors)).toBeLessThanOrEqual(7);
    expect(r.body.groups[0]!.ids).toContain(
      `21/${Math.min(...floors)}/1842975/821029`, // Katayamazu's tile, computed by hand in the unit test
    );
    const outside = await ids(
      `/api/v1/geofences/${zone.body.id}/spatial-ids?zoom=21&from=${encodeURIComponent(inHours(40))}`,
    );
    expect(outside.body.count).toBe(0);
    const tooLong = await ids(
      `/api/v1/geofences/${zone.body.id}/spatial-ids?zoom=21&from=${encodeURIComponent(inHours(1))}&to=${encodeURIComponent(inHours(1 + 32 * 24))}`,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues?.[0]?.path).toBe('to');
    expect((await ids(`/api/v1/geofences/${crypto.randomUUID()}/spatial-ids?zoom=21`)).status).toBe(404);
  });

  it('files spatial IDs as a plan that holds all the original held, decided by the same arbiter', async () => {
    const original = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([cityHall, { lat: cityHall.lat + 0.004, lon: cityHall.lon + 0.003 }], {
        departure: inHours(6),
        droneId: 'JU-SPATIAL-2',
      }),
    );
    expect(original.status).toBe(201);
    const exported = await ids(`/api/v1/flight-plans/${original.body.id}/spatial-ids?zoom=21&timing=plan`);
    const road = await server.api<SkyRoadCells>('GET', `/api/v1/flight-plans/${original.body.id}/sky-road`);
    const request = {
      droneId: 'JU-SPATIAL-3',
      spatialIds: exported.body.groups.map((g) => ({ start: g.start, end: g.end, ids: g.ids })),
    };

    // While the original holds it, the same airspace is refused with the original as the conflict.
    const refused = await server.api<Rejection>('POST', '/api/v1/flight-plans/from-spatial-ids', request);
    expect(refused.status).toBe(409);
    expect(refused.body.conflicts.map((c) => c.id)).toContain(original.body.id);

    expect((await server.api('DELETE', `/api/v1/flight-plans/${original.body.id}`)).status).toBe(200);
    const filed = await server.api<FlightPlan>('POST', '/api/v1/flight-plans/from-spatial-ids', request);
    expect(filed.status).toBe(201);
    expect(filed.body.state).toBe('Accepted');
    expect(filed.body.request.volumes!.length).toBeLessThanOrEqual(10);
    expect(filed.body.request.volumes![0]!.volume.altitude_lower.reference).toBe('AMSL');
    const again = await server.api<SkyRoadCells>('GET', `/api/v1/flight-plans/${filed.body.id}/sky-road`);
    expect(covered(road.body, again.body)).toEqual([]);
    // Exported again, the new plan holds every voxel it was filed with.
    const back = await ids(`/api/v1/flight-plans/${filed.body.id}/spatial-ids?zoom=21&timing=plan`);
    const backIds = new Set(back.body.groups.flatMap((g) => g.ids));
    for (const id of request.spatialIds.flatMap((g) => g.ids)) expect(backIds.has(id)).toBe(true);
    expect((await server.api('DELETE', `/api/v1/flight-plans/${filed.body.id}`)).status).toBe(200);
  });

  it('files time-extended IDs z/f/x/y_i/t, each voxel held over its slots', async () => {
    const original = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([cityHall, { lat: cityHall.lat - 0.003, lon: cityHall.lon }], {
        departure: inHours(8),
        droneId: 'JU-SPATIAL-4',
      }),
    );
    expect(original.status).toBe(201);
    const slots = await ids(`/api/v1/flight-plans/${original.body.id}/spatial-ids?zoom=20&interval=3600&timing=plan`);
    const road = await server.api<SkyRoadCells>('GET', `/api/v1/flight-plans/${original.body.id}/sky-road`);
    expect((await server.api('DELETE', `/api/v1/flight-plans/${original.body.id}`)).status).toBe(200);
    const filed = await server.api<FlightPlan>('POST', '/api/v1/flight-plans/from-spatial-ids', {
      droneId: 'JU-SPATIAL-5',
      spatialIds: [{ ids: slots.body.groups.flatMap((g) => g.ids) }],
    });
    expect(filed.status).toBe(201);
    const again = await server.api<SkyRoadCells>('GET', `/api/v1/flight-plans/${filed.body.id}/sky-road`);
    expect(covered(road.body, again.body)).toEqual([]);
    expect((await server.api('DELETE', `/api/v1/flight-plans/${filed.body.id}`)).status).toBe(200);
  });

  it('refuses a reservation it cannot plan, naming the group or the ID, and keeps nothing', async () => {
    const before = (await server.api<FlightPlan[]>('GET', '/api/v1/flight-plans?limit=1000')).body.length;
    const tile = '21/4/1842668/821337';
    const cases: Array<[unknown, string]> = [
      [{ droneId: 'JU-X', spatialIds: [{ start: inHours(-3), end: inHours(-2), ids: [tile] }] }, 'spatialIds.0.start'],
      [
        { droneId: 'JU-X', spatialIds: [{ start: inHours(1), end: inHours(2), ids: ['21/4/1842668'] }] },
        'spatialIds.0.ids.0',
      ],
      [
        { droneId: 'JU-X', spatialIds: [{ start: inHours(1), end: inHours(2), ids: ['21/4/2097152/1'] }] },
        'spatialIds.0.ids.0',
      ],
      [
        { droneId: 'JU-X', spatialIds: [{ start: inHours(1), end: inHours(2), ids: ['21/2000/1842668/821337'] }] },
        'spatialIds.0.ids.0',
      ],
      [
        { droneId: 'JU-X', spatialIds: [{ start: inHours(1), end: inHours(2), ids: ['21/4/1/0'] }] },
        'spatialIds.0.ids.0',
      ],
      [{ droneId: 'JU-X', spatialIds: [{ ids: [tile] }] }, 'spatialIds.0.start'],
      [
        { droneId: 'JU-X', spatialIds: [{ start: inHours(1), end: inHours(2), ids: [`${tile}_60/1`] }] },
        'spatialIds.0.start',
      ],
      [{ droneId: 'JU-X', spatialIds: [{ ids: [`${tile}_60/1`] }] }, 'spatialIds.0.ids'],
      [{ droneId: 'JU-X', spatialIds: [{ start: inHours(2), end: inHours(1), ids: [tile] }] }, 'spatialIds.0.end'],
      [
        { droneId: 'JU-X', reference: 'AGL', spatialIds: [{ start: inHours(1), end: inHours(2), ids: [tile] }] },
        'reference',
      ],
      [{ droneId: 'JU-X', spatialIds: [] }, 'spatialIds'],
      [
        {
          droneId: 'JU-X',
          spatialIds: Array.from({ length: 101 }, (_, i) => ({
            start: inHours(1 + i),
            end: inHours(1.5 + i),
            ids: [tile],
          })),
        },
        'spatialIds',
      ],
      [
        {
          droneId: 'JU-X',
          // 120 tiles two apart: as many separate volumes.
          spatialIds: [
            {
              start: inHours(1),
              end: inHours(2),
              ids: Array.from({ length: 120 }, (_, i) => `21/4/${1842600 + 2 * i}/821337`),
            },
          ],
        },
        'spatialIds',
      ],
    ];
    for (const [body, path] of cases) {
      const r = await server.api<ErrorBody>('POST', '/api/v1/flight-plans/from-spatial-ids', body);
      expect(r.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(
        r.body.issues?.map((i) => i.path),
        r.body.message,
      ).toContain(path);
    }
    expect((await server.api<FlightPlan[]>('GET', '/api/v1/flight-plans?limit=1000')).body.length).toBe(before);
  });

  it('holds the reservation when asked, and answers a retry with the same Idempotency-Key with the first plan', async () => {
    const body = {
      droneId: 'JU-SPATIAL-6',
      spatialIds: [{ start: inHours(12), end: inHours(12.5), ids: ['21/5/1842668/821337', '21/5/1842669/821337'] }],
    };
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'idempotency-key': `spatial-${crypto.randomUUID()}`,
    };
    const post = () =>
      fetch(`${server.url}/api/v1/flight-plans/from-spatial-ids?hold=true`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
    const first = await post();
    expect(first.status).toBe(201);
    const plan = (await first.json()) as FlightPlan;
    expect(plan.state).toBe('Held');
    // One volume: two tiles side by side on one floor, 80–96 m AMSL.
    expect(plan.request.volumes).toHaveLength(1);
    expect(plan.request.volumes![0]!.volume.altitude_lower).toMatchObject({ value: 80, reference: 'AMSL' });
    expect(plan.request.volumes![0]!.volume.altitude_upper).toMatchObject({ value: 96, reference: 'AMSL' });
    const second = await post();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(((await second.json()) as FlightPlan).id).toBe(plan.id);
  });
});
