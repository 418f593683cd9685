import type { Config } from '../config.ts';
import type { ConformanceParams } from './conformance.ts';

/** The checks' parameters: the sky road's grid, and monitoring's thresholds from the configuration. */
export function conformanceParams(config: Config): ConformanceParams {
  const c = config.conformance;
  return {
    h3Resolution: config.airspace.h3Resolution,
    bandHeightM: config.airspace.bandHeightM,
    // Clear of a pad's bumps and GPS altitude noise, slower than any deliberate flight.
    airborneHeightM: 2,
    airborneSpeedMps: 2,
    proximity: {
      horizontalM: c.proximityHorizontalM,
      verticalM: c.proximityVerticalM,
      // A pair closes its alert only once clearly apart, so one hovering at the threshold does not flicker.
      releaseFactor: 1.25,
      // A position older than a lost link is no longer where the drone is.
      maxAgeMs: c.lostLinkMs,
    },
    battery: {
      lowPercent: c.lowBatteryPercent,
      reservePercent: c.batteryReservePercent,
      enduranceS: c.batteryEnduranceS,
      // A slow multirotor's cruise, for a drone without a route that hovers.
      fallbackSpeedMps: 5,
    },
  };
}
