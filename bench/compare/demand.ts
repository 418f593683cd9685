import { groundW84 } from '../../server/airspace/altitude.ts';
import { compilePlan, type CompiledPlan } from '../../server/airspace/plan.ts';
import type { AirspaceParams } from '../../server/airspace/types.ts';
import type { Datum } from '../../server/airspace/altitude.ts';
import { toGeometry } from '../../server/flights/geometry.ts';
import type { FlightPlanRequest } from '../../server/protocol/index.ts';
import { CITY, randomRoute } from '../city.ts';
import { mulberry32 } from '../../gateway/sim/random.ts';

/**
 * One flight of the benchmark's demand, with what each approach needs: the request (soramichi),
 * the sky road and expected trajectory (our core, also the oracle's model of where the drone is),
 * and the whole-flight bounds the bounding-window approaches keep.
 */
export interface BenchPlan {
  index: number;
  request: FlightPlanRequest;
  compiled: CompiledPlan;
  /** Route as [lon, lat] pairs. */
  line: Array<[number, number]>;
  /** Whole-flight altitude range (take-off to cruise), metres W84, buffers included. */
  altLo: number;
  altHi: number;
  /** Whole-flight time window, epoch ms, tolerances included. */
  t0: number;
  t1: number;
  /** Distinct sky-road cells (H3 as int8 strings). */
  cells: string[];
}

export function demand(
  count: number,
  seed: number,
  from: number,
  spanMs: number,
  datum: Datum,
  params: AirspaceParams,
  shape: { lengthM: number; sizeM: number } = { lengthM: 5_000, sizeM: CITY.sizeM },
): BenchPlan[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, (_, index) => {
    const request = randomRoute(rand, from, spanMs, shape.lengthM, shape.sizeM);
    const compiled = compilePlan(toGeometry(request), datum, params);
    const path = compiled.path!;
    const wps = request.route!.waypoints;
    const ground = Math.min(...wps.map((w) => groundW84(w.lat, w.lon, datum)));
    const top = Math.max(...path.map((p) => p.altW84));
    return {
      index,
      request,
      compiled,
      line: wps.map((w) => [w.lon, w.lat] as [number, number]),
      altLo: ground - params.verticalBufferM,
      altHi: top + params.verticalBufferM,
      t0: Math.floor(path[0]!.t - params.timeBeforeS * 1000),
      t1: Math.ceil(path[path.length - 1]!.t + params.timeAfterS * 1000),
      cells: [...new Set(compiled.keys.map((k) => BigInt(`0x${k.cell}`).toString()))],
    };
  });
}
