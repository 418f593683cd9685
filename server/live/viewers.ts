import { createHash } from 'node:crypto';
import type { Namespace, Server } from 'socket.io';
import type { AirspaceEvents } from '../events.ts';
import { presentPlan } from '../flights/present.ts';
import type { Logger } from '../log.ts';
import type { Alert, DroneState, FlightPlan } from '../protocol/index.ts';
import {
  LIVE_CELL_RESOLUTION,
  LIVE_FRAME_INTERVAL_MS,
  LiveSubscribe,
  type DroneRow,
  type LiveClientEvents,
  type LiveServerEvents,
  type LiveSnapshot,
} from '../protocol/live.ts';
import type { AlertEvents } from '../telemetry/alert-events.ts';
import type { DroneEvents } from '../telemetry/events.ts';
import { DroneIndex } from './drone-index.ts';
import { droneRow } from './rows.ts';
import { Viewport } from './viewport.ts';

export interface ViewerNamespaceDeps {
  droneEvents: DroneEvents;
  airspaceEvents: AirspaceEvents;
  alertEvents: AlertEvents;
  /** The drones' last known states when the namespace opens; events keep them current after. */
  initialStates: readonly DroneState[];
  livePlans: () => Promise<FlightPlan[]>;
  openAlerts: () => Promise<Alert[]>;
  clock: () => number;
  log: Logger;
  frameIntervalMs?: number;
}

export interface ViewerHub {
  /** Viewers connected to this instance. */
  viewers(): number;
  /** Distinct viewports among them (each costs one frame per interval). */
  viewports(): number;
  stop(): void;
}

/** Viewers that watch the same cells: one socket.io room, one frame per interval for all. */
interface Group {
  viewport: Viewport;
  room: string;
  members: number;
}

/**
 * The `/live` namespace. Each viewer subscribes with the coarse cells of its viewport and is
 * answered with a snapshot; after that it gets, at most every frame interval, the drones that
 * changed inside those cells, sent volatile so a slow viewer loses stale frames rather than
 * queueing them. Plans, zones and alerts go to every viewer as events; link changes to the
 * viewers that see the drone.
 */
export function attachViewerNamespace(io: Server, deps: ViewerNamespaceDeps): ViewerHub {
  const nsp = io.of('/live') as Namespace<LiveClientEvents, LiveServerEvents>;
  const index = new DroneIndex(LIVE_CELL_RESOLUTION);
  for (const s of deps.initialStates) index.put(droneRow(s));
  const groups = new Map<string, Group>();

  // A frame goes out as soon as the interval since the last one allows: changes that arrive after
  // a quiet spell are not held back, and none waits longer than one interval.
  const interval = deps.frameIntervalMs ?? LIVE_FRAME_INTERVAL_MS;
  let lastFlush = -Infinity;
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, lastFlush + interval - performance.now()));
  };

  /** Drones changed since the last frame, each with the first cell it left meanwhile (a viewer there must see it go). */
  let changed = new Map<string, string | null>();

  const onState = (s: DroneState) => {
    const { left } = index.put(droneRow(s));
    changed.set(s.droneId, changed.get(s.droneId) ?? left);
    schedule();
  };
  const onLink = ({ droneId, link, at }: { droneId: string; link: DroneState['link']; at: number }) => {
    const cell = index.setLink(droneId, link);
    if (cell === null) return;
    for (const g of groups.values()) if (g.viewport.covers(cell)) nsp.to(g.room).emit('link', { droneId, link, at });
  };
  const onPlan = (plan: Parameters<typeof presentPlan>[0]) => nsp.emit('plan', presentPlan(plan));
  const onZone = ({ id, zone }: { id: string; zone: unknown }) => nsp.emit('zone', { id, removed: zone === null });
  const onAlert = (alert: Alert) => nsp.emit('alert', alert);
  deps.droneEvents.on('state', onState);
  deps.droneEvents.on('link', onLink);
  deps.airspaceEvents.on('plan', onPlan);
  deps.airspaceEvents.on('zone', onZone);
  deps.alertEvents.on('alert', onAlert);

  function flush(): void {
    timer = null;
    lastFlush = performance.now();
    if (!changed.size) return;
    const batch = changed;
    changed = new Map();
    if (!groups.size) return;
    const byCell = new Map<string, DroneRow[]>();
    const movers: Array<{ row: DroneRow; cell: string; left: string }> = [];
    for (const [id, left] of batch) {
      const { row, cell } = index.get(id)!;
      let rows = byCell.get(cell);
      if (!rows) byCell.set(cell, (rows = []));
      rows.push(row);
      if (left !== null) movers.push({ row, cell, left });
    }
    const now = deps.clock();
    for (const g of groups.values()) {
      const drones: DroneRow[] = [];
      for (const [cell, rows] of byCell) if (g.viewport.covers(cell)) for (const r of rows) drones.push(r);
      for (const m of movers) if (!g.viewport.covers(m.cell) && g.viewport.covers(m.left)) drones.push(m.row);
      if (drones.length) nsp.to(g.room).volatile.emit('frame', { now, drones });
    }
  }

  const join = (viewport: Viewport): Group => {
    let g = groups.get(viewport.key);
    if (!g) {
      const room = `viewport:${createHash('sha1').update(viewport.key).digest('base64url')}`;
      groups.set(viewport.key, (g = { viewport, room, members: 0 }));
    }
    g.members++;
    return g;
  };
  const leave = (g: Group) => {
    if (--g.members === 0) groups.delete(g.viewport.key);
  };

  nsp.on('connection', (socket) => {
    let group: Group | null = null;

    socket.on('subscribe', async (raw, ack) => {
      if (typeof ack !== 'function') return;
      const request = LiveSubscribe.safeParse(raw);
      if (!request.success) {
        const issue = request.error.issues[0]!;
        return ack({ error: `${issue.path.join('.') || 'subscribe'}: ${issue.message}` });
      }
      const viewport = Viewport.parse(request.data.cells, LIVE_CELL_RESOLUTION);
      if (typeof viewport === 'string') return ack({ error: `cells: ${viewport}` });

      const next = join(viewport);
      if (group) {
        void socket.leave(group.room);
        leave(group);
      }
      group = next;
      void socket.join(next.room);

      const snapshot: LiveSnapshot = { now: 0, drones: [] };
      if (request.data.full) {
        try {
          [snapshot.plans, snapshot.alerts] = await Promise.all([deps.livePlans(), deps.openAlerts()]);
        } catch (err) {
          deps.log.error({ err }, 'could not load the plans and alerts of a live snapshot');
          return ack({ error: 'the server could not load the live plans; try again' });
        }
      }
      // Taken after the await, so no frame sent in the meantime carries a newer drone than this.
      snapshot.now = deps.clock();
      snapshot.drones = index.within((cell) => viewport.covers(cell));
      ack(snapshot);
    });

    socket.on('disconnect', () => {
      if (group) leave(group);
      group = null;
    });
  });

  return {
    viewers: () => nsp.sockets.size,
    viewports: () => groups.size,
    stop() {
      if (timer) clearTimeout(timer);
      deps.droneEvents.off('state', onState);
      deps.droneEvents.off('link', onLink);
      deps.airspaceEvents.off('plan', onPlan);
      deps.airspaceEvents.off('zone', onZone);
      deps.alertEvents.off('alert', onAlert);
    },
  };
}
