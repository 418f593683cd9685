import { localFrame, toLocal } from '../../server/airspace/geo.ts';
import { positionAt } from '../../server/airspace/route.ts';
import type { BenchPlan } from './demand.ts';

interface Sample {
  t: number;
  x: number;
  y: number;
  alt: number;
}

/** Each plan's samples, taken once whichever oracle asks (they depend on the plan alone). */
const SAMPLES = new WeakMap<BenchPlan, Sample[]>();

/** A sample of a flight already added, where the index keeps it. */
interface Entry {
  flight: number;
  sample: Sample;
}

/**
 * An independent judge of what truly conflicts. It samples each flight's expected position every
 * second and knows nothing of cells, bands, windows or databases. Two flights conflict when some
 * sample of one and some sample of the other are closer than the separation minimum
 * (horizontally and vertically) and at most `slackMs` apart in time: 0 asks "at the same
 * moment"; the time tolerances operators declare (early + late) ask "could they meet, given how
 * early or late each may be".
 *
 * Samples are indexed by time slice (the slack, at least a second) and by squares of the
 * separation's size, so a sample is compared only with those in neighbouring slices and squares:
 * thousands of flights are judged in seconds, not in the hours all pairs would take.
 */
export class Oracle {
  private readonly plans: BenchPlan[] = [];
  /** time slice → square → samples there. */
  private readonly index = new Map<number, Map<number, Entry[]>>();
  private readonly frame = localFrame({ lat: 36.3, lon: 136.34 });
  private readonly sliceMs: number;

  constructor(
    private readonly horizontalM: number,
    private readonly verticalM: number,
    private readonly slackMs: number,
  ) {
    this.sliceMs = Math.max(1000, slackMs);
  }

  add(p: BenchPlan): void {
    const flight = this.plans.push(p) - 1;
    for (const sample of this.sample(p)) {
      const slice = Math.floor(sample.t / this.sliceMs);
      let squares = this.index.get(slice);
      if (!squares) this.index.set(slice, (squares = new Map()));
      const key = this.square(sample.x, sample.y);
      const list = squares.get(key);
      if (list) list.push({ flight, sample });
      else squares.set(key, [{ flight, sample }]);
    }
  }

  /** The flights already added that truly conflict with p. */
  conflictsWith(p: BenchPlan): BenchPlan[] {
    const found = new Set<number>();
    const h2 = this.horizontalM * this.horizontalM;
    for (const s of this.sample(p)) {
      const slice = Math.floor(s.t / this.sliceMs);
      const gx = Math.floor(s.x / this.horizontalM);
      const gy = Math.floor(s.y / this.horizontalM);
      for (let ds = -1; ds <= 1; ds++) {
        const squares = this.index.get(slice + ds);
        if (!squares) continue;
        for (let dx = -1; dx <= 1; dx++) {
          for (let dy = -1; dy <= 1; dy++) {
            for (const { flight, sample: o } of squares.get(this.squareOf(gx + dx, gy + dy)) ?? []) {
              if (found.has(flight) || this.plans[flight] === p) continue;
              if (Math.abs(o.t - s.t) > this.slackMs) continue;
              if (Math.abs(o.alt - s.alt) >= this.verticalM) continue;
              if ((o.x - s.x) ** 2 + (o.y - s.y) ** 2 < h2) found.add(flight);
            }
          }
        }
      }
    }
    return [...found].map((f) => this.plans[f]!);
  }

  private square(x: number, y: number): number {
    return this.squareOf(Math.floor(x / this.horizontalM), Math.floor(y / this.horizontalM));
  }

  /** A square as one number (square indices within ±1,000,000, far beyond any city). */
  private squareOf(gx: number, gy: number): number {
    return (gx + 1_000_000) * 2_000_003 + (gy + 1_000_000);
  }

  private sample(p: BenchPlan): Sample[] {
    const known = SAMPLES.get(p);
    if (known) return known;
    const path = p.compiled.path!;
    const out: Sample[] = [];
    for (let t = Math.ceil(path[0]!.t / 1000) * 1000; t <= path[path.length - 1]!.t; t += 1000) {
      const q = positionAt(path, t);
      const { x, y } = toLocal(this.frame, q.lat, q.lon);
      out.push({ t, x, y, alt: q.altW84 });
    }
    SAMPLES.set(p, out);
    return out;
  }
}
