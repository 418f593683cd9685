import type { Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';
import {
  GatewayCommand,
  TelemetryAck,
  type CommandOutcome,
  type IdCollisionReport,
  type LinkReport,
  type TelemetryBatch,
  type TelemetrySample,
} from '../server/protocol/index.ts';
import type { Spool } from './spool.ts';

/** Ended collisions kept for the server while it is away; beyond that the operator closes the alert. */
const MAX_CLOSED_COLLISIONS = 256;

export interface UplinkOptions {
  /** The server, e.g. http://localhost:8080; the gateway talks to its /gateway namespace. */
  url: string;
  token: string;
  gatewayId: string;
  spool: Spool;
  batchSize: number;
  /** How long a sample may wait for others to fill a batch. */
  flushMs: number;
  ackTimeoutMs: number;
  /** Samples held in memory while connected before they go to the spool (a slow server). */
  memoryLimit: number;
  log: Logger;
  execute: (command: GatewayCommand) => Promise<CommandOutcome>;
  /** The link state of every identified drone, sent again on each (re)connection. */
  linkStates: () => LinkReport[];
  /** The MAVLink id collisions open now, sent again on each (re)connection. */
  collisions: () => IdCollisionReport[];
  /** Told of every batch the server acknowledged. */
  delivered?: (batch: Delivered) => void;
}

/** A batch the server acknowledged: how many samples, whether from the spool, and how many are still spooled. */
export interface Delivered {
  samples: number;
  replayed: boolean;
  spoolLeft: number;
}

export interface UplinkStats {
  connected: boolean;
  /** Samples not yet acknowledged by the server, in memory and spooled. */
  pending: number;
  /** Samples the server acknowledged as new, as duplicates, or refused. */
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Samples that went to disk because the server was away or slow. */
  spooled: number;
  /** Samples delivered from the spool. */
  replayed: number;
  spoolSize: number;
  spoolDropped: number;
  commands: number;
}

/**
 * Telemetry to the server over socket.io, in batches, one batch in flight at a time and in
 * sequence order. While connected and nothing is spooled, samples wait in memory; otherwise
 * they are appended to the spool, which is replayed first on reconnect. A batch stays where it
 * is until the server acknowledges it, so a lost connection resends it (the server drops what
 * it already has by gateway + seq): nothing is lost and nothing is stored twice.
 */
export class Uplink {
  readonly stats: Omit<UplinkStats, 'connected' | 'pending' | 'spoolSize' | 'spoolDropped'> = {
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    spooled: 0,
    replayed: 0,
    commands: 0,
  };
  private readonly socket: Socket;
  private memory: TelemetrySample[] = [];
  private inFlight = false;
  /** Bumped when in-flight batches must be forgotten (disconnect, spill): late acks are ignored. */
  private epoch = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Collisions that ended while the server was away: it still shows them open. */
  private closedCollisions: IdCollisionReport[] = [];
  private unreachableLogged = false;

  constructor(private readonly options: UplinkOptions) {
    const { url, token, gatewayId, log } = options;
    this.socket = io(`${url.replace(/\/$/, '')}/gateway`, {
      auth: { token, gatewayId },
      extraHeaders: { authorization: `Bearer ${token}` },
      transports: ['websocket'],
      reconnectionDelay: 250,
      reconnectionDelayMax: 2000,
      autoConnect: false,
      // Its own connection, never one shared with other clients of the same server in this process.
      forceNew: true,
    });
    this.socket.on('connect', () => {
      log.info({ server: url, spooled: options.spool.size }, 'connected to the server');
      this.unreachableLogged = false;
      for (const report of options.linkStates()) this.socket.emit('link', report);
      for (const report of this.closedCollisions.splice(0)) this.socket.emit('collision', report);
      for (const report of options.collisions()) this.socket.emit('collision', report);
      this.pump();
    });
    this.socket.on('disconnect', (reason) => {
      log.warn({ reason }, 'server connection lost; spooling');
      this.epoch++;
      this.inFlight = false;
      this.spill();
    });
    this.socket.on('connect_error', (err) => {
      if (!this.socket.active) {
        log.error({ err: err.message }, 'the server refused this gateway; not retrying');
      } else if (!this.unreachableLogged) {
        this.unreachableLogged = true;
        log.warn({ err: err.message, server: url }, 'server unreachable; spooling and retrying');
      }
    });
    this.socket.on('command', (raw: unknown, ack?: (outcome: unknown) => void) => this.command(raw, ack));
  }

  start(): void {
    this.socket.connect();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  push(sample: TelemetrySample): void {
    const spool = this.options.spool;
    if (!this.socket.connected || spool.size > 0) {
      spool.append(sample);
      this.stats.spooled++;
      this.pump();
      return;
    }
    this.memory.push(sample);
    if (this.memory.length > this.options.memoryLimit) this.spill();
    if (this.memory.length >= this.options.batchSize) this.pump();
    else this.flushTimer ??= setTimeout(() => this.pump(), this.options.flushMs);
  }

  reportLink(report: LinkReport): void {
    if (this.socket.connected) this.socket.emit('link', report);
  }

  reportCollision(report: IdCollisionReport): void {
    if (this.socket.connected) this.socket.emit('collision', report);
    else if (report.state === 'closed' && this.closedCollisions.length < MAX_CLOSED_COLLISIONS) {
      this.closedCollisions.push(report);
    }
  }

  snapshot(): UplinkStats {
    return {
      connected: this.socket.connected,
      pending: this.memory.length + this.options.spool.size,
      ...this.stats,
      spoolSize: this.options.spool.size,
      spoolDropped: this.options.spool.dropped,
    };
  }

  /** Keeps what the server has not acknowledged in the spool for the next start, and disconnects. */
  stop(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.epoch++;
    this.spill();
    this.socket.disconnect();
    this.options.spool.close();
  }

  /** Memory to the spool, behind what is already there (memory is only used while the spool is empty). */
  private spill(): void {
    if (!this.memory.length) return;
    this.epoch++;
    this.inFlight = false;
    for (const s of this.memory) this.options.spool.append(s);
    this.stats.spooled += this.memory.length;
    this.memory = [];
  }

  private pump(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.socket.connected || this.inFlight) return;
    const spool = this.options.spool;
    let samples: TelemetrySample[];
    let done: () => void;
    const replayed = spool.size > 0;
    if (replayed) {
      const batch = spool.peek(this.options.batchSize);
      if (batch.lines === 0) return;
      samples = batch.samples;
      done = () => {
        spool.commit(batch);
        this.stats.replayed += samples.length;
      };
    } else if (this.memory.length) {
      samples = this.memory.slice(0, this.options.batchSize);
      done = () => void this.memory.splice(0, samples.length);
    } else {
      return;
    }
    if (!samples.length) {
      done();
      return this.pump();
    }
    this.inFlight = true;
    const epoch = this.epoch;
    const batch: TelemetryBatch = { samples };
    this.socket.timeout(this.options.ackTimeoutMs).emit('telemetry', batch, (err: Error | null, raw: unknown) => {
      if (epoch !== this.epoch) return;
      this.inFlight = false;
      if (err) {
        this.options.log.warn({ samples: samples.length }, 'no acknowledgement from the server; sending again');
        return this.pump();
      }
      const ack = TelemetryAck.safeParse(raw);
      if (!ack.success) {
        this.options.log.error({ answer: raw, samples: samples.length }, 'the server refused a batch; dropping it');
      } else {
        this.stats.accepted += ack.data.accepted;
        this.stats.duplicates += ack.data.duplicates;
        this.stats.rejected += ack.data.rejected.length;
        if (ack.data.rejected.length)
          this.options.log.error({ rejected: ack.data.rejected }, 'the server rejected samples');
      }
      done();
      this.options.delivered?.({ samples: samples.length, replayed, spoolLeft: spool.size });
      this.pump();
    });
  }

  private command(raw: unknown, ack?: (outcome: unknown) => void): void {
    const parsed = GatewayCommand.safeParse(raw);
    if (!parsed.success) {
      this.options.log.error({ command: raw, issues: parsed.error.issues }, 'malformed command from the server');
      ack?.({ error: 'malformed command', issues: parsed.error.issues.map((i) => i.message) });
      return;
    }
    this.stats.commands++;
    this.options.execute(parsed.data).then(
      (outcome) => ack?.(outcome),
      (err: unknown) => {
        this.options.log.error({ err, command: parsed.data }, 'command failed');
        ack?.({ error: (err as Error).message });
      },
    );
  }
}
