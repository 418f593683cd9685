import type { ZoneGeometry } from '../../protocol/index.ts';
import { circleRing, kindOf, layerZones, scheduleOf, text } from './eurocae.ts';
import { ImportError, type ImportItem } from './types.ts';

interface UASZone {
  identifier?: unknown;
  country?: unknown;
  name?: unknown;
  restriction?: unknown;
  restrictionConditions?: unknown;
  reason?: unknown;
  message?: unknown;
  applicability?: unknown;
  zoneAuthority?: Array<{ name?: unknown }>;
  geometry?: unknown;
}

interface AirspaceVolume {
  uomDimensions?: unknown;
  lowerLimit?: unknown;
  lowerVerticalReference?: unknown;
  upperLimit?: unknown;
  upperVerticalReference?: unknown;
  horizontalProjection?: { type?: unknown; coordinates?: unknown; center?: unknown; radius?: unknown };
}

/** Whether a parsed JSON document is an ED-269 zone list. */
export function isEd269(doc: unknown): boolean {
  const d = doc as { UASZoneList?: unknown; features?: Array<{ restriction?: unknown; geometry?: unknown }> };
  if (Array.isArray(d?.UASZoneList)) return true;
  const first = Array.isArray(d?.features) ? d.features[0] : undefined;
  return !!first && 'restriction' in first && Array.isArray(first.geometry);
}

/**
 * EUROCAE ED-269 `UASZoneList` (or the `features` list of the same zones): each airspace volume
 * of a zone (its layers) becomes one soramichi zone with that volume's limits, the zone's
 * applicability as its schedule, and the whole UASZone kept as its original definition.
 */
export function* readEd269(doc: unknown): Generator<ImportItem> {
  const d = doc as { UASZoneList?: unknown; features?: unknown };
  const zones = Array.isArray(d.UASZoneList) ? d.UASZoneList : Array.isArray(d.features) ? d.features : null;
  if (!zones) throw new ImportError('not an ED-269 zone list (no UASZoneList)');
  for (const [i, raw] of (zones as UASZone[]).entries()) {
    const id = typeof raw.identifier === 'string' ? raw.identifier : `UASZoneList[${i}]`;
    const name = text(raw.name) ?? id;
    const kind = kindOf(raw.restriction);
    if (!kind) {
      yield { skip: { at: id, reason: `unknown restriction ${JSON.stringify(raw.restriction)}` } };
      continue;
    }
    const volumes = Array.isArray(raw.geometry) ? (raw.geometry as AirspaceVolume[]) : [];
    if (volumes.length === 0) {
      yield { skip: { at: id, reason: 'no airspace volume (geometry is empty)' } };
      continue;
    }
    const notes: string[] = [];
    const schedule = scheduleOf(raw.applicability, notes);
    yield* layerZones(
      {
        id,
        name,
        kind,
        authority: text(raw.zoneAuthority?.[0]?.name),
        source: `ED-269 UAS zone ${id}${typeof raw.country === 'string' ? ` (${raw.country})` : ''}`,
        schedule,
        notes,
        original: raw,
      },
      volumes.map((v) => ({
        lower: v.lowerLimit,
        lowerReference: v.lowerVerticalReference,
        upper: v.upperLimit,
        upperReference: v.upperVerticalReference,
        unit: v.uomDimensions,
        outline: projection(v.horizontalProjection),
      })),
    );
  }
}

function projection(p: AirspaceVolume['horizontalProjection']): { geometry: ZoneGeometry } | { problem: string } {
  if (p?.type === 'Polygon' && Array.isArray(p.coordinates)) {
    return { geometry: { type: 'Polygon', coordinates: p.coordinates as ZoneGeometry['coordinates'] as never } };
  }
  if (p?.type === 'Circle') {
    const c = p.center;
    const r = Number(p.radius);
    if (!Array.isArray(c) || c.length < 2 || !c.every((x) => Number.isFinite(x)) || !(r > 0)) {
      return { problem: 'circle needs a center [lon, lat] and a positive radius' };
    }
    return { geometry: { type: 'Polygon', coordinates: [circleRing([c[0], c[1]], r) as [number, number][]] } };
  }
  return { problem: `unsupported horizontal projection ${JSON.stringify(p?.type)} (Polygon or Circle)` };
}
