import { ZoneFeature } from '../../protocol/index.ts';
import { zoneOfFeature } from '../feature.ts';
import { ImportError, type ImportItem } from './types.ts';

/**
 * soramichi's own zone files: a GeoJSON FeatureCollection (or one Feature) whose features are
 * exactly what `POST /api/v1/geofences` takes. Each feature is checked against that same wire
 * schema; one that fails is skipped with every reason, the rest are imported. Properties the
 * schema does not know (notes, ids) are kept with the zone.
 */
export function* readZoneGeoJson(doc: unknown): Generator<ImportItem> {
  const features = featuresOf(doc);
  for (const [i, raw] of features.entries()) {
    const at = `features[${i}]${describe(raw)}`;
    const parsed = ZoneFeature.safeParse(raw);
    if (!parsed.success) {
      const reasons = parsed.error.issues.map((x) => `${x.path.join('.') || 'feature'}: ${x.message}`);
      yield { skip: { at, reason: reasons.join('; ') } };
      continue;
    }
    const f = parsed.data;
    const p = f.properties;
    const given = (raw as { properties: Record<string, unknown> }).properties;
    const id = (raw as { id?: unknown }).id;
    yield {
      zone: {
        ref: typeof id === 'string' || typeof id === 'number' ? String(id) : at,
        ...zoneOfFeature(f),
        properties: { ...given, ...p },
        building: false,
      },
    };
  }
}

function featuresOf(doc: unknown): unknown[] {
  const d = doc as { type?: unknown; features?: unknown };
  if (d?.type === 'Feature') return [doc];
  if (d?.type === 'FeatureCollection' && Array.isArray(d.features)) return d.features;
  throw new ImportError('not a GeoJSON FeatureCollection or Feature');
}

function describe(raw: unknown): string {
  const name = (raw as { properties?: { name?: unknown } })?.properties?.name;
  return typeof name === 'string' ? ` (${name.slice(0, 80)})` : '';
}
