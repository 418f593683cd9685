/**
 * npm run bench:compare — soramichi against the two ways a city would otherwise decide flight
 * plans, on the same PostgreSQL, for the same demand, at the same safety buffers:
 *
 *   - the PostGIS way: buffered route polygons, whole-flight altitude range and time window,
 *     GiST index, check-then-insert;
 *   - the InterUSS DSS way: cell arrays with a GIN index, one bounding altitude range and time
 *     window per plan, SERIALIZABLE transactions with retries.
 *
 * An independent oracle (expected positions sampled every second) counts missed conflicts
 * (accepted pairs that truly conflict) and needless refusals (refused plans that truly conflict
 * with nothing accepted). Prints markdown; bench/all.ts puts it in BENCHMARKS.md.
 */
import { loadConfig } from '../server/config.ts';
import { makeDatum } from '../server/geofences/datum.ts';
import type { Approach } from './compare/approach.ts';
import { demand, type BenchPlan } from './compare/demand.ts';
import { dssApproach } from './compare/dss.ts';
import { Oracle } from './compare/oracle.ts';
import { freshDatabase } from './database.ts';
import { postgisApproach } from './compare/postgis.ts';
import { soramichiApproach, soramichiCluster } from './compare/soramichi.ts';
import { fmt, machine, rateSpread, runConcurrently, spread, summarize, table } from './support.ts';

const PLANS = Number(process.env.BENCH_PLANS ?? 5000);
const SPAN_MS = Number(process.env.BENCH_SPAN_H ?? 3) * 3_600_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const HOTSPOT_PLANS = 300;
const HOTSPOT_CONCURRENCY = 30;
/** The same flight filed this many times at once: exactly one may hold its airspace. */
const RACERS = 30;

const config = loadConfig({ DATA_DIR: 'memory://' });
const params = config.airspace;
const datum = makeDatum(config.groundElevationM);

/** An approach on a fresh database, ready for this many decisions at once. */
type Make = (url: string, concurrency: number) => Promise<Approach>;
const ALL_APPROACHES: Array<{ key: string; make: Make }> = [
  { key: 'soramichi-pglite', make: () => soramichiApproach(undefined) },
  { key: 'soramichi-postgres', make: (url) => soramichiApproach(url) },
  { key: 'soramichi-3', make: (url) => soramichiCluster(url, 3) },
  { key: 'postgis', make: (url, concurrency) => postgisApproach(url, params.lateralBufferM, concurrency) },
  { key: 'dss', make: (url, concurrency) => dssApproach(url, concurrency) },
];
/**
 * BENCH_APPROACHES (keys, comma-separated) runs only those: a change to soramichi is measured
 * before and after on the same demand without waiting for the alternatives, which it does not touch.
 */
const only = process.env.BENCH_APPROACHES?.split(',').map((k) => k.trim());
const APPROACHES = only ? ALL_APPROACHES.filter((a) => only.includes(a.key)) : ALL_APPROACHES;
if (only && APPROACHES.length !== only.length) {
  throw new Error(`BENCH_APPROACHES: known keys are ${ALL_APPROACHES.map((a) => a.key).join(', ')}`);
}

interface Result {
  name: string;
  accepted: BenchPlan[];
  refused: BenchPlan[];
  seconds: number;
  finishedAt: number[];
  acceptedLatency: number[];
  refusedLatency: number[];
  retries: string | null;
}

async function run(make: Make, plans: BenchPlan[], concurrency: number): Promise<Result> {
  const db = await freshDatabase('compare');
  const approach = await make(db.url, concurrency);
  try {
    await approach.prepare?.(plans);
    const { results, latencies, seconds, finishedAt } = await runConcurrently(plans, concurrency, (p) =>
      approach.decide(p),
    );
    return {
      name: approach.name,
      accepted: plans.filter((_, i) => results[i]),
      refused: plans.filter((_, i) => !results[i]),
      seconds,
      finishedAt,
      acceptedLatency: latencies.filter((_, i) => results[i]),
      refusedLatency: latencies.filter((_, i) => !results[i]),
      retries: approach.retries?.() ?? null,
    };
  } finally {
    await approach.close();
    await db.drop();
  }
}

/**
 * Missed conflicts among the accepted, at the same second and within the declared timing
 * tolerance; and refusals of plans that could not meet any accepted flight even within it.
 */
function judge(r: Result): { missed: number; missedWithin: number; needless: number } {
  const slack = (params.timeBeforeS + params.timeAfterS) * 1000;
  const strict = new Oracle(2 * params.lateralBufferM, 2 * params.verticalBufferM, 0);
  const tolerant = new Oracle(2 * params.lateralBufferM, 2 * params.verticalBufferM, slack);
  let missed = 0;
  let missedWithin = 0;
  for (const p of r.accepted) {
    missed += strict.conflictsWith(p).length;
    missedWithin += tolerant.conflictsWith(p).length;
    strict.add(p);
    tolerant.add(p);
  }
  const needless = r.refused.filter((p) => tolerant.conflictsWith(p).length === 0).length;
  return { missed, missedWithin, needless };
}

/** Short routes inside one square kilometre at the city's centre, all within half an hour. */
const hotspotDemand = (from: number) =>
  demand(HOTSPOT_PLANS, 99, from, 1_800_000, datum, params, { lengthM: 700, sizeM: 1000 });

async function main() {
  const from = Date.now() + 3_600_000;
  const plans = demand(PLANS, 1, from, SPAN_MS, datum, params);
  const out: string[] = [];
  out.push(
    `${PLANS} random 5 km routes in a 12 km × 12 km city over ${SPAN_MS / 3_600_000} h, ${CONCURRENCY} decisions in flight, ` +
      `buffers ${params.lateralBufferM} m lateral / ${params.verticalBufferM} m vertical / ${params.timeBeforeS}–${params.timeAfterS} s, on ${machine()}.`,
    '',
  );
  const rows: Array<Array<string | number>> = [];
  for (const a of APPROACHES) {
    const r = await run(a.make, plans, CONCURRENCY);
    const judging = performance.now();
    const { missed, missedWithin, needless } = judge(r);
    console.error(
      `${r.name}: decided in ${r.seconds.toFixed(1)} s, judged in ${((performance.now() - judging) / 1000).toFixed(1)} s`,
    );
    const acc = summarize(r.acceptedLatency);
    const rej = summarize(r.refusedLatency);
    rows.push([
      r.name,
      `${r.accepted.length}`,
      spread(rateSpread(r.finishedAt)),
      fmt(r.accepted.length / r.seconds, 0),
      fmt(r.refused.length / r.seconds, 0),
      `${fmt(acc.p50)} / ${fmt(acc.p99)}`,
      `${fmt(rej.p50)} / ${fmt(rej.p99)}`,
      `${missed} / ${missedWithin}`,
      `${needless} (${fmt((100 * needless) / Math.max(1, r.refused.length), 0)} % of refusals)`,
      r.retries ?? '–',
    ]);
    console.error(`done: ${r.name}`);
  }
  out.push(
    table(
      [
        'approach',
        'accepted',
        'decisions/s: median (spread)',
        'accepted/s',
        'refused/s',
        'accepted p50/p99 ms',
        'refused p50/p99 ms',
        'missed conflicts (same second / within tolerance)',
        'needless refusals',
        'retries',
      ],
      rows,
    ),
    '',
  );

  const spot = hotspotDemand(from);
  out.push(
    `Hot spot: ${spot.length} routes of 700 m inside one square kilometre within 30 minutes, ${HOTSPOT_CONCURRENCY} decisions in flight.`,
    '',
  );
  const spotRows: Array<Array<string | number>> = [];
  for (const a of APPROACHES) {
    const r = await run(a.make, spot, HOTSPOT_CONCURRENCY);
    const { missed, missedWithin } = judge(r);
    spotRows.push([
      r.name,
      r.accepted.length,
      fmt(r.accepted.length / r.seconds, 1),
      fmt(spot.length / r.seconds, 0),
      `${missed} / ${missedWithin}`,
      r.retries ?? '–',
    ]);
    console.error(`done (hot spot): ${r.name}`);
  }
  out.push(
    table(['approach', 'accepted', 'successful flights/s', 'decisions/s', 'missed conflicts', 'retries'], spotRows),
    '',
  );

  // One flight, filed by 30 clients at the same moment: every copy conflicts with every other.
  const [one] = demand(1, 7, from, 600_000, datum, params);
  const racers = Array.from({ length: RACERS }, (_, index) => ({ ...one!, index }));
  out.push(
    `Race: the same flight filed ${RACERS} times at once, ${RACERS} decisions in flight; more than one accepted is a double booking.`,
    '',
  );
  const raceRows: Array<Array<string | number>> = [];
  for (const a of APPROACHES) {
    const r = await run(a.make, racers, RACERS);
    raceRows.push([r.name, r.accepted.length, Math.max(0, r.accepted.length - 1), r.retries ?? '–']);
    console.error(`done (race): ${r.name}`);
  }
  out.push(table(['approach', 'accepted', 'double bookings', 'retries'], raceRows));
  console.log(out.join('\n'));
}

await main();
