import { circle } from '@turf/turf';
import type { Altitude, ZoneGeometry, ZoneKind, ZoneSchedule } from '../../protocol/index.ts';
import type { ImportItem } from './types.ts';

/** What ED-269 and ED-318 share: limits, restrictions, circles, applicability and how layers become zones. */

const FEET = 0.3048;
/** An open ceiling ("no upper limit") as soramichi stores it: far above any drone. */
export const NO_CEILING: Altitude = { value: 10_000, reference: 'AMSL' };
export const GROUND: Altitude = { value: 0, reference: 'AGL' };
/** Vertices of the polygon that stands for a circle (its chords stay within 0.12 % of the radius). */
const CIRCLE_STEPS = 64;

/** A limit as given, or the reason it cannot be read. */
export function limit(
  value: unknown,
  reference: unknown,
  unit: unknown,
  open: Altitude,
): { altitude: Altitude } | { problem: string } {
  const ref = typeof reference === 'string' ? reference.toUpperCase() : reference;
  const mapped = ref === 'AGL' ? 'AGL' : ref === 'AMSL' ? 'AMSL' : ref === 'WGS84' || ref === 'W84' ? 'W84' : null;
  if (value === null || value === undefined || value === '') {
    return mapped || reference === null || reference === undefined
      ? { altitude: open }
      : { problem: `unknown vertical reference ${JSON.stringify(reference)} (AGL, AMSL or WGS84)` };
  }
  if (!mapped) return { problem: `unknown vertical reference ${JSON.stringify(reference)} (AGL, AMSL or WGS84)` };
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return { problem: `limit ${JSON.stringify(value)} is not a number` };
  const u = typeof unit === 'string' ? unit.toUpperCase() : 'M';
  if (u !== 'M' && u !== 'FT') return { problem: `unknown unit ${JSON.stringify(unit)} (M or FT)` };
  return { altitude: { value: Math.round((u === 'FT' ? n * FEET : n) * 100) / 100, reference: mapped } };
}

/** ED-269 `restriction` / ED-318 `type` as the zone kinds plans are judged against. */
export function kindOf(restriction: unknown): ZoneKind | null {
  switch (typeof restriction === 'string' ? restriction.toUpperCase() : restriction) {
    case 'PROHIBITED':
      return 'prohibited';
    // Conditions soramichi cannot evaluate are treated as needing an authorization.
    case 'REQ_AUTHORISATION':
    case 'REQ_AUTHORIZATION':
    case 'CONDITIONAL':
      return 'restricted';
    case 'NO_RESTRICTION':
    case 'USPACE':
      return 'advisory';
    default:
      return null;
  }
}

/** A circle as a polygon ring ([lon, lat], closed); `center` is [lon, lat] as in GeoJSON. */
export function circleRing(center: [number, number], radiusM: number): number[][] {
  return circle(center, radiusM / 1000, { steps: CIRCLE_STEPS, units: 'kilometers' }).geometry.coordinates[0]!;
}

interface TimePeriod {
  permanent?: unknown;
  startDateTime?: unknown;
  endDateTime?: unknown;
  schedule?: unknown;
  dailyPeriod?: unknown;
}

interface DailyPeriod {
  day?: unknown;
  startTime?: unknown;
  endTime?: unknown;
  startEvent?: unknown;
  endEvent?: unknown;
}

/**
 * ED-269 `applicability` / ED-318 `limitedApplicability` as a soramichi schedule, or null when the
 * zone always applies. Times without a zone designator are read as UTC, as both standards mean.
 * Daylight events (sunrise, sunset, civil twilight) are taken as the whole day: the zone is kept
 * in force longer rather than shorter, and `notes` says so.
 */
export function scheduleOf(periods: unknown, notes: string[]): ZoneSchedule | null {
  if (!Array.isArray(periods) || periods.length === 0) return null;
  const out: ZoneSchedule['periods'] = [];
  for (const raw of periods as TimePeriod[]) {
    const from = typeof raw.startDateTime === 'string' ? new Date(raw.startDateTime).toISOString() : undefined;
    const to = typeof raw.endDateTime === 'string' ? new Date(raw.endDateTime).toISOString() : undefined;
    const daily: NonNullable<ZoneSchedule['periods'][number]['daily']> = [];
    const entries = Array.isArray(raw.schedule) ? raw.schedule : Array.isArray(raw.dailyPeriod) ? raw.dailyPeriod : [];
    for (const d of entries as DailyPeriod[]) {
      const days = Array.isArray(d.day) ? d.day.map((x) => String(x).toUpperCase()) : [];
      const hasTimes = typeof d.startTime === 'string' || typeof d.endTime === 'string';
      const byEvent = d.startEvent !== undefined || d.endEvent !== undefined;
      if (days.length === 0 && !hasTimes && !byEvent) continue;
      if (byEvent) notes.push('daylight-event times (sunrise, sunset, twilight) are taken as the whole day');
      daily.push({
        days: (days.length ? days : ['ANY']) as ('MON' | 'ANY')[],
        start: typeof d.startTime === 'string' && !d.startEvent ? withZone(d.startTime) : '00:00Z',
        end: typeof d.endTime === 'string' && !d.endEvent ? withZone(d.endTime) : '24:00Z',
      });
    }
    out.push({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(daily.length ? { daily } : {}) });
  }
  if (out.every((p) => !p.from && !p.to && !p.daily)) return null;
  return { timeZone: 'UTC', periods: out };
}

function withZone(time: string): string {
  return /(Z|[+-]\d{2}:?\d{2})$/.test(time) ? time : `${time}Z`;
}

/** ED-318's multilingual texts: the English one when there is one, else the first. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const texts = value as Array<{ text?: unknown; lang?: unknown }>;
  const en = texts.find((t) => typeof t.lang === 'string' && t.lang.startsWith('en'));
  const chosen = en ?? texts[0]!;
  return typeof chosen.text === 'string' ? chosen.text : undefined;
}

/** A zone of either standard as its reader found it: what each of its layers carries. */
export interface EurocaeZone {
  id: string;
  name: string;
  kind: ZoneKind;
  authority: string | undefined;
  /** Where the zone comes from, as the zone's properties say (standard and identifier). */
  source: string;
  schedule: ZoneSchedule | null;
  notes: readonly string[];
  /** The zone's whole definition, kept as it was. */
  original: unknown;
}

/** One layer (airspace volume) of a zone: its limits as given, and its outline or why it has none. */
export interface EurocaeLayer {
  lower: unknown;
  lowerReference: unknown;
  upper: unknown;
  upperReference: unknown;
  unit: unknown;
  outline: { geometry: ZoneGeometry } | { problem: string };
}

/**
 * Each layer of a zone as one soramichi zone with that layer's limits and outline, or a skip that
 * says which of them cannot be read; a zone of several layers names each (`#n`, "layer n of m").
 */
export function* layerZones(zone: EurocaeZone, layers: readonly EurocaeLayer[]): Generator<ImportItem> {
  const { id, name } = zone;
  for (const [n, layer] of layers.entries()) {
    const at = layers.length > 1 ? `${id} layer ${n + 1}` : id;
    const lower = limit(layer.lower, layer.lowerReference, layer.unit, GROUND);
    const upper = limit(layer.upper, layer.upperReference, layer.unit, NO_CEILING);
    if ('problem' in lower || 'problem' in upper) {
      const problem =
        'problem' in lower ? `lower limit: ${lower.problem}` : `upper limit: ${(upper as { problem: string }).problem}`;
      yield { skip: { at, reason: problem } };
      continue;
    }
    if ('problem' in layer.outline) {
      yield { skip: { at, reason: layer.outline.problem } };
      continue;
    }
    yield {
      zone: {
        ref: `${id}#${n + 1}`,
        name: (layers.length > 1 ? `${name} (layer ${n + 1} of ${layers.length})` : name).slice(0, 200),
        kind: zone.kind,
        lower: lower.altitude,
        upper: upper.altitude,
        validFrom: null,
        validTo: null,
        geometry: layer.outline.geometry,
        properties: {
          authority: zone.authority,
          source: zone.source,
          ...(zone.schedule ? { schedule: zone.schedule } : {}),
          ...(zone.notes.length ? { notes: [...new Set(zone.notes)] } : {}),
          layer: n + 1,
          original: zone.original,
        },
        building: false,
      },
    };
  }
}
