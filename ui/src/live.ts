import { io, type Socket } from 'socket.io-client';
import { sessionToken } from './session.ts';
import type {
  LiveClientEvents,
  LiveFrame,
  LiveLink,
  LivePlan,
  LiveAlert,
  LiveServerEvents,
  LiveSnapshot,
  LiveZone,
} from '../../server/protocol/index.ts';

export type LiveStatus = 'connecting' | 'live' | 'offline';

export interface LiveHandlers {
  /** Everything in the viewport; `full` also carries every live plan and open alert (after a (re)connect). */
  snapshot(snapshot: LiveSnapshot, full: boolean): void;
  frame(frame: LiveFrame): void;
  link(link: LiveLink): void;
  plan(plan: LivePlan): void;
  zone(zone: LiveZone): void;
  alert(alert: LiveAlert): void;
  status(status: LiveStatus): void;
}

const SUBSCRIBE_TIMEOUT_MS = 10_000;
const RETRY_MS = 2_000;

/**
 * The page's end of the `/live` stream. socket.io reconnects by itself; on every connect the
 * client subscribes again with its viewport and takes the answer as a full snapshot, so whatever
 * happened while it was away (drones, plans, alerts) is caught up at once.
 */
export class LiveClient {
  private readonly socket: Socket<LiveServerEvents, LiveClientEvents>;
  private cells: string[] = [];
  /** Answers to older subscriptions are ignored: only the newest viewport counts. */
  private generation = 0;
  /** Until a full snapshot has arrived since the last connect, every subscription asks for one. */
  private needFull = true;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    baseUrl: string,
    private readonly handlers: LiveHandlers,
    token: string | null = sessionToken(),
  ) {
    this.socket = io(`${baseUrl}/live`, {
      transports: ['websocket'],
      reconnectionDelayMax: 5_000,
      ...(token ? { auth: { token } } : {}),
    });
    handlers.status('connecting');
    this.socket.on('connect', () => {
      this.needFull = true;
      this.subscribe();
    });
    this.socket.on('disconnect', () => handlers.status('offline'));
    this.socket.on('connect_error', () => handlers.status('offline'));
    this.socket.on('frame', (f) => handlers.frame(f));
    this.socket.on('link', (l) => handlers.link(l));
    this.socket.on('plan', (p) => handlers.plan(p));
    this.socket.on('zone', (z) => handlers.zone(z));
    this.socket.on('alert', (a) => handlers.alert(a));
  }

  /** Watch these coarse cells from now on (the map moved). */
  setViewport(cells: string[]): void {
    const same = cells.length === this.cells.length && cells.every((c, i) => c === this.cells[i]);
    this.cells = cells;
    if (!same && this.socket.connected) this.subscribe();
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.socket.close();
  }

  private subscribe(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const full = this.needFull;
    const generation = ++this.generation;
    this.socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit('subscribe', { cells: this.cells, full }, (err, answer) => {
      if (generation !== this.generation) return;
      if (err || 'error' in answer) {
        console.error('live subscription failed', err ?? answer);
        this.retry = setTimeout(() => this.socket.connected && this.subscribe(), RETRY_MS);
        return;
      }
      if (full) this.needFull = false;
      this.handlers.snapshot(answer, full);
      if (full) this.handlers.status('live');
    });
  }
}
