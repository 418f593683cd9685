import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { readCityGml } from './citygml.ts';
import { isEd269, readEd269 } from './ed269.ts';
import { isEd318, readEd318 } from './ed318.ts';
import { readZoneGeoJson } from './geojson.ts';
import { ImportError, type ImportFormat, type ImportItem } from './types.ts';

/** The file names an import reads; anything else in a directory is reported, not guessed at. */
export const ZONE_FILE = /\.(geojson|json|gml|xml)$/i;

export interface ZoneFile {
  format: ImportFormat;
  sha256: string;
  bytes: number;
  items: AsyncIterable<ImportItem>;
}

export interface ReadOptions {
  buildingMarginM: number;
  geoidUndulation: (lat: number, lon: number) => number;
  /** Bytes of the file read so far (for a progress bar). */
  onBytes?: (bytes: number) => void;
}

/**
 * A zone file opened for import: its format (by name, then by content), its SHA-256 (which tells
 * an unchanged file from a changed one) and its zones. CityGML is streamed in 1 MiB chunks, so a
 * city's gigabytes never sit in memory; zone lists (GeoJSON, ED-269, ED-318) are parsed whole.
 */
export async function openZoneFile(file: string, options: ReadOptions): Promise<ZoneFile> {
  if (!ZONE_FILE.test(file)) throw new ImportError(`not a zone file (expected .geojson, .json, .gml or .xml)`);
  const [sha256, stat] = await Promise.all([hashFile(file), fs.stat(file)]);
  if (/\.(gml|xml)$/i.test(file)) {
    return {
      format: 'citygml',
      sha256,
      bytes: stat.size,
      items: readCityGml(chunksOf(file, options.onBytes), {
        marginM: options.buildingMarginM,
        geoidUndulation: options.geoidUndulation,
        fileName: path.basename(file),
      }),
    };
  }
  const text = await fs.readFile(file, 'utf8');
  options.onBytes?.(stat.size);
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ImportError(`not valid JSON: ${(err as Error).message}`);
  }
  const [format, items]: [ImportFormat, Iterable<ImportItem>] = isEd269(doc)
    ? ['ed269', readEd269(doc)]
    : isEd318(doc)
      ? ['ed318', readEd318(doc)]
      : ['geojson', readZoneGeoJson(doc)];
  return { format, sha256, bytes: stat.size, items: toAsync(items) };
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

async function* chunksOf(file: string, onBytes?: (bytes: number) => void): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    read += (chunk as Buffer).length;
    onBytes?.(read);
    yield chunk as Buffer;
  }
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
