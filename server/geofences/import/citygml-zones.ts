import type { ZoneGeometry } from '../../protocol/index.ts';
import { centre, round2, zRange, type Polygon } from './citygml-geometry.ts';
import type { ImportItem, ZoneDraft } from './types.ts';

/** A building's pieces as obstacle zones: which faces are its floor, how high it stands, in W84. */

/** Heights of one z level: a face of an LOD1 solid lying within this of the lowest is its floor. */
const FLAT_M = 0.01;

/** What a building becomes: the margin above it, the geoid under it, the file it came from. */
export interface ObstacleOptions {
  /** Metres added above each building's top. */
  marginM: number;
  /** Geoid height (EGM96) above the ellipsoid at a point: T.P. heights + this = W84. */
  geoidUndulation: (lat: number, lon: number) => number;
  /** Names the source in each zone. */
  fileName: string;
}

/** A building or one of its parts, as read. */
export interface Piece {
  id: string;
  measuredHeight: number | null;
  lod1HeightType: string | null;
  lod1: Polygon[];
  foot: Polygon[];
  roof: Polygon[];
}

/** Facts of one piece that decide its obstacle, kept with the zone as its original definition. */
export interface PieceHeights {
  gmlId: string;
  /** T.P. (orthometric) heights, metres. */
  groundM: number;
  solidTopM: number | null;
  measuredHeightM: number | null;
  /** max(solid top, ground + measured height), T.P. */
  topM: number;
  lod1HeightType: string | null;
  footprint: 'lod1 solid' | 'lod0 footprint' | 'lod0 roof edge';
}

/** A building (its pieces) as one prohibited zone, or why it is skipped. */
export function toItem(b: { id: string; name: string | null; pieces: Piece[] }, options: ObstacleOptions): ImportItem {
  const heights: PieceHeights[] = [];
  const polygons: number[][][][] = [];
  // A building made of parts usually has no geometry of its own; its parts carry it.
  const [own, ...parts] = b.pieces;
  const shapeless = parts.length > 0 && !own!.lod1.length && !own!.foot.length && !own!.roof.length;
  for (const piece of shapeless ? parts : b.pieces) {
    const read = readPiece(piece);
    if ('problem' in read) {
      const where = piece.id === b.id ? '' : `part ${piece.id}: `;
      return { skip: { at: b.id, reason: `${where}${read.problem}` } };
    }
    heights.push(read.heights);
    polygons.push(...read.polygons);
  }
  let ground = Infinity;
  let top = -Infinity;
  for (const h of heights) {
    ground = Math.min(ground, h.groundM);
    top = Math.max(top, h.topM);
  }
  if (shapeless && own!.measuredHeight !== null) top = Math.max(top, ground + own!.measuredHeight);
  const [lon, lat] = centre(polygons);
  const geoid = options.geoidUndulation(lat, lon);
  const geometry: ZoneGeometry =
    polygons.length === 1
      ? { type: 'Polygon', coordinates: polygons[0]! as never }
      : { type: 'MultiPolygon', coordinates: polygons as never };
  const name = `building ${b.name ? `${b.name} ` : ''}${b.id}`.slice(0, 200);
  const zone: ZoneDraft = {
    ref: b.id,
    name,
    kind: 'prohibited',
    lower: { value: round2(ground + geoid), reference: 'W84' },
    upper: { value: round2(top + options.marginM + geoid), reference: 'W84' },
    validFrom: null,
    validTo: null,
    geometry,
    properties: {
      source: `PLATEAU CityGML ${options.fileName}`,
      original: {
        gmlId: b.id,
        ...(heights.length === 1 && !shapeless
          ? omitId(heights[0]!)
          : { groundM: ground, topM: round2(top), measuredHeightM: own!.measuredHeight, parts: heights }),
        marginM: options.marginM,
        geoidM: round2(geoid),
        heightDatum: 'T.P. (orthometric); W84 = T.P. + EGM96 geoid height',
      },
    },
    building: true,
  };
  return { zone };
}

function omitId(h: PieceHeights): Omit<PieceHeights, 'gmlId'> {
  const { gmlId: _, ...rest } = h;
  return rest;
}

/**
 * A piece's footprint and heights, or why it has none. (Loops rather than callbacks: this runs
 * per building, and tsx gives every function it creates a name at some cost.)
 */
function readPiece(p: Piece): { heights: PieceHeights; polygons: number[][][][] } | { problem: string } {
  for (const g of [...p.lod1, ...p.foot, ...p.roof]) {
    if (!g.exterior) return { problem: 'a polygon has no exterior ring' };
    for (const r of [g.exterior, ...g.interiors]) {
      if (!r.closed) return { problem: `a ring is not closed or has fewer than four positions (${r.coords.length})` };
    }
  }
  let groundM: number | null = null;
  let solidTopM: number | null = null;
  let footprint: PieceHeights['footprint'];
  let floor: Polygon[];
  if (p.lod1.length) {
    const z = zRange(p.lod1);
    if (!Number.isFinite(z.min)) return { problem: 'the LOD1 solid has no heights (2D coordinates)' };
    groundM = z.min;
    solidTopM = z.max;
    floor = [];
    for (const g of p.lod1) if (g.exterior!.zMax - z.min <= FLAT_M) floor.push(g);
    footprint = 'lod1 solid';
  } else if (p.foot.length) {
    floor = p.foot;
    footprint = 'lod0 footprint';
    const z = zRange(p.foot).min;
    groundM = Number.isFinite(z) ? z : null;
  } else if (p.roof.length) {
    floor = p.roof;
    footprint = 'lod0 roof edge';
  } else {
    return { problem: 'no footprint: neither an LOD1 solid nor an LOD0 footprint or roof edge' };
  }
  if (floor.length === 0) return { problem: 'the LOD1 solid has no floor face' };
  if (solidTopM === null && p.measuredHeight === null) {
    return { problem: 'no height: neither bldg:measuredHeight nor an LOD1 solid' };
  }
  if (groundM === null) {
    return { problem: 'no ground elevation: bldg:measuredHeight without an LOD1 solid or a footprint with heights' };
  }
  const topM = Math.max(solidTopM ?? -Infinity, p.measuredHeight === null ? -Infinity : groundM + p.measuredHeight);
  const polygons: number[][][][] = [];
  for (const g of floor) {
    const rings = [g.exterior!.coords];
    for (const r of g.interiors) rings.push(r.coords);
    polygons.push(rings);
  }
  return {
    heights: {
      gmlId: p.id,
      groundM: round2(groundM),
      solidTopM: solidTopM === null ? null : round2(solidTopM),
      measuredHeightM: p.measuredHeight,
      topM: round2(topM),
      lod1HeightType: p.lod1HeightType,
      footprint,
    },
    polygons,
  };
}
