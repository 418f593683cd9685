import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ElementSkipper } from './skip-elements.ts';
import { toRing, type Polygon } from './citygml-geometry.ts';
import { toItem, type ObstacleOptions, type Piece } from './citygml-zones.ts';
import { ImportError, type ImportItem } from './types.ts';

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

export type CityGmlOptions = ObstacleOptions;

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
