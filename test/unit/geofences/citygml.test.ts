import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readCityGml } from '../../../server/geofences/import/citygml.ts';
import type { ImportItem } from '../../../server/geofences/import/types.ts';

const YOKOSUKA = 'test/fixtures/plateau/52397519_bldg_6697_op.gml';
const options = { marginM: 0, geoidUndulation: () => 37, fileName: 'tile.gml' };

async function* chunked(bytes: Buffer, sizes: () => number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length;) {
    const n = sizes();
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

async function read(chunks: AsyncIterable<Buffer>): Promise<ImportItem[]> {
  const out: ImportItem[] = [];
  for await (const item of readCityGml(chunks, options)) out.push(item);
  return out;
}

describe('reading CityGML in a stream', () => {
  it('reads the same buildings however the bytes are cut (tags, names and UTF-8 split anywhere)', async () => {
    const bytes = await fs.readFile(YOKOSUKA);
    const whole = await read(chunked(bytes, () => bytes.length));
    expect(whole).toHaveLength(13);
    let seed = 3;
    const small = () => 1 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 23);
    expect(await read(chunked(bytes, small))).toEqual(whole);
    expect(await read(chunked(bytes, () => 4096))).toEqual(whole);
  });

  it('drops the LOD2 surfaces and textures unread, but not what it needs', async () => {
    const bytes = await fs.readFile(YOKOSUKA);
    const items = await read(chunked(bytes, () => 65_536));
    const first = items[0]!;
    expect('zone' in first && first.zone.properties['original']).toMatchObject({
      gmlId: 'bldg_787d830e-2534-410a-8a2a-a531efeb2533',
      measuredHeightM: 6,
      lod1HeightType: '6',
      footprint: 'lod1 solid',
    });
  });
});
