/**
 * Every bound the service puts on its input, in one place: the schemas, the services and the
 * sockets read them from here, the README publishes them, and a refusal names the one it hit.
 * Each sits far beyond what a real operation needs and well short of work that would stall the
 * server (see bench/stall.ts).
 */
export const LIMITS = {
  /** Small UAS cruise (ASTM F3548 operations): slower than walking pace is a hover, not a route. */
  minSpeedMps: 0.5,
  maxSpeedMps: 60,
  maxRouteWaypoints: 500,
  maxRouteLengthM: 200_000,
  /** One flight (or one plan's volumes, first start to last end): longer than any battery or shift. */
  maxFlightDurationMs: 12 * 3_600_000,
  /** One volume's outline, and all of a plan's outlines together. */
  maxVolumeVertices: 1_000,
  maxPlanVertices: 10_000,
  maxVolumes: 100,
  maxCircleRadiusM: 1_500,
  /** All of a plan's volumes together: the cells to decide grow with their area. */
  maxVolumesAreaM2: 10e6,
  /** All rings of one declared zone: a city's boundary surveyed to the metre has a few thousand. */
  maxZoneVertices: 5_000,
  /** A zone declared through the API: a city (Kaga is 306 km²); larger ones load from a zone file. */
  maxDeclaredZoneAreaM2: 500e6,
  /** A zone whose compilation takes longer is refused (the worker running it is stopped). */
  zoneCompileTimeoutMs: 60_000,
  /** Arrays and objects inside one another in a request body, counted on the raw text before parsing. */
  maxJsonDepth: 32,
  /** `GET /api/v1/airspace`: the box (degrees each way), the window, and the cells of one answer. */
  maxAirspaceBboxDeg: 2,
  maxAirspaceWindowMs: 48 * 3_600_000,
  maxAirspaceFeatures: 20_000,
  /**
   * `/live` subscriptions per socket: a burst, then a steady rate (a map panned by hand asks a
   * few a second); a full snapshot (every live plan and open alert) counts as several.
   */
  subscribeBurst: 10,
  subscribesPerSecond: 2,
  fullSnapshotCost: 5,
} as const;

/** "12 h", "48 h": a duration as a limit's message gives it. */
export const hours = (ms: number) => `${ms / 3_600_000} h`;
