import { localFrame, toLocal } from '../../server/airspace/geo.ts';
import { positionAt } from '../../server/airspace/route.ts';
import type { BenchPlan } from './demand.ts';

interface Sample {
  t: number;
  x: number;
  y: number;
  alt: number;
}

/**
 * An independent judge of what truly conflicts. It samples each flight's expected position every
 * second and knows nothing of cells, bands, windows or databases. Two flights conflict when some
 * sample of one and some sample of the other are closer than the separation minimum
 * (horizontally and vertically) and at most `slackMs` apart in time: 0 asks "at the same
 * moment"; the time tolerances operators declare (early + late) ask "could they meet, given how
 * early or late each may be".
 */
export class Oracle {
  private readonly flights: Array<{ plan: BenchPlan; samples: Sample[] }> = [];
  private readonly frame = localFrame({ lat: 36.3, lon: 136.34 });

  constructor(
    private readonly horizontalM: number,
    private readonly verticalM: number,
    private readonly slackMs: number,
  ) {}

  add(p: BenchPlan): void {
    this.flights.push({ plan: p, samples: this.sample(p) });
  }

  /** The flights already added that truly conflict with p. */
  conflictsWith(p: BenchPlan): BenchPlan[] {
    const mine = this.sample(p);
    return this.flights.filter((f) => f.plan !== p && this.meet(p, mine, f.plan, f.samples)).map((f) => f.plan);
  }

  private sample(p: BenchPlan): Sample[] {
    const path = p.compiled.path!;
    const out: Sample[] = [];
    for (let t = Math.ceil(path[0]!.t / 1000) * 1000; t <= path[path.length - 1]!.t; t += 1000) {
      const q = positionAt(path, t);
      const { x, y } = toLocal(this.frame, q.lat, q.lon);
      out.push({ t, x, y, alt: q.altW84 });
    }
    return out;
  }

  private meet(a: BenchPlan, sa: Sample[], b: BenchPlan, sb: Sample[]): boolean {
    const [a0, a1, a2, a3] = a.compiled.bbox;
    const [b0, b1, b2, b3] = b.compiled.bbox;
    if (a2 < b0 || b2 < a0 || a3 < b1 || b3 < a1) return false;
    const first = sb[0];
    const last = sb[sb.length - 1];
    if (!first || !last || !sa[0]) return false;
    if (sa[0].t > last.t + this.slackMs || sa[sa.length - 1]!.t < first.t - this.slackMs) return false;
    // b's samples in a grid of separation-sized squares: only neighbouring squares can meet.
    const size = this.horizontalM;
    const grid = new Map<string, Sample[]>();
    for (const s of sb) {
      const key = `${Math.floor(s.x / size)},${Math.floor(s.y / size)}`;
      const list = grid.get(key);
      if (list) list.push(s);
      else grid.set(key, [s]);
    }
    const h2 = this.horizontalM * this.horizontalM;
    for (const s of sa) {
      const gx = Math.floor(s.x / size);
      const gy = Math.floor(s.y / size);
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (const o of grid.get(`${gx + dx},${gy + dy}`) ?? []) {
            if (Math.abs(o.t - s.t) > this.slackMs) continue;
            if (Math.abs(o.alt - s.alt) >= this.verticalM) continue;
            if ((o.x - s.x) ** 2 + (o.y - s.y) ** 2 < h2) return true;
          }
        }
      }
    }
    return false;
  }
}
