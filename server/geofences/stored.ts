import type { Datum } from '../airspace/altitude.ts';
import type { CompiledZone } from '../airspace/index.ts';
import type { AirspaceParams } from '../airspace/types.ts';
import type { ZoneRecord } from '../store/geofences.ts';
import { compileZone } from './compile.ts';

/** A stored zone as the index holds it. */
export function compileStoredZone(zone: ZoneRecord, datum: Datum, params: AirspaceParams): CompiledZone {
  const polygons = zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates;
  return compileZone(
    {
      id: zone.id,
      name: zone.name,
      kind: zone.kind,
      polygons,
      lower: zone.lower,
      upper: zone.upper,
      windows: [{ from: zone.validFrom, to: zone.validTo }],
    },
    datum,
    params,
  );
}
