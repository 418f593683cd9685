import type { EventEmitter } from 'node:events';

export interface LinkEvents {
  /** Bytes from a peer: the serial line itself, or a UDP address. */
  data: [chunk: Buffer, peer: string];
  /** A fault the link recovers from on its own (a serial port unplugged, a send refused). */
  fault: [err: Error];
}

/** A byte transport to drones: a serial port, a UDP listener or a UDP client. */
export interface Link extends EventEmitter<LinkEvents> {
  readonly name: string;
  /** Each chunk is a whole datagram: a frame usually ends with it, but a bridge may have cut one. */
  readonly datagrams: boolean;
  /** Sends to one peer, or to every peer the link knows of. */
  send(bytes: Buffer, peer?: string): void;
  open(): Promise<void>;
  close(): Promise<void>;
}
