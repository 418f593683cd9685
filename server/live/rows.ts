import { LinkCode, type DroneRow } from '../protocol/live.ts';
import type { DroneState } from '../protocol/telemetry.ts';

/** 0.000001° is about 0.1 m: finer digits would only lengthen every frame. */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** A drone's state as the compact row frames carry. */
export function droneRow(s: DroneState): DroneRow {
  return [
    s.droneId,
    round6(s.lon),
    round6(s.lat),
    round1(s.altW84)!,
    round1(s.altRelative),
    round1(s.headingDeg),
    round1(s.groundSpeedMps),
    round1(s.verticalSpeedMps),
    s.batteryPercent === null ? null : Math.round(s.batteryPercent),
    LinkCode[s.link],
    Date.parse(s.time),
    Date.parse(s.receivedAt),
    s.mode,
    s.armed,
  ];
}

/** The same row with another link state. */
export function withLink(row: DroneRow, link: DroneState['link']): DroneRow {
  const next = [...row] as DroneRow;
  next[9] = LinkCode[link];
  return next;
}
