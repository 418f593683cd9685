import { moveBy, type LatLon } from './geo.ts';

/** Where the demo's drones start: Kaga's bases and districts (data/kaga/PLACES.md). */
export const KAGA_BASES: ReadonlyArray<LatLon & { name: string }> = [
  { name: 'Kaga Medical Center', lat: 36.317, lon: 136.345 },
  { name: 'Kaga-Onsen Station', lat: 36.32033, lon: 136.35049 },
  { name: 'former Midorigaoka school (drone test base)', lat: 36.315, lon: 136.285 },
  { name: 'Yamashiro Onsen', lat: 36.29139, lon: 136.36222 },
  { name: 'Katayamazu Onsen', lat: 36.34528, lon: 136.36778 },
  { name: 'Kaga City Hall', lat: 36.30278, lon: 136.31503 },
];

/** The i-th drone's pad: bases in turn, each base's pads on a ring 15 m apart. */
export function startPosition(i: number): LatLon {
  const base = KAGA_BASES[i % KAGA_BASES.length]!;
  const k = Math.floor(i / KAGA_BASES.length);
  if (k === 0) return { lat: base.lat, lon: base.lon };
  const angle = (k * 137.5 * Math.PI) / 180;
  const r = 15 * Math.sqrt(k);
  return moveBy(base, r * Math.cos(angle), r * Math.sin(angle));
}
