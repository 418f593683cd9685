import type { CompiledZone } from '../../airspace/index.ts';
import { outlineProblem } from '../../geofences/import/rings.ts';
import { compileStoredZone } from '../../geofences/stored.ts';
import type { ZoneRecord } from '../../store/geofences.ts';
import type { JobContext } from '../setup.ts';

/** The time over which daily schedules are expanded into windows. */
export interface Span {
  from: number;
  to: number;
}

export interface ZoneCompilation {
  compiled: CompiledZone;
  expandedUntil: number | null;
}

/** Stored zones as the index holds them. */
export function compileZonesJob(input: { zones: ZoneRecord[]; span: Span }, ctx: JobContext): ZoneCompilation[] {
  return input.zones.map((zone) => compileStoredZone(zone, ctx.datum, ctx.params, input.span));
}

/**
 * A zone being declared: its outline checked (closed rings that do not cross themselves, which
 * costs as much as the compilation on a long outline), then compiled.
 */
export function compileDeclaredZoneJob(
  input: { zone: ZoneRecord; span: Span },
  ctx: JobContext,
): ZoneCompilation | { problem: string } {
  const problem = outlineProblem(input.zone.geometry);
  if (problem) return { problem };
  return compileStoredZone(input.zone, ctx.datum, ctx.params, input.span);
}
