/** Latencies in whole milliseconds up to a minute, counted in buckets: millions of samples in a fixed 480 kB. */
export class Histogram {
  readonly counts = new Float64Array(60_001);
  total = 0;

  add(ms: number): void {
    this.counts[Math.min(60_000, Math.max(0, Math.round(ms)))]!++;
    this.total++;
  }

  merge(counts: ArrayLike<number>): void {
    for (let i = 0; i < counts.length; i++) {
      this.counts[i]! += counts[i]!;
      this.total += counts[i]!;
    }
  }

  percentile(p: number): number {
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank && seen > 0) return i;
    }
    return NaN;
  }
}
