/** ASTM F3411-22a's constants that a network Remote ID service provider answers by (Table 1 of the standard). */
export const F3411 = {
  /** A flight is reported while its data is at most this old; recent positions reach back as far. */
  NetMaxNearRealTimeDataPeriodS: 60,
  /** A larger view (corner to corner) is refused with 413. */
  NetMaxDisplayAreaDiagonalKm: 7,
  /** Up to this diagonal a display shows individual flights and their details; above it, clusters. */
  NetDetailsMaxDisplayAreaDiagonalKm: 2,
  /** A display needs positions at least this often. */
  NetMinUasLocRefreshFrequencyHz: 1,
  /** How fast a service provider answers `/flights`, 95th and 99th percentile. */
  NetSpDataResponseTime95thPercentileS: 1,
  NetSpDataResponseTime99thPercentileS: 3,
} as const;

/** The OAuth scopes F3411 and InterUSS's injection interface name. */
export const RID_SCOPES = {
  displayProvider: 'rid.display_provider',
  serviceProvider: 'rid.service_provider',
  injectTestData: 'rid.inject_test_data',
} as const;

export type RidScope = (typeof RID_SCOPES)[keyof typeof RID_SCOPES];
