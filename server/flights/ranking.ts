import { distanceM } from '../airspace/geo.ts';
import type { CompiledPlan } from '../airspace/plan.ts';
import type { CandidateRank, FlightPlanRequest } from '../protocol/index.ts';
import { requestedStart } from './geometry.ts';

/** A candidate with its place in the request and its cost by the rank asked for. */
export interface Ranked<T> {
  index: number;
  cost: number;
  item: T;
}

const routeLength = (req: FlightPlanRequest) => {
  const w = req.route?.waypoints ?? [];
  let m = 0;
  for (let i = 1; i < w.length; i++) m += distanceM(w[i - 1]!, w[i]!);
  return m;
};

/**
 * Candidates in the order the arbiter tries them: as given, or cheapest first — delay (seconds
 * after the earliest candidate's start), distance (route length, metres) or height (highest
 * altitude held, metres W84). Ties keep the order given.
 */
export function rankCandidates<T extends { req: FlightPlanRequest; compiled: CompiledPlan }>(
  items: readonly T[],
  rank: CandidateRank,
  bandHeightM: number,
): Array<Ranked<T>> {
  const earliest = Math.min(...items.map((c) => requestedStart(c.req)));
  const cost = (c: T, index: number): number => {
    switch (rank) {
      case 'order':
        return index;
      case 'delay':
        return (requestedStart(c.req) - earliest) / 1000;
      case 'distance':
        return Math.round(routeLength(c.req));
      case 'height':
        return (c.compiled.keys.reduce((hi, k) => Math.max(hi, k.bandHi), -Infinity) + 1) * bandHeightM;
    }
  };
  return items
    .map((item, index) => ({ index, cost: cost(item, index), item }))
    .sort((a, b) => a.cost - b.cost || a.index - b.index);
}
