import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { Link, LinkEvents } from './link.ts';

/** Peers a listener remembers; beyond that the one heard from longest ago is forgotten. */
const MAX_PEERS = 1024;
/** A peer not heard from for this long no longer gets broadcasts. */
const PEER_TTL_MS = 30_000;

function bindSocket(socket: dgram.Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/**
 * Listens on a UDP port, as a ground station does on 14550: every address that sends to it is a
 * peer (a drone, a SITL, a ground control station), and replies go back to where it was heard.
 */
export class UdpListener extends EventEmitter<LinkEvents> implements Link {
  readonly datagrams = true;
  private readonly socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
  private closed = false;
  private readonly peers = new Map<string, { address: string; port: number; seen: number }>();

  constructor(
    readonly name: string,
    private readonly host: string,
    private readonly port: number,
    private readonly clock: () => number = Date.now,
  ) {
    super();
    this.socket.on('message', (msg, rinfo) => {
      const key = `${rinfo.address}:${rinfo.port}`;
      this.peers.delete(key);
      this.peers.set(key, { address: rinfo.address, port: rinfo.port, seen: this.clock() });
      if (this.peers.size > MAX_PEERS) this.peers.delete(this.peers.keys().next().value!);
      this.emit('data', msg, key);
    });
    this.socket.on('error', (err) => this.emit('fault', err));
  }

  /** The bound address: useful when listening on port 0. */
  address(): { address: string; port: number } {
    return this.socket.address();
  }

  open(): Promise<void> {
    return bindSocket(this.socket, this.port, this.host);
  }

  send(bytes: Buffer, peer?: string): void {
    if (this.closed) return;
    if (peer !== undefined) {
      const p = this.peers.get(peer);
      if (p) this.socket.send(bytes, p.port, p.address);
      return;
    }
    const since = this.clock() - PEER_TTL_MS;
    for (const p of this.peers.values()) if (p.seen >= since) this.socket.send(bytes, p.port, p.address);
  }

  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Sends to a given host:port and hears its answers, for a vehicle or SITL that waits to be
 * contacted (ArduPilot's --out udp:…, PX4's 14580) or a ground station to relay to.
 */
export class UdpClient extends EventEmitter<LinkEvents> implements Link {
  readonly datagrams = true;
  private readonly socket = dgram.createSocket('udp4');
  private readonly peer: string;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly host: string,
    private readonly port: number,
  ) {
    super();
    this.peer = `${host}:${port}`;
    this.socket.on('message', (msg) => this.emit('data', msg, this.peer));
    this.socket.on('error', (err) => this.emit('fault', err));
  }

  open(): Promise<void> {
    return bindSocket(this.socket, 0, '0.0.0.0');
  }

  send(bytes: Buffer): void {
    if (!this.closed) this.socket.send(bytes, this.port, this.host);
  }

  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
