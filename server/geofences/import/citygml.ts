import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { ZoneGeometry } from '../../protocol/index.ts';
import { ElementSkipper } from './skip-elements.ts';
import { ImportError, type ImportItem, type ZoneDraft } from './types.ts';

/**
 * What the obstacle model never reads: LOD2+ shapes, textures and the hazard and key-value
 * attributes that make up most of a PLATEAU tile.
 */
const SKIPPED = [
  'bldg:boundedBy',
  'bldg:lod2Solid',
  'bldg:lod2MultiSurface',
  'bldg:lod3Solid',
  'bldg:lod3MultiSurface',
  'bldg:lod4Solid',
  'bldg:lod4MultiSurface',
  'bldg:outerBuildingInstallation',
  'bldg:interiorBuildingInstallation',
  'bldg:interiorRoom',
  'app:appearanceMember',
  'app:appearance',
  'uro:buildingDisasterRiskAttribute',
  'uro:keyValuePairAttribute',
  'uro:bldgDisasterRiskAttribute',
];

/** The prefixes this reader (and its skipper) name elements by, as every PLATEAU tile binds them. */
const NAMESPACES: Record<string, string[]> = {
  bldg: ['http://www.opengis.net/citygml/building/2.0', 'http://www.opengis.net/citygml/building/1.0'],
  gml: ['http://www.opengis.net/gml'],
};

/** Heights of one z level: a face of an LOD1 solid lying within this of the lowest is its floor. */
const FLAT_M = 0.01;

export interface CityGmlOptions {
  /** Metres added above each building's top. */
  marginM: number;
  /** Geoid height (EGM96) above the ellipsoid at a point: T.P. heights + this = W84. */
  geoidUndulation: (lat: number, lon: number) => number;
  /** Names the source in each zone. */
  fileName: string;
}

type Ring = { coords: number[][]; zMin: number; zMax: number; closed: boolean };
type Polygon = { exterior: Ring | null; interiors: Ring[] };

/** A building or one of its parts, as read. */
interface Piece {
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

/**
 * PLATEAU CityGML buildings as obstacle zones, streamed: `bldg:Building` (with its
 * `bldg:BuildingPart`s) becomes one prohibited zone over its footprint, from its ground up to
 * max(LOD1 solid top, ground + bldg:measuredHeight) + margin. Coordinates are EPSG:6697 (lat, lon,
 * T.P. height); heights become W84 through the geoid at the footprint. A building without the
 * heights to place it is skipped with the reason.
 */
export async function* readCityGml(chunks: AsyncIterable<Buffer>, options: CityGmlOptions): AsyncGenerator<ImportItem> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const skipper = new ElementSkipper(SKIPPED);
  const ready: ImportItem[] = [];

  let root = true;
  let building: { id: string; name: string | null; pieces: Piece[] } | null = null;
  const pieces: Piece[] = [];
  let context: 'lod1' | 'foot' | 'roof' | null = null;
  let polygon: Polygon | null = null;
  let role: 'exterior' | 'interior' | null = null;
  let capture: 'pos' | 'measuredHeight' | 'lod1HeightType' | 'name' | null = null;
  let text = '';
  let dimension = 3;
  let positions: number[] = [];

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = tag.name;
    if (root) {
      root = false;
      checkRoot(tag);
      return;
    }
    switch (name) {
      case 'gml:Envelope':
        checkCrs(tag.attributes['srsName']);
        dimension = Number(tag.attributes['srsDimension'] ?? 3) || 3;
        return;
      case 'bldg:Building':
        if (!building) {
          const id = tag.attributes['gml:id'] ?? `building ${pieces.length}`;
          building = { id, name: null, pieces: [] };
          pieces.push(newPiece(id));
        }
        return;
      case 'bldg:BuildingPart':
        if (building) pieces.push(newPiece(tag.attributes['gml:id'] ?? `${building.id} part ${pieces.length}`));
        return;
      case 'bldg:measuredHeight':
      case 'uro:lod1HeightType':
        if (building) {
          capture = name === 'bldg:measuredHeight' ? 'measuredHeight' : 'lod1HeightType';
          text = '';
        }
        return;
      case 'gml:name':
        if (building && pieces.length === 1 && !context) {
          capture = 'name';
          text = '';
        }
        return;
      case 'bldg:lod1Solid':
        context = 'lod1';
        return;
      case 'bldg:lod0FootPrint':
        context = 'foot';
        return;
      case 'bldg:lod0RoofEdge':
        context = 'roof';
        return;
      case 'gml:Polygon':
        if (context) polygon = { exterior: null, interiors: [] };
        return;
      case 'gml:exterior':
        if (polygon) role = 'exterior';
        return;
      case 'gml:interior':
        if (polygon) role = 'interior';
        return;
      case 'gml:LinearRing':
        positions = [];
        return;
      case 'gml:posList':
      case 'gml:pos':
        if (polygon && role) {
          capture = 'pos';
          text = '';
          const d = tag.attributes['srsDimension'];
          if (d) dimension = Number(d) || dimension;
        }
        return;
    }
  });

  parser.on('text', (t) => {
    if (capture) text += t;
  });

  parser.on('closetag', (tag: SaxesTagPlain) => {
    switch (tag.name) {
      case 'gml:posList':
      case 'gml:pos':
        if (capture === 'pos') {
          for (const n of text.trim().split(/\s+/)) if (n) positions.push(Number(n));
          capture = null;
        }
        return;
      case 'gml:LinearRing':
        if (polygon && role) {
          const ring = toRing(positions, dimension);
          if (role === 'exterior') polygon.exterior = ring;
          else polygon.interiors.push(ring);
        }
        return;
      case 'gml:exterior':
      case 'gml:interior':
        if (polygon) role = null;
        return;
      case 'gml:Polygon':
        if (polygon && context) pieces[pieces.length - 1]![context].push(polygon);
        polygon = null;
        return;
      case 'bldg:lod1Solid':
      case 'bldg:lod0FootPrint':
      case 'bldg:lod0RoofEdge':
        context = null;
        return;
      case 'bldg:measuredHeight':
      case 'uro:lod1HeightType':
      case 'gml:name': {
        const piece = pieces[pieces.length - 1];
        if (capture && piece && building) {
          const value = text.trim();
          if (capture === 'measuredHeight') {
            const m = Number(value);
            // PLATEAU writes -9999 (and sometimes 0) where the height is unknown.
            piece.measuredHeight = Number.isFinite(m) && m > 0 ? m : null;
          } else if (capture === 'lod1HeightType') piece.lod1HeightType = value;
          else building.name = value;
        }
        capture = null;
        return;
      }
      case 'bldg:BuildingPart':
        if (building && pieces.length > 1) building.pieces.push(pieces.pop()!);
        return;
      case 'bldg:Building':
        if (building) {
          building.pieces.unshift(pieces.pop()!);
          ready.push(toItem(building, options));
          building = null;
        }
        return;
    }
  });

  const decoder = new StringDecoder('utf8');
  let first = true;
  const feed = (bytes: Buffer) => {
    let xml = decoder.write(bytes);
    if (first && xml) {
      xml = xml.replace(/^\uFEFF/, '');
      first = false;
    }
    try {
      // Whitespace between tags means nothing here and costs the parser per character.
      parser.write(xml.replace(/>\s+</g, '><'));
    } catch (err) {
      if (err instanceof ImportError) throw err;
      throw new ImportError(`not well-formed XML: ${(err as Error).message}`);
    }
  };

  for await (const chunk of chunks) {
    for (const piece of skipper.push(chunk)) feed(piece);
    yield* ready.splice(0);
  }
  feed(skipper.end());
  try {
    parser.write(decoder.end());
    parser.close();
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError(`not well-formed XML: ${(err as Error).message}`);
  }
  if (root) throw new ImportError('empty file: no CityGML');
  yield* ready.splice(0);
}

function newPiece(id: string): Piece {
  return { id, measuredHeight: null, lod1HeightType: null, lod1: [], foot: [], roof: [] };
}

function checkRoot(tag: SaxesTagPlain): void {
  if (!/(^|:)CityModel$/.test(tag.name)) throw new ImportError(`not CityGML: the root element is <${tag.name}>`);
  for (const [prefix, uris] of Object.entries(NAMESPACES)) {
    const bound = tag.attributes[`xmlns:${prefix}`];
    if (bound !== undefined && !uris.includes(bound)) {
      throw new ImportError(`the ${prefix}: prefix is bound to ${bound}; expected ${uris.join(' or ')}`);
    }
  }
}

/** PLATEAU tiles are EPSG:6697 (JGD2011 lat, lon + T.P. height); anything else is not read. */
function checkCrs(srsName: string | undefined): void {
  if (srsName === undefined) return;
  const code = /(\d{4,5})\s*$/.exec(srsName)?.[1];
  if (code !== '6697') {
    throw new ImportError(`unsupported CRS ${srsName}: expected EPSG:6697 (JGD2011 latitude, longitude, T.P. height)`);
  }
}

/** posList triples are lat lon h: GeoJSON wants [lon, lat]. */
function toRing(values: number[], dimension: number): Ring {
  const coords: number[][] = [];
  let zMin = Infinity;
  let zMax = -Infinity;
  for (let i = 0; i + 1 < values.length; i += dimension) {
    coords.push([round7(values[i + 1]!), round7(values[i]!)]);
    if (dimension >= 3) {
      const z = values[i + 2]!;
      if (z < zMin) zMin = z;
      if (z > zMax) zMax = z;
    }
  }
  const a = coords[0];
  const b = coords[coords.length - 1];
  const closed = !!a && !!b && coords.length >= 4 && a[0] === b[0] && a[1] === b[1];
  return { coords, zMin, zMax, closed };
}

/** 1e-7 degrees is about a centimetre. */
function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function toItem(b: { id: string; name: string | null; pieces: Piece[] }, options: CityGmlOptions): ImportItem {
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

/** Lowest and highest z of the polygons' outlines. */
function zRange(polygons: readonly Polygon[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const g of polygons) {
    if (g.exterior!.zMin < min) min = g.exterior!.zMin;
    if (g.exterior!.zMax > max) max = g.exterior!.zMax;
  }
  return { min, max };
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

function centre(polygons: number[][][][]): [number, number] {
  let lon = 0;
  let lat = 0;
  let n = 0;
  for (const p of polygons) {
    for (const [x, y] of p[0]!) {
      lon += x!;
      lat += y!;
      n++;
    }
  }
  return [lon / n, lat / n];
}
