/**
 * Plain data shared by the airspace core. Times are epoch milliseconds, altitudes are metres
 * above the WGS84 ellipsoid unless a name says otherwise, cells are H3 index strings.
 */

export type AltitudeReference = 'W84' | 'AMSL' | 'AGL';

export interface Altitude {
  value: number;
  reference: AltitudeReference;
}

export interface LatLon {
  lat: number;
  lon: number;
}

/** The geometry of the sky road and its tolerances; configuration, never code. */
export interface AirspaceParams {
  /** H3 resolution of reservation cells (11 ≈ 25 m edge). */
  h3Resolution: number;
  /** Height of one altitude band in metres; bands are aligned on 0 m W84. */
  bandHeightM: number;
  /** Half of the horizontal separation minimum between expected positions. */
  lateralBufferM: number;
  /** Half of the vertical separation minimum between expected positions. */
  verticalBufferM: number;
  /** How early the drone may be at any point of its route. */
  timeBeforeS: number;
  /** How late the drone may be at any point of its route. */
  timeAfterS: number;
  /** Vertical speed of take-off and landing, metres per second. */
  climbRateMps: number;
}

/**
 * One reservation key: an H3 cell, an inclusive range of altitude bands and a half-open time
 * interval [t0, t1).
 */
export interface SkyKey {
  cell: string;
  bandLo: number;
  bandHi: number;
  t0: number;
  t1: number;
}

/** A point of the expected trajectory: where the drone should be, and when. */
export interface PathPoint {
  lat: number;
  lon: number;
  altW84: number;
  t: number;
}

/** Piecewise-linear expected trajectory, ordered by time. */
export type TimedPath = PathPoint[];

export type ZoneKind = 'prohibited' | 'restricted' | 'advisory';

/** Time during which a zone applies; `null` ends are unbounded. */
export interface ActiveWindow {
  from: number | null;
  to: number | null;
}
