import { z } from 'zod';
import type { Logger } from '../log.ts';
import {
  MAX_TELEMETRY_BATCH,
  TelemetrySample,
  type DroneState,
  type IdCollisionReport,
  type LinkReport,
  type TelemetryAck,
} from '../protocol/index.ts';
import type { Db } from '../store/db.ts';
import { listStates, setLink, storeBatch } from '../store/telemetry.ts';
import type { DroneEvents } from './events.ts';
import type { Clock, Timer } from '../clock.ts';
import type { Background } from '../background.ts';

/** The batch's envelope; each sample is then checked on its own so one bad sample does not sink the rest. */
const Envelope = z.object({ samples: z.array(z.unknown()).max(MAX_TELEMETRY_BATCH) });

export interface IngestDeps {
  /** Where failures of work nobody awaits are reported. */
  background: Background;
  db: Db;
  events: DroneEvents;
  /** A drone is stale this long after its newest sample arrived. */
  staleAfterMs: number;
  clock: Clock;
  log: Logger;
}

/**
 * The first step of the telemetry path on the server: batches from gateways are validated,
 * appended to the history without what is already stored (a sample is known by its gateway and
 * seq, so batches sent again or overlapping, in any order, store each sample once) and folded
 * into each drone's latest state in one statement; then the steps after (conformance, the live
 * map) hear of each new sample and of link changes.
 */
export class TelemetryIngest {
  private readonly latest = new Map<string, DroneState>();
  private timer: Timer | null = null;

  constructor(private readonly deps: IngestDeps) {}

  /** Loads the drones' last known states, so staleness and commands carry on across a restart. */
  async start(): Promise<void> {
    for (const s of await listStates(this.deps.db)) this.latest.set(s.droneId, s);
    this.timer = this.deps.clock.setInterval(
      () => this.deps.background.run('mark stale links', this.markStale()),
      1000,
    );
  }

  stop(): void {
    this.deps.clock.clear(this.timer);
    this.timer = null;
  }

  /** The drone's latest state as this instance knows it. */
  state(droneId: string): DroneState | undefined {
    return this.latest.get(droneId);
  }

  /** Stores a gateway's batch; samples of drones `carries` refuses are rejected, not stored. */
  async accept(gatewayId: string, batch: unknown, carries: (droneId: string) => boolean): Promise<TelemetryAck> {
    const envelope = Envelope.safeParse(batch);
    if (!envelope.success) {
      const message = `not a telemetry batch: ${envelope.error.issues[0]!.message}`;
      return { accepted: 0, duplicates: 0, rejected: [{ seq: null, message }] };
    }
    const rejected: TelemetryAck['rejected'] = [];
    const bySeq = new Map<number, TelemetrySample>();
    for (const raw of envelope.data.samples) {
      const parsed = TelemetrySample.safeParse(raw);
      if (parsed.success && !carries(parsed.data.droneId)) {
        rejected.push({
          seq: parsed.data.seq,
          message: `drone ${parsed.data.droneId} is not bound to this gateway's token`,
        });
        continue;
      }
      if (parsed.success) {
        if (!bySeq.has(parsed.data.seq)) bySeq.set(parsed.data.seq, parsed.data);
        continue;
      }
      const seq = (raw as { seq?: unknown } | null)?.seq;
      const issue = parsed.error.issues[0]!;
      rejected.push({
        seq: typeof seq === 'number' ? seq : null,
        message: `${issue.path.join('.')}: ${issue.message}`,
      });
    }
    const valid = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    if (rejected.length) this.deps.log.warn({ gatewayId, rejected: rejected.slice(0, 10) }, 'samples rejected');
    if (!valid.length) return { accepted: 0, duplicates: 0, rejected };

    const receivedAt = this.deps.clock.now();
    const received = new Date(receivedAt).toISOString();
    const newest = new Map<string, { seq: number; state: DroneState }>();
    for (const s of valid) {
      const prev = newest.get(s.droneId);
      if (!prev || Date.parse(prev.state.time) <= Date.parse(s.time))
        newest.set(s.droneId, { seq: s.seq, state: toState(s, gatewayId, received) });
    }
    const stored = await storeBatch(this.deps.db, {
      gatewayId,
      samples: valid,
      states: [...newest.values()],
      receivedAt,
    });
    const fresh = valid.filter((s) => stored.has(s.seq));

    for (const s of fresh) {
      const state = toState(s, gatewayId, received);
      const prev = this.latest.get(s.droneId);
      if (!prev || Date.parse(prev.time) <= Date.parse(s.time)) {
        this.latest.set(s.droneId, state);
        if (prev?.link !== 'live') this.linkChanged(s.droneId, gatewayId, 'live', receivedAt);
      }
      this.deps.events.emit('state', state);
    }
    return { accepted: fresh.length, duplicates: valid.length - fresh.length, rejected };
  }

  /** A gateway lost (or found again) a drone's heartbeat. */
  async report(gatewayId: string, report: LinkReport): Promise<void> {
    const state = this.latest.get(report.droneId);
    if (!state || state.gatewayId !== gatewayId || state.link === report.link) return;
    this.latest.set(report.droneId, { ...state, link: report.link });
    await setLink(this.deps.db, report.droneId, report.link);
    this.linkChanged(report.droneId, gatewayId, report.link, Date.parse(report.at));
  }

  /** A gateway found vehicles sharing one MAVLink id on one of its links, or that it ended. */
  collision(gatewayId: string, report: IdCollisionReport): void {
    this.deps.log.warn({ gatewayId, ...report }, 'MAVLink id collision reported');
    this.deps.events.emit('collision', { gatewayId, report });
  }

  private linkChanged(droneId: string, gatewayId: string, link: DroneState['link'], at: number): void {
    this.deps.events.emit('link', { droneId, gatewayId, link, at });
  }

  private async markStale(): Promise<void> {
    const now = this.deps.clock.now();
    for (const [droneId, state] of this.latest) {
      if (state.link !== 'live' || now - Date.parse(state.receivedAt) <= this.deps.staleAfterMs) continue;
      this.latest.set(droneId, { ...state, link: 'stale' });
      try {
        await setLink(this.deps.db, droneId, 'stale');
      } catch (err) {
        this.deps.log.error({ err, droneId }, 'could not store a stale link');
      }
      this.linkChanged(droneId, state.gatewayId, 'stale', now);
    }
  }
}

function toState(s: TelemetrySample, gatewayId: string, receivedAt: string): DroneState {
  const { seq: _seq, ...rest } = s;
  return { ...rest, gatewayId, link: 'live', receivedAt };
}
