import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.ts';
import { loadConfig } from '../../../server/config.ts';
import { makeDatum } from '../../../server/geofences/datum.ts';
import { egm96Undulation } from '../../../server/protocol/geoid.ts';
import { importZoneFile, type LoadDeps } from '../../../server/geofences/import/load.ts';
import { ImportError } from '../../../server/geofences/import/types.ts';
import { zoneTimes } from '../../../server/geofences/schedule.ts';
import type { ZoneSchedule } from '../../../server/protocol/index.ts';
import { openDb, type Db } from '../../../server/store/db.ts';
import { listZones, type ZoneRecord } from '../../../server/store/geofences.ts';
import { migrate } from '../../../server/store/migrate.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../support/databases.ts';

const FIXTURES = path.resolve('test/fixtures');
const SAPPORO = path.join(FIXTURES, 'plateau/64413325_bldg_6697_op.gml');
const YOKOSUKA = path.join(FIXTURES, 'plateau/52397519_bldg_6697_op.gml');
const ED269 = path.join(FIXTURES, 'specs/ed269-example-che-sample.json');
const ED318 = path.join(FIXTURES, 'specs/ed318-example-geozone-2-layers.json');
const MARGIN = 5;

/** A building's facts read straight from the file: its measuredHeight and the z range of its LOD1 solid. */
async function fromFile(file: string, gmlId: string) {
  const text = await fs.readFile(file, 'utf8');
  const start = text.indexOf(`gml:id="${gmlId}"`);
  const block = text.slice(start, text.indexOf('</bldg:Building>', start));
  const measured = /<bldg:measuredHeight[^>]*>([^<]+)</.exec(block)?.[1];
  const solid = block.slice(block.indexOf('<bldg:lod1Solid>'), block.indexOf('</bldg:lod1Solid>'));
  const zs = [...solid.matchAll(/<gml:posList>([^<]+)</g)].flatMap((m) =>
    m[1]!
      .trim()
      .split(/\s+/)
      .map(Number)
      .filter((_, i) => i % 3 === 2),
  );
  return { measured: measured === undefined ? null : Number(measured), ground: Math.min(...zs), top: Math.max(...zs) };
}

function centre(z: ZoneRecord): { lat: number; lon: number } {
  const ring = (z.geometry.type === 'Polygon' ? z.geometry.coordinates[0] : z.geometry.coordinates[0]![0])!;
  const lon = ring.slice(1).reduce((s, p) => s + p[0]!, 0) / (ring.length - 1);
  const lat = ring.slice(1).reduce((s, p) => s + p[1]!, 0) / (ring.length - 1);
  return { lat, lon };
}

describe.each(DATABASE_KINDS)('importing zone files on %s', (kind) => {
  let database: TestDatabase;
  let db: Db;
  let deps: LoadDeps;
  let tmp: string;
  const zones = async (file: string) =>
    (await listZones(db)).filter((z) => (z.properties['import'] as { file: string }).file === file);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir });
    await migrate(db);
    const config = loadConfig({});
    deps = {
      db,
      datum: makeDatum(0),
      params: config.airspace,
      buildingMarginM: MARGIN,
      clock: systemClock,
      actor: 'test',
    };
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-import-'));
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('imports every PLATEAU building, each up to max(LOD1 solid top, ground + measuredHeight) + margin, in W84', async () => {
    const report = await importZoneFile(SAPPORO, 'sapporo', deps);
    expect(report).toMatchObject({ format: 'citygml', zones: 25, buildings: 25, skipped: [], replaced: 0 });
    expect(report.cells).toBeGreaterThanOrEqual(25);
    const stored = await zones('sapporo');
    expect(stored).toHaveLength(25);
    expect(new Set(stored.map((z) => z.origin))).toEqual(new Set(['plateau']));
    const byId = new Map(stored.map((z) => [(z.properties['original'] as { gmlId: string }).gmlId, z]));

    // measuredHeight 21.8 m, LOD1 solid only 20.23 m high (point-cloud median): the higher one counts.
    const tall = await fromFile(SAPPORO, 'bldg_e9cf094c-590b-4e4f-838a-29ddabe63025');
    expect(tall.measured).toBe(21.8);
    expect(tall.top).toBeLessThan(tall.ground + tall.measured!);
    // measuredHeight 2.9 m, solid 3.0 m: the solid counts.
    const low = await fromFile(SAPPORO, 'bldg_e3cf1894-2973-4742-b301-3896f04afd99');
    expect(low.top).toBeGreaterThan(low.ground + low.measured!);
    // No measuredHeight at all: the solid alone.
    const unmeasured = await fromFile(SAPPORO, 'bldg_5f1eb5a0-641d-4ced-88e8-871cc3756355');
    expect(unmeasured.measured).toBeNull();

    for (const [id, facts, top] of [
      ['bldg_e9cf094c-590b-4e4f-838a-29ddabe63025', tall, tall.ground + tall.measured!],
      ['bldg_e3cf1894-2973-4742-b301-3896f04afd99', low, low.top],
      ['bldg_5f1eb5a0-641d-4ced-88e8-871cc3756355', unmeasured, unmeasured.top],
    ] as const) {
      const zone = byId.get(id)!;
      const { lat, lon } = centre(zone);
      const n = egm96Undulation(lat, lon);
      expect(zone.kind).toBe('prohibited');
      expect(zone.upper.reference).toBe('W84');
      expect(zone.upper.value).toBeCloseTo(top + MARGIN + n, 1);
      expect(zone.lower.value).toBeCloseTo(facts.ground + n, 1);
      expect(zone.properties['original']).toMatchObject({ gmlId: id, topM: expect.closeTo(top, 2), marginM: MARGIN });
    }
  });

  it('imports a building made of parts as one zone over both footprints, as high as its highest part', async () => {
    const report = await importZoneFile(YOKOSUKA, 'yokosuka', deps);
    expect(report).toMatchObject({ zones: 13, buildings: 13, skipped: [] });
    const parted = (await zones('yokosuka')).find(
      (z) => (z.properties['original'] as { gmlId: string }).gmlId === 'bldg_16418b2d-dc75-4731-ae04-90bbef1d66fe',
    )!;
    expect(parted.geometry.type).toBe('MultiPolygon');
    expect(parted.geometry.coordinates).toHaveLength(2);
    const parts = (parted.properties['original'] as { parts: Array<{ topM: number }> }).parts;
    expect(parts).toHaveLength(2);
    const { lat, lon } = centre(parted);
    expect(parted.upper.value).toBeCloseTo(
      Math.max(...parts.map((p) => p.topM)) + MARGIN + egm96Undulation(lat, lon),
      1,
    );
  });

  it('imports the ED-269 and ED-318 examples with their layers, limits and schedules', async () => {
    const ed269 = await importZoneFile(ED269, 'ed269', deps);
    expect(ed269).toMatchObject({ format: 'ed269', zones: 1, skipped: [] });
    const [lsxx] = await zones('ed269');
    expect(lsxx).toMatchObject({
      name: 'LSXX City Sample',
      kind: 'restricted',
      lower: { value: 0, reference: 'AGL' },
      upper: { value: 10_000, reference: 'AMSL' },
      origin: 'ed269',
    });
    expect(lsxx!.properties['schedule']).toBeUndefined(); // permanent
    expect((lsxx!.properties['original'] as { identifier: string }).identifier).toBe('LSXX');

    const ed318 = await importZoneFile(ED318, 'ed318', deps);
    expect(ed318).toMatchObject({ format: 'ed318', zones: 2, skipped: [] });
    const layers = (await zones('ed318')).sort((a, b) => a.name.localeCompare(b.name));
    expect(layers.map((z) => [z.name, z.kind, z.lower, z.upper])).toEqual([
      ['LFPG-2 (layer 1 of 2)', 'restricted', { value: 50, reference: 'AGL' }, { value: 150, reference: 'AGL' }],
      ['LFPG-2 (layer 2 of 2)', 'restricted', { value: 0, reference: 'AGL' }, { value: 50, reference: 'AGL' }],
    ]);
    // Daily 16:00–17:00Z, and 10:00–12:00Z on Sundays, within 2018-12-31T15:59:59Z – 2019-12-31T15:59:59Z.
    const schedule = layers[0]!.properties['schedule'] as ZoneSchedule;
    const sunday = Date.parse('2019-06-02T00:00:00Z');
    const { windows } = zoneTimes(null, null, schedule, { from: sunday, to: sunday + 86_400_000 });
    expect(windows).toEqual([
      { from: Date.parse('2019-06-02T10:00:00Z'), to: Date.parse('2019-06-02T12:00:00Z') },
      { from: Date.parse('2019-06-02T16:00:00Z'), to: Date.parse('2019-06-02T17:00:00Z') },
    ]);
    const after = Date.parse('2020-06-07T00:00:00Z');
    expect(zoneTimes(null, null, schedule, { from: after, to: after + 86_400_000 }).windows).toEqual([]);
  });

  it('leaves an unchanged file alone and replaces a changed import whole', async () => {
    expect(await importZoneFile(SAPPORO, 'sapporo', deps, { skipUnchanged: true })).toMatchObject({ unchanged: true });
    const again = await importZoneFile(SAPPORO, 'sapporo', deps);
    expect(again).toMatchObject({ replaced: 25, zones: 25 });
    expect(await zones('sapporo')).toHaveLength(25);
  });

  it('refuses a file it cannot read whole, and keeps the earlier import untouched', async () => {
    const before = (await zones('sapporo')).map((z) => z.id).sort();
    const text = await fs.readFile(SAPPORO, 'utf8');
    const cases: Array<[string, string, RegExp]> = [
      ['truncated.gml', text.slice(0, Math.floor(text.length * 0.6)), /not well-formed XML/],
      ['projected.gml', text.replace('EPSG/0/6697', 'EPSG/0/6677'), /unsupported CRS .*6677/],
      [
        'codelist.xml',
        await fs.readFile(path.join(FIXTURES, 'plateau/BuildingDataQualityAttribute_lod1HeightType.xml'), 'utf8'),
        /not CityGML/,
      ],
      ['broken.json', '{"type": "FeatureCollection", "features": [', /not valid JSON/],
      ['list.json', '[1, 2, 3]', /not a GeoJSON FeatureCollection/],
    ];
    for (const [name, content, reason] of cases) {
      const file = path.join(tmp, name);
      await fs.writeFile(file, content);
      const error = await importZoneFile(file, 'sapporo', deps).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(ImportError);
      expect((error as Error).message, name).toMatch(reason);
    }
    expect((await zones('sapporo')).map((z) => z.id).sort()).toEqual(before);
  });

  it('skips, with the reason, each zone a file cannot define, and imports the rest', async () => {
    const square = (lon: number, lat: number) => [
      [lon, lat],
      [lon + 0.01, lat],
      [lon + 0.01, lat + 0.01],
      [lon, lat + 0.01],
      [lon, lat],
    ];
    const feature = (coordinates: number[][], props: Record<string, unknown> = {}) => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [coordinates] },
      properties: {
        name: 'zone',
        kind: 'prohibited',
        lower: { value: 0, reference: 'AGL' },
        upper: { value: 100, reference: 'AGL' },
        ...props,
      },
    });
    const bowtie = [
      [136.3, 36.3],
      [136.31, 36.31],
      [136.31, 36.3],
      [136.3, 36.31],
      [136.3, 36.3],
    ];
    const file = path.join(tmp, 'mixed.geojson');
    await fs.writeFile(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          feature(square(136.3, 36.3), { name: 'good', note: 'kept as given' }),
          feature(bowtie, { name: 'crossed' }),
          feature(square(136.3, 36.3).slice(0, 4), { name: 'open ring' }),
          feature(square(136.3, 36.3), { name: 'inverted', lower: { value: 120, reference: 'AGL' } }),
          feature(square(136.3, 36.3), {
            name: 'inverted across references',
            lower: { value: 100, reference: 'AMSL' },
            upper: { value: 10, reference: 'AGL' },
          }),
          feature(square(136.3, 36.3), { name: 'unknown reference', upper: { value: 100, reference: 'QNH' } }),
        ],
      }),
    );
    const report = await importZoneFile(file, 'mixed', deps);
    expect(report.zones).toBe(1);
    expect(report.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/crosses itself/),
      expect.stringMatching(/closed|four positions/),
      expect.stringMatching(/lower: must not be above upper/),
      expect.stringMatching(/lower limit .* is above the upper limit/),
      expect.stringMatching(/reference: altitude reference must be one of W84, AMSL, AGL/),
    ]);
    expect(report.skipped.map((s) => s.at)).toEqual([
      'features[1] (crossed)',
      'features[2] (open ring)',
      'features[3] (inverted)',
      'features[4] (inverted across references)',
      'features[5] (unknown reference)',
    ]);
    const [good] = await zones('mixed');
    expect(good).toMatchObject({ name: 'good', properties: { note: 'kept as given' } });

    const gml = path.join(tmp, 'no-heights.gml');
    await fs.writeFile(gml, cityModel([building('no-heights', footprint2d()), building('open', solid(false))]));
    const buildings = await importZoneFile(gml, 'no-heights', deps);
    expect(buildings.zones).toBe(0);
    expect(buildings.skipped).toEqual([
      { at: 'no-heights', reason: 'no height: neither bldg:measuredHeight nor an LOD1 solid' },
      { at: 'open', reason: expect.stringMatching(/ring is not closed/) },
    ]);
  });
});

function cityModel(members: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml">
<gml:boundedBy><gml:Envelope srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3"><gml:lowerCorner>36.3 136.3 0</gml:lowerCorner><gml:upperCorner>36.31 136.31 20</gml:upperCorner></gml:Envelope></gml:boundedBy>
${members.map((m) => `<core:cityObjectMember>${m}</core:cityObjectMember>`).join('\n')}
</core:CityModel>`;
}

function building(id: string, geometry: string): string {
  return `<bldg:Building gml:id="${id}">${geometry}</bldg:Building>`;
}

function footprint2d(): string {
  return `<bldg:lod0FootPrint><gml:MultiSurface><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing>
<gml:posList srsDimension="2">36.3 136.3 36.3 136.3001 36.3001 136.3001 36.3 136.3</gml:posList>
</gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod0FootPrint>`;
}

function solid(closed: boolean): string {
  const ring = ['36.3 136.3 5', '36.3 136.3001 5', '36.3001 136.3001 5', closed ? '36.3 136.3 5' : '36.3001 136.3 5'];
  return `<bldg:measuredHeight uom="m">6</bldg:measuredHeight><bldg:lod1Solid><gml:Solid><gml:exterior><gml:CompositeSurface><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing>
<gml:posList>${ring.join(' ')}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod1Solid>`;
}
