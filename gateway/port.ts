import { EventEmitter } from 'node:events';
import type { MavLinkData } from 'node-mavlink';
import type { GatewayClock } from './clock.ts';
import type { Link } from './links/link.ts';
import { Encoder, type Source } from './mavlink/codec.ts';
import { MavlinkFramer, newCounters, type Frame, type LinkCounters } from './mavlink/framer.ts';
import { Signer, Verifier, type SigningCounters } from './mavlink/signing.ts';

/** Framers kept for the peers of one link; the least recently heard is dropped first. */
export const MAX_FRAMERS = 1024;

export interface PortOptions {
  source: Source;
  /** A key signs what we send and checks what we receive; `require` refuses unsigned frames. */
  signing: { key: Buffer; require: boolean; linkId: number } | null;
  /** Whether this link takes part in relaying frames between links. */
  relay: boolean;
}

export interface PortStats extends LinkCounters {
  link: string;
  signing: SigningCounters;
}

/**
 * The MAVLink side of one link: a framer per peer (UDP datagrams from different drones must not
 * mix, and a frame a bridge split over two datagrams is joined again), the signing policy, and
 * our own outgoing sequence. Emits every frame it accepts.
 */
export class MavlinkPort extends EventEmitter<{ frame: [frame: Frame, peer: string] }> {
  readonly counters: LinkCounters = newCounters();
  readonly verifier: Verifier;
  readonly relay: boolean;
  /** Our own MAVLink identity on this link. */
  readonly source: Source;
  private readonly encoder: Encoder;
  private readonly framers = new Map<string, MavlinkFramer>();

  constructor(
    readonly link: Link,
    options: PortOptions,
    clock: Pick<GatewayClock, 'now'> = { now: Date.now },
  ) {
    super();
    const signing = options.signing;
    const now = () => clock.now();
    this.source = options.source;
    this.verifier = new Verifier({ key: signing?.key ?? null, require: signing?.require ?? false }, now);
    this.encoder = new Encoder(options.source, signing ? new Signer(signing.key, signing.linkId, now) : null);
    this.relay = options.relay;
    link.on('data', (chunk, peer) => this.receive(chunk, peer));
  }

  get name(): string {
    return this.link.name;
  }

  /** Peers with a framer of their own; bounded by MAX_FRAMERS. */
  get peers(): number {
    return this.framers.size;
  }

  /** Bytes held across all peers' framers: at most MAX_FRAME each (a frame waiting for its rest). */
  get pending(): number {
    let n = 0;
    for (const f of this.framers.values()) n += f.pending;
    return n;
  }

  receive(chunk: Buffer, peer: string): void {
    let framer = this.framers.get(peer);
    if (!framer) {
      framer = new MavlinkFramer(this.counters);
      this.framers.set(peer, framer);
      if (this.framers.size > MAX_FRAMERS) this.framers.delete(this.framers.keys().next().value!);
    }
    const onFrame = (frame: Frame) => {
      if (this.verifier.accept(frame)) this.emit('frame', frame, peer);
    };
    framer.push(chunk, onFrame);
    if (this.link.datagrams) framer.endOfDatagram(onFrame);
  }

  /**
   * Serialises (and signs, when the link has a key) a message of ours, to one peer or all;
   * as MAVLink 1 when the peer speaks only that and the message fits in it.
   */
  send(msg: MavLinkData, peer?: string, version: 1 | 2 = 2): void {
    this.link.send(this.encoder.encode(msg, version), peer);
  }

  /** Passes another link's frame on unchanged, signature and unknown message id included. */
  forward(bytes: Buffer): void {
    this.link.send(bytes);
  }

  stats(): PortStats {
    return { link: this.name, ...this.counters, signing: { ...this.verifier.counters } };
  }
}
