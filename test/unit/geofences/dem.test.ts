import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toW84 } from '../../../server/airspace/altitude.ts';
import { makeDatum } from '../../../server/geofences/datum.ts';
import { loadDem } from '../../../server/geofences/dem.ts';

describe('terrain from a DEM GeoTIFF', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'soramichi-dem-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A 4 × 3 grid of 0.01° over Kaga whose height is 100 × column + 10 × row. */
  async function write(name: string, keys: Record<string, number>): Promise<string> {
    const values = Array.from({ length: 12 }, (_, k) => 100 * (k % 4) + 10 * Math.floor(k / 4));
    const tiff = writeArrayBuffer(values, {
      width: 4,
      height: 3,
      ModelPixelScale: [0.01, 0.01, 0],
      ModelTiepoint: [0, 0, 0, 136.3, 36.33, 0],
      ...keys,
    } as never);
    const file = path.join(dir, name);
    await fs.writeFile(file, Buffer.from(tiff));
    return file;
  }

  it('gives the ground between samples bilinearly, and nothing outside the grid', async () => {
    const dem = await loadDem(await write('kaga.tif', { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326 }));
    expect(dem.bbox).toEqual([136.3, 36.3, expect.closeTo(136.34, 9), 36.33]);
    // Pixel centres: column i at 136.305 + 0.01 i, row j at 36.325 − 0.01 j.
    expect(dem.elevation(36.325, 136.305)).toBeCloseTo(0, 6);
    expect(dem.elevation(36.315, 136.325)).toBeCloseTo(210, 6);
    expect(dem.elevation(36.32, 136.31)).toBeCloseTo(55, 6);
    expect(dem.elevation(36.5, 136.31)).toBeNull();

    const datum = makeDatum(7, [], dem);
    expect(datum.terrainElevation(36.315, 136.325)).toBeCloseTo(210, 6);
    expect(datum.terrainElevation(35, 135)).toBe(7); // off the DEM: the flat ground
    const agl = toW84({ value: 30, reference: 'AGL' }, 36.315, 136.325, datum);
    expect(agl).toBeCloseTo(30 + 210 + datum.geoidUndulation(36.315, 136.325), 6);
  });

  it('refuses a projected grid with the reason', async () => {
    const file = await write('utm.tif', { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 6677 });
    await expect(loadDem(file)).rejects.toThrow(/latitude\/longitude grid.*projected \(EPSG 6677\)/);
  });
});
