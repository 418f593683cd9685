import { describe, expect, it } from 'vitest';
import { zoneTimes } from '../../../server/geofences/schedule.ts';

const at = (iso: string) => Date.parse(iso);
const span = (from: string, to: string) => ({ from: at(from), to: at(to) });

describe('zone schedules as time windows', () => {
  it('without a schedule, applies from validFrom to validTo whatever the span', () => {
    expect(
      zoneTimes(at('2026-07-01T00:00:00Z'), null, undefined, span('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')),
    ).toEqual({
      windows: [{ from: at('2026-07-01T00:00:00Z'), to: null }],
      expandedUntil: null,
    });
  });

  it('expands daily windows in the schedule’s time zone, on the named days, inside validity', () => {
    // 2026-11-23 is a Monday. Weekday mornings 06:00–08:00 in Tokyo (UTC+9) = 21:00–23:00Z the day before.
    const times = zoneTimes(
      at('2026-11-23T00:00:00+09:00'),
      at('2026-11-26T00:00:00+09:00'),
      { timeZone: 'Asia/Tokyo', periods: [{ daily: [{ days: ['MON', 'WED'], start: '06:00', end: '08:00' }] }] },
      span('2026-11-20T00:00:00Z', '2026-12-01T00:00:00Z'),
    );
    expect(times.windows).toEqual([
      { from: at('2026-11-22T21:00:00Z'), to: at('2026-11-22T23:00:00Z') },
      { from: at('2026-11-24T21:00:00Z'), to: at('2026-11-24T23:00:00Z') },
    ]);
    expect(times.expandedUntil).toBe(at('2026-12-01T00:00:00Z'));
  });

  it('runs a window past midnight when it ends before it starts, and honours explicit offsets', () => {
    const times = zoneTimes(
      null,
      null,
      {
        timeZone: 'UTC',
        periods: [{ daily: [{ days: ['ANY'], start: '22:00+09:00', end: '02:00+09:00' }] }],
      },
      span('2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z'),
    );
    // 22:00–02:00 at UTC+9 is 13:00–17:00Z, on the evening of each local day.
    expect(times.windows).toEqual([{ from: at('2026-11-23T13:00:00Z'), to: at('2026-11-23T17:00:00Z') }]);
  });

  it('keeps periods without daily windows whole, and merges overlaps', () => {
    const times = zoneTimes(
      null,
      null,
      {
        timeZone: 'UTC',
        periods: [
          { from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' },
          { from: '2026-11-23T12:00:00Z', to: '2026-11-25T00:00:00Z' },
        ],
      },
      span('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'),
    );
    expect(times).toEqual({
      windows: [{ from: at('2026-11-23T00:00:00Z'), to: at('2026-11-25T00:00:00Z') }],
      expandedUntil: null,
    });
  });
});
