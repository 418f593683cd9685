import { skyRoadLegs } from './skyroad.ts';
import type { AirspaceParams, SkyKey, TimedPath } from './types.ts';

/**
 * The same flight `deltaM` higher (a whole number of bands), derived from its original legs
 * instead of recomputed: cruise legs keep their cells, their bands move by deltaM / bandHeight and
 * their times by the extra climb; only the take-off and landing legs, whose columns grow or
 * shrink, are recomputed. Times are moved outward to whole milliseconds, so the result covers the
 * recomputed sky road. The keys are not merged: good enough to screen candidates, and the one
 * proposed is compiled in full before anyone sees it.
 */
export function raisedKeys(
  path: TimedPath,
  legs: readonly SkyKey[][],
  deltaM: number,
  params: AirspaceParams,
  takeoffAndLanding: boolean,
): { path: TimedPath; keys: SkyKey[] } {
  const bands = Math.round(deltaM / params.bandHeightM);
  const shiftMs = takeoffAndLanding ? (deltaM / params.climbRateMps) * 1000 : 0;
  const move = (k: SkyKey): SkyKey => ({
    cell: k.cell,
    bandLo: k.bandLo + bands,
    bandHi: k.bandHi + bands,
    t0: k.t0 + Math.floor(shiftMs),
    t1: k.t1 + Math.ceil(shiftMs),
  });
  if (!takeoffAndLanding) {
    return { path: path.map((p) => ({ ...p, altW84: p.altW84 + deltaM })), keys: legs.flat().map(move) };
  }
  const last = path.length - 1;
  const raised: TimedPath = path.map((p, i) =>
    i === 0 ? p : i === last ? { ...p, t: p.t + 2 * shiftMs } : { ...p, altW84: p.altW84 + deltaM, t: p.t + shiftMs },
  );
  const climb = skyRoadLegs(raised.slice(0, 2), params).flat();
  const descent = skyRoadLegs(raised.slice(last - 1), params).flat();
  return { path: raised, keys: [...climb, ...legs.slice(1, -1).flat().map(move), ...descent] };
}
