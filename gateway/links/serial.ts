import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { Link, LinkEvents } from './link.ts';

/** Bytes queued for a port beyond which writes are dropped: a radio at 57,600 baud drains 5.7 kB/s. */
const MAX_QUEUED = 64 * 1024;
const REOPEN_MS = 1000;

/**
 * A serial port (a radio, a USB autopilot, a pty). Reopened every second after it fails or
 * disappears, so unplugging a radio is survived; a pty gives no close event, which is why the
 * vehicles' heartbeats, not this link, decide when a drone is lost.
 */
export class SerialLink extends EventEmitter<LinkEvents> implements Link {
  readonly datagrams = false;
  /** Writes dropped because the port was closed or its queue was full. */
  txDrops = 0;
  private port: SerialPort | null = null;
  private closing = false;
  private reopen: NodeJS.Timeout | null = null;

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly baudRate: number,
  ) {
    super();
  }

  async open(): Promise<void> {
    this.closing = false;
    await this.connect();
  }

  private connect(): Promise<void> {
    return new Promise((resolve) => {
      const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
      port.on('data', (chunk: Buffer) => this.emit('data', chunk, this.path));
      port.on('error', (err) => this.emit('fault', err));
      port.on('close', () => this.scheduleReopen());
      port.open((err) => {
        if (err) {
          this.emit('fault', err);
          this.scheduleReopen();
        } else {
          this.port = port;
        }
        resolve();
      });
    });
  }

  private scheduleReopen(): void {
    this.port = null;
    if (this.closing || this.reopen) return;
    this.reopen = setTimeout(() => {
      this.reopen = null;
      if (!this.closing) this.connect().catch((err: Error) => this.emit('fault', err));
    }, REOPEN_MS);
  }

  send(bytes: Buffer): void {
    const port = this.port;
    if (!port || !port.isOpen || port.writableLength > MAX_QUEUED) {
      this.txDrops++;
      return;
    }
    port.write(bytes);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.reopen) clearTimeout(this.reopen);
    this.reopen = null;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
