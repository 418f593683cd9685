import type { Datum } from '../airspace/altitude.ts';
import type { CompiledZone } from '../airspace/index.ts';
import type { AirspaceParams } from '../airspace/types.ts';
import type { ZoneSchedule } from '../protocol/index.ts';
import type { ZoneRecord } from '../store/geofences.ts';
import { compileZone } from './compile.ts';
import { zoneTimes } from './schedule.ts';

/**
 * A stored zone as the index holds it, its schedule expanded over `span`; `expandedUntil` says
 * when the windows run out (null: they never do).
 */
export function compileStoredZone(
  zone: ZoneRecord,
  datum: Datum,
  params: AirspaceParams,
  span: { from: number; to: number },
): { compiled: CompiledZone; expandedUntil: number | null } {
  const polygons = zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates;
  const schedule = zone.properties['schedule'] as ZoneSchedule | undefined;
  const times = zoneTimes(zone.validFrom, zone.validTo, schedule, span);
  const compiled = compileZone(
    {
      id: zone.id,
      name: zone.name,
      kind: zone.kind,
      polygons,
      lower: zone.lower,
      upper: zone.upper,
      windows: times.windows,
    },
    datum,
    params,
  );
  return { compiled, expandedUntil: times.expandedUntil };
}
