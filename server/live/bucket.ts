import type { Clock } from '../clock.ts';

/**
 * A token bucket on the service's clock: `capacity` at once, refilled at `perSecond`; `take`
 * says how many seconds to wait when there is not enough.
 */
export class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly clock: Clock,
    readonly capacity: number,
    readonly perSecond: number,
  ) {
    this.tokens = capacity;
    this.at = clock.now();
  }

  take(cost = 1): number | null {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return null;
    }
    return Math.ceil((cost - this.tokens) / this.perSecond);
  }
}
