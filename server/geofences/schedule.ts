import type { ActiveWindow } from '../airspace/types.ts';
import type { ZoneSchedule } from '../protocol/index.ts';

const DAY_MS = 86_400_000;
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** When a zone applies: concrete windows, and until when they are complete (null: for ever). */
export interface ZoneTimes {
  windows: ActiveWindow[];
  /** Daily schedules are expanded only up to here; later times need a fresh expansion. */
  expandedUntil: number | null;
}

/**
 * A zone's validity and schedule (ED-269 applicability, ED-318 limitedApplicability, or the
 * soramichi `schedule`) as the time windows the index checks, over `span` (the planning horizon):
 * within [validFrom, validTo), during any period, and inside a period's daily windows when it has
 * them. Daily windows are wall-clock times in the time zone their time carries (`Z`, `+09:00`),
 * else in the schedule's; an end at or before its start runs past midnight.
 */
export function zoneTimes(
  validFrom: number | null,
  validTo: number | null,
  schedule: ZoneSchedule | null | undefined,
  span: { from: number; to: number },
): ZoneTimes {
  if (!schedule) return { windows: [{ from: validFrom, to: validTo }], expandedUntil: null };
  const windows: ActiveWindow[] = [];
  let daily = false;
  for (const period of schedule.periods) {
    const from = latest(validFrom, period.from ? Date.parse(period.from) : null);
    const to = earliest(validTo, period.to ? Date.parse(period.to) : null);
    if (from !== null && to !== null && from >= to) continue;
    if (!period.daily?.length) {
      windows.push({ from, to });
      continue;
    }
    daily = true;
    const lo = Math.max(from ?? -Infinity, span.from);
    const hi = Math.min(to ?? Infinity, span.to);
    if (lo >= hi) continue;
    for (const d of period.daily) {
      for (const w of dailyWindows(d, schedule.timeZone, lo, hi)) windows.push(w);
    }
  }
  return { windows: merge(windows), expandedUntil: daily ? span.to : null };
}

function latest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

interface TimeOfDay {
  ms: number;
  /** Fixed offset from UTC in ms when the time carries one; null means the schedule's zone. */
  offsetMs: number | null;
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** hh:mm[:ss[.fff]][Z|±hh:mm] — the wire schema has already checked the shape. */
export function parseTimeOfDay(s: string): TimeOfDay {
  const m = TIME.exec(s);
  if (!m) throw new Error(`not a time of day: ${s}`);
  const ms =
    (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0)) * 1000 + Math.round(Number(m[4] ?? 0) * 1000);
  const zone = m[5];
  if (!zone) return { ms, offsetMs: null };
  if (zone === 'Z') return { ms, offsetMs: 0 };
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return { ms, offsetMs: sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000 };
}

function dailyWindows(
  period: { days: string[]; start: string; end: string },
  timeZone: string,
  lo: number,
  hi: number,
): ActiveWindow[] {
  const start = parseTimeOfDay(period.start);
  const end = parseTimeOfDay(period.end);
  const offsetAt = offsetFinder(timeZone);
  const startOffset = (t: number) => start.offsetMs ?? offsetAt(t);
  const endOffset = (t: number) => end.offsetMs ?? offsetAt(t);
  const any = period.days.length === 0 || period.days.includes('ANY');
  const out: ActiveWindow[] = [];
  // Local midnights from the day before `lo` (a window may run past midnight into it).
  let midnight = Math.floor((lo + startOffset(lo)) / DAY_MS) * DAY_MS - DAY_MS;
  for (; midnight < hi + startOffset(hi) + DAY_MS; midnight += DAY_MS) {
    if (!any && !period.days.includes(WEEKDAYS[new Date(midnight).getUTCDay()]!)) continue;
    const from = wallClock(midnight + start.ms, startOffset);
    let to = wallClock(midnight + end.ms, endOffset);
    if (to <= from) to = wallClock(midnight + DAY_MS + end.ms, endOffset);
    const a = Math.max(from, lo);
    const b = Math.min(to, hi);
    if (a < b) out.push({ from: a, to: b });
  }
  return out;
}

/** The instant at which local wall-clock time `local` (as if UTC) occurs, given the zone's offset. */
function wallClock(local: number, offsetAt: (t: number) => number): number {
  const guess = local - offsetAt(local);
  return local - offsetAt(guess);
}

/** Offset from UTC of an IANA time zone at an instant (Intl knows the zone's history). */
function offsetFinder(timeZone: string): (t: number) => number {
  if (timeZone === 'UTC') return () => 0;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (t) => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(t))) p[part.type] = Number(part.value);
    const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return local - Math.floor(t / 1000) * 1000;
  };
}

function merge(windows: ActiveWindow[]): ActiveWindow[] {
  const sorted = windows.sort((a, b) => (a.from ?? -Infinity) - (b.from ?? -Infinity));
  const out: ActiveWindow[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && (last.to === null || (w.from ?? -Infinity) <= last.to)) {
      if (last.to !== null && (w.to === null || w.to > last.to)) last.to = w.to;
    } else {
      out.push({ ...w });
    }
  }
  return out;
}
