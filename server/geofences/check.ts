import { latLngToCell } from 'h3-js';
import { bandOf } from '../airspace/altitude.ts';
import type { FlightHold, ReservationIndex, ZoneHold } from '../airspace/index.ts';
import type { AirspaceParams } from '../airspace/types.ts';

/** What holds one point of airspace at one moment, as the index knows it. */
export interface PointHolds {
  cell: string;
  band: number;
  /** Zones in force there then, with the end of the window in force (null: no end). */
  zones: Array<{ hold: ZoneHold; until: number | null }>;
  flights: FlightHold[];
}

/**
 * The zones and flights holding the point's cell and band at time t: exactly what a plan passing
 * there then would conflict with (the same cells and bands), without its buffers.
 */
export function holdsAt(
  index: ReservationIndex,
  point: { lat: number; lon: number; altW84: number; t: number },
  params: AirspaceParams,
): PointHolds {
  const cell = latLngToCell(point.lat, point.lon, params.h3Resolution);
  const band = bandOf(point.altW84, params.bandHeightM);
  const zones: PointHolds['zones'] = [];
  for (const hold of index.zonesAt(cell)) {
    if (band < hold.bandLo || band > hold.bandHi) continue;
    for (const w of hold.windows) {
      if ((w.from === null || w.from <= point.t) && (w.to === null || point.t < w.to)) {
        zones.push({ hold, until: w.to });
        break;
      }
    }
  }
  const flights: FlightHold[] = [];
  for (const hold of index.flightsAt(cell)) {
    if (band >= hold.bandLo && band <= hold.bandHi && hold.t0 <= point.t && point.t < hold.t1) flights.push(hold);
  }
  return { cell, band, zones, flights };
}
