import type { ZoneGeometry } from '../../protocol/index.ts';
import { circleRing, kindOf, layerZones, scheduleOf, text } from './eurocae.ts';
import { ImportError, type ImportItem } from './types.ts';

interface Layer {
  upper?: unknown;
  upperReference?: unknown;
  lower?: unknown;
  lowerReference?: unknown;
  uom?: unknown;
}

interface Geometry {
  type?: unknown;
  coordinates?: unknown;
  geometries?: Geometry[];
  extent?: { subType?: unknown; radius?: unknown };
  layer?: Layer;
}

interface Feature {
  id?: unknown;
  geometry?: Geometry | null;
  properties?: Record<string, unknown> | null;
}

const ZONE_TYPES = new Set(['USPACE', 'PROHIBITED', 'REQ_AUTHORIZATION', 'CONDITIONAL', 'NO_RESTRICTION']);

/** Whether a parsed GeoJSON document is an ED-318 GeoZone collection rather than soramichi's own. */
export function isEd318(doc: unknown): boolean {
  const features = (doc as { features?: Feature[] })?.features;
  const first = Array.isArray(features) ? features[0] : undefined;
  const p = first?.properties;
  return !!p && typeof p.identifier === 'string' && typeof p.type === 'string' && ZONE_TYPES.has(p.type);
}

/**
 * EUROCAE ED-318 GeoZones (GeoJSON): each polygon or circle of a feature's geometry — a
 * GeometryCollection holds one per layer — becomes one soramichi zone with that layer's limits,
 * the feature's limitedApplicability as its schedule, and the feature kept as its original definition.
 */
export function* readEd318(doc: unknown): Generator<ImportItem> {
  const features = (doc as { type?: unknown; features?: unknown }).features;
  if (!Array.isArray(features)) throw new ImportError('not an ED-318 GeoZone collection (no features)');
  for (const [i, f] of (features as Feature[]).entries()) {
    const p = f.properties ?? {};
    const id = typeof p.identifier === 'string' ? p.identifier : `features[${i}]`;
    const kind = kindOf(p.type);
    if (!kind) {
      yield { skip: { at: id, reason: `unknown zone type ${JSON.stringify(p.type)}` } };
      continue;
    }
    const g = f.geometry;
    const parts = g?.type === 'GeometryCollection' ? (g.geometries ?? []) : g ? [g] : [];
    if (parts.length === 0) {
      yield { skip: { at: id, reason: 'no geometry' } };
      continue;
    }
    const name = text(p.name) ?? id;
    const notes: string[] = [];
    const schedule = scheduleOf(p.limitedApplicability, notes);
    const authority = text((p.zoneAuthority as Array<{ name?: unknown }> | undefined)?.[0]?.name);
    yield* layerZones(
      {
        id,
        name,
        kind,
        authority,
        source: `ED-318 GeoZone ${id}${typeof p.country === 'string' ? ` (${p.country})` : ''}`,
        schedule,
        notes,
        original: f,
      },
      parts.map((part) => ({
        lower: part.layer?.lower,
        lowerReference: part.layer?.lowerReference,
        upper: part.layer?.upper,
        upperReference: part.layer?.upperReference,
        unit: part.layer?.uom,
        outline: outline(part),
      })),
    );
  }
}

function outline(g: Geometry): { geometry: ZoneGeometry } | { problem: string } {
  if ((g.type === 'Polygon' || g.type === 'MultiPolygon') && Array.isArray(g.coordinates)) {
    return { geometry: { type: g.type, coordinates: g.coordinates } as ZoneGeometry };
  }
  if (g.type === 'Point' && g.extent?.subType === 'Circle') {
    const c = g.coordinates;
    const r = Number(g.extent.radius);
    if (!Array.isArray(c) || c.length < 2 || !c.every((x) => Number.isFinite(x)) || !(r > 0)) {
      return { problem: 'circle needs a centre point and a positive radius' };
    }
    return { geometry: { type: 'Polygon', coordinates: [circleRing([c[0], c[1]], r) as [number, number][]] } };
  }
  return {
    problem: `unsupported geometry ${JSON.stringify(g.type)} (Polygon, MultiPolygon or a Point with a Circle extent)`,
  };
}
