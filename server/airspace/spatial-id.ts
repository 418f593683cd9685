import type { Datum } from './altitude.ts';

/**
 * Japan's 空間ID (spatial ID) of the Digital Agency and IPA's 4次元時空間情報基盤 guideline, in
 * the ZFXY form `z/f/x/y`: x and y are the Web Mercator (XYZ) tile of zoom z, f the vertical
 * index of the height h, covering [f·H, (f+1)·H) with H = 2^(25−z) metres (1 m at zoom 25, 16 m
 * at zoom 21, where one voxel is one of soramichi's bands). The time extension `z/f/x/y_i/t`
 * adds the interval [t·i, (t+1)·i) in seconds of Unix time.
 *
 * Heights: the guideline measures h from 0 m with no geoid of its own; the implementations of
 * the national projects (ZFXY's "elevation", the Digital Agency's library whose example CRS with
 * heights is JGD2011 + 標高, the 空間ID viewer that lifts f heights onto the ellipsoid with
 * GSIGEO2011) read it as height above mean sea level. AMSL is therefore the default here, through the same EGM96
 * geoid as every other AMSL altitude of soramichi; W84 is offered for systems that use
 * ellipsoidal heights. Which one an answer uses is always stated beside it.
 */

/** The datum of f: above mean sea level (EGM96) or above the WGS84 ellipsoid. */
export type SpatialIdReference = 'AMSL' | 'W84';

/** One voxel of zoom z. */
export interface Voxel {
  z: number;
  f: number;
  x: number;
  y: number;
}

/** A parsed ID; `slot` when it carries the time extension (i seconds, index t). */
export interface ParsedSpatialId extends Voxel {
  slot: { i: number; t: number } | null;
}

/** The finest zoom accepted: 2^-5 m voxels are already far below any position a drone knows. */
export const MAX_SPATIAL_ZOOM = 30;
/** The longest time slot `_i/t` may name: a day. */
export const MAX_SLOT_SECONDS = 86_400;

export function voxelHeightM(z: number): number {
  return 2 ** (25 - z);
}

/** x of the tile holding a longitude; 180° is the same meridian as −180°, tile 0. */
export function tileX(lon: number, z: number): number {
  const n = 2 ** z;
  return Math.floor((n * (lon + 180)) / 360) % n;
}

/** y of the tile holding a latitude (north is 0), by the slippy-map formula the guideline uses. */
export function tileY(lat: number, z: number): number {
  const r = (lat * Math.PI) / 180;
  return Math.floor((2 ** z * (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI)) / 2);
}

export function floorIndex(h: number, z: number): number {
  return Math.floor(h / voxelHeightM(z));
}

/** The voxel of zoom z holding a point at height h (in the IDs' datum). */
export function spatialIdOf(lat: number, lon: number, h: number, z: number): Voxel {
  return { z, f: floorIndex(h, z), x: tileX(lon, z), y: tileY(lat, z) };
}

/** Longitude of a tile column's west edge (x may be n: the east edge of the last column). */
export function lonOfX(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

/** Latitude of a tile row's north edge (y may be n: the south edge of the last row). */
export function latOfY(y: number, z: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
}

export interface TileBounds {
  west: number;
  east: number;
  south: number;
  north: number;
}

export function tileBounds(z: number, x: number, y: number): TileBounds {
  return { west: lonOfX(x, z), east: lonOfX(x + 1, z), north: latOfY(y, z), south: latOfY(y + 1, z) };
}

export function formatSpatialId(v: Voxel): string {
  return `${v.z}/${v.f}/${v.x}/${v.y}`;
}

export function formatTimedSpatialId(v: Voxel, i: number, t: number): string {
  return `${formatSpatialId(v)}_${i}/${t}`;
}

/** The slot `_i/t` as epoch milliseconds [start, end). */
export function slotWindow(i: number, t: number): { start: number; end: number } {
  return { start: t * i * 1000, end: (t + 1) * i * 1000 };
}

/** Slots of i seconds that a window [start, end) touches: [first, last]. */
export function slotsOf(start: number, end: number, i: number): { first: number; last: number } {
  const ms = i * 1000;
  return { first: Math.floor(start / ms), last: Math.ceil(end / ms) - 1 };
}

const ID = /^(\d{1,2})\/(-?\d{1,11})\/(\d{1,10})\/(\d{1,10})(?:_(\d{1,6})\/(-?\d{1,12}))?$/;

/** Reads `z/f/x/y` or `z/f/x/y_i/t`; a string saying what is wrong when it is neither. */
export function parseSpatialId(text: string): ParsedSpatialId | string {
  const m = ID.exec(text);
  if (!m) return 'must be z/f/x/y or z/f/x/y_i/t (integers)';
  const [z, f, x, y] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (z > MAX_SPATIAL_ZOOM) return `zoom ${z} is finer than ${MAX_SPATIAL_ZOOM}`;
  const n = 2 ** z;
  if (x >= n || y >= n) return `x and y must be below 2^${z} = ${n} at zoom ${z}`;
  if (m[5] === undefined) return { z, f, x, y, slot: null };
  const i = Number(m[5]);
  if (i < 1 || i > MAX_SLOT_SECONDS) return `the time interval i must be 1–${MAX_SLOT_SECONDS} seconds`;
  return { z, f, x, y, slot: { i, t: Number(m[6]) } };
}

/** A W84 altitude as a height in the IDs' datum at a point. */
export function heightOf(
  altW84: number,
  lat: number,
  lon: number,
  reference: SpatialIdReference,
  datum: Datum,
): number {
  return reference === 'W84' ? altW84 : altW84 - datum.geoidUndulation(lat, lon);
}
