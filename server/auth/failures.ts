import type { AuditTrail } from '../audit/trail.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { every } from '../periodic.ts';
import { PUBLIC } from './principal.ts';
import type { Background } from '../background.ts';

/** Requests listed in an address's audit row, as samples of what it tried. */
const SAMPLES = 5;
/** How often ended windows are written to the audit trail. */
const SWEEP_MS = 10_000;

interface Window {
  since: number;
  failures: number;
  /** Attempts refused unverified once the address was over the limit. */
  refused: number;
  samples: Set<string>;
}

/**
 * Failed authentication per client address (HTTP and sockets alike): beyond `perMinute` failures
 * in a window, every attempt from the address is refused unverified until the window ends, so
 * tokens cannot be guessed at the speed of the server. The audit trail gets one row per address
 * and window ("N failed authentications from A"), not one per attempt: a flood of guesses
 * cannot flood the trail, which nobody may delete from.
 */
export class AuthFailures {
  private readonly windows = new Map<string, Window>();
  private stopSweeping: (() => Promise<void>) | null = null;

  constructor(
    private readonly deps: {
      clock: Clock;
      audit: Pick<AuditTrail, 'record'>;
      log: Logger;
      background: Background;
      /** Failures a window; 0: no limit (still audited per window). */
      perMinute: number;
      windowMs?: number;
    },
  ) {}

  private get windowMs(): number {
    return this.deps.windowMs ?? 60_000;
  }

  start(): void {
    this.stopSweeping = every(
      this.deps.clock,
      SWEEP_MS,
      'failed authentication audit',
      () => this.sweep(),
      this.deps.background,
    );
  }

  /** Writes every window, ended or not: nothing counted is lost at a clean stop. */
  async stop(): Promise<void> {
    await this.stopSweeping?.();
    await this.sweep(true);
  }

  /**
   * Whether `address` must wait before it may present a token again (the seconds until then),
   * counting the attempt when it must.
   */
  blocked(address: string, what: string): number | null {
    const w = this.current(address);
    if (!w || this.deps.perMinute <= 0 || w.failures < this.deps.perMinute) return null;
    w.refused++;
    this.sample(w, what);
    return Math.max(1, Math.ceil((w.since + this.windowMs - this.deps.clock.now()) / 1000));
  }

  /** A token from `address` did not verify. */
  failed(address: string, what: string): void {
    let w = this.current(address);
    if (!w)
      this.windows.set(address, (w = { since: this.deps.clock.now(), failures: 0, refused: 0, samples: new Set() }));
    w.failures++;
    this.sample(w, what);
  }

  get limitPerMinute(): number {
    return this.deps.perMinute;
  }

  private current(address: string): Window | null {
    const w = this.windows.get(address);
    return w && this.deps.clock.now() < w.since + this.windowMs ? w : null;
  }

  private sample(w: Window, what: string): void {
    if (w.samples.size < SAMPLES) w.samples.add(what.slice(0, 200));
  }

  private async sweep(all = false): Promise<void> {
    const now = this.deps.clock.now();
    const ended = [...this.windows].filter(([, w]) => all || now >= w.since + this.windowMs);
    for (const [address] of ended) this.windows.delete(address);
    await Promise.all(ended.map(([address, w]) => this.report(address, w, Math.min(now, w.since + this.windowMs))));
  }

  private async report(address: string, w: Window, until: number): Promise<void> {
    const seconds = Math.round((until - w.since) / 1000);
    const refused = w.refused ? `; ${w.refused} more refused unverified (429)` : '';
    try {
      await this.deps.audit.record({
        who: PUBLIC,
        action: 'authentication failed',
        target: null,
        outcome: `401 ${w.failures} failed authentication${w.failures === 1 ? '' : 's'} from ${address} in ${seconds} s${refused}`,
        remote: address,
        detail: {
          failures: w.failures,
          refused: w.refused,
          from: new Date(w.since).toISOString(),
          to: new Date(until).toISOString(),
          requests: [...w.samples],
        },
      });
    } catch {
      // The trail has logged the entry it could not store.
    }
  }
}
