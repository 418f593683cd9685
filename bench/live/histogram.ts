/** Latencies in whole milliseconds up to a minute, counted in buckets: millions of samples in a fixed 480 kB. */
export class Histogram {
  readonly counts = new Float64Array(60_001);
  total = 0;

  add(ms: number): void {
    this.counts[Math.min(60_000, Math.max(0, Math.round(ms)))]!++;
    this.total++;
  }

  /** The non-empty buckets, as [ms, count] pairs: what travels between processes. */
  sparse(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]) out.push([i, this.counts[i]!]);
    return out;
  }

  merge(buckets: ReadonlyArray<readonly [number, number]>): void {
    for (const [ms, n] of buckets) {
      this.counts[ms]! += n;
      this.total += n;
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
