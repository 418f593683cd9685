import { createHash } from 'node:crypto';
import type { Namespace, Server } from 'socket.io';
import { can, maySeePlan } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AirspaceEvents } from '../events.ts';
import { presentAnonymous, presentPlan } from '../flights/present.ts';
import type { Logger } from '../log.ts';
import type { Alert, DroneState } from '../protocol/index.ts';
import type { PlanRecord } from '../store/plans.ts';
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
import { socketPrincipal, type SocketAuthenticator } from './socket-auth.ts';
import { Viewport } from './viewport.ts';
import { type Clock } from '../clock.ts';
import { LIMITS } from '../limits.ts';
import { Bucket } from './bucket.ts';
import type { Background } from '../background.ts';

export interface ViewerNamespaceDeps {
  /** Where failures of work nobody awaits are reported. */
  background: Background;
  droneEvents: DroneEvents;
  airspaceEvents: AirspaceEvents;
  alertEvents: AlertEvents;
  /** The drones' last known states when the namespace opens; events keep them current after. */
  initialStates: readonly DroneState[];
  livePlans: () => Promise<PlanRecord[]>;
  /** Open alerts; with `owner`, those on that operator's plans. */
  openAlerts: (owner?: string) => Promise<Alert[]>;
  /** The operator who filed a plan, for routing its alerts. */
  planOwner: (planId: string) => Promise<string | null>;
  authenticate: SocketAuthenticator;
  clock: Clock;
  log: Logger;
  frameIntervalMs?: number;
  /**
   * Whether other instances share this one's sockets (the cluster adapter): each then tells the
   * others what its own gateways reported, and every instance streams every drone to its viewers.
   */
  clustered: boolean;
}

/** What one instance tells the others on `/live` (server-side events through the cluster adapter). */
interface PeerEvents {
  drones: (rows: DroneRow[]) => void;
  link: (link: LinkChange) => void;
}

interface LinkChange {
  droneId: string;
  link: DroneState['link'];
  at: number;
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

/** Viewers who see every plan and alert whole (monitors, administrators). */
const ALL = 'audience:all';
/** Everyone else: others' plans as anonymous airspace, no alerts. */
const ANONYMOUS = 'audience:anonymous';
/** An operator's own plans and alerts, whole. */
const operatorRoom = (subject: string) => `operator:${subject}`;

/**
 * The `/live` namespace. Each viewer subscribes with the coarse cells of its viewport and is
 * answered with a snapshot; after that it gets, at most every frame interval, the drones that
 * changed inside those cells, sent volatile so a slow viewer loses stale frames rather than
 * queueing them. Plans, zones and alerts go to viewers as events, each as the viewer may see it:
 * whole to monitors, administrators and the plan's operator, anonymous to the rest; link changes
 * go to the viewers that see the drone.
 */
export function attachViewerNamespace(io: Server, deps: ViewerNamespaceDeps): ViewerHub {
  const nsp = io.of('/live') as Namespace<LiveClientEvents, LiveServerEvents, PeerEvents>;
  // Every instance hears every change and streams it to its own viewers: a broadcast through
  // the adapter would reach each viewer once per instance.
  const out = nsp.local;
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
  /** Of those, the newest row of each drone this instance's own gateways reported, for the other instances. */
  let reported = new Map<string, DroneRow>();

  const onRow = (row: DroneRow) => {
    const { left } = index.put(row);
    changed.set(row[0], changed.get(row[0]) ?? left);
    schedule();
  };
  const onState = (s: DroneState) => {
    const row = droneRow(s);
    if (deps.clustered) reported.set(row[0], row);
    onRow(row);
  };
  const showLink = ({ droneId, link, at }: LinkChange) => {
    const cell = index.setLink(droneId, link);
    if (cell === null) return;
    for (const g of groups.values()) if (g.viewport.covers(cell)) out.to(g.room).emit('link', { droneId, link, at });
  };
  const onLink = (change: LinkChange) => {
    showLink(change);
    const { droneId, link, at } = change;
    if (deps.clustered) nsp.serverSideEmit('link', { droneId, link, at });
  };
  if (deps.clustered) {
    nsp.on('drones', (rows) => {
      if (Array.isArray(rows)) for (const row of rows) onRow(row);
    });
    nsp.on('link', showLink);
  }
  const onPlan = (plan: PlanRecord) => {
    const own = operatorRoom(plan.owner);
    out.to(ALL).to(own).emit('plan', presentPlan(plan));
    out.to(ANONYMOUS).except(own).emit('plan', presentAnonymous(plan));
  };
  const onZone = ({ id, zone }: { id: string; zone: unknown }) => out.emit('zone', { id, removed: zone === null });
  const onAlert = (alert: Alert) => {
    out.to(ALL).emit('alert', alert);
    if (!alert.planId) return;
    deps
      .planOwner(alert.planId)
      .then((owner) => {
        if (owner) out.to(operatorRoom(owner)).except(ALL).emit('alert', alert);
      })
      .catch(deps.background.failed('route an alert to its operator', { alertId: alert.id }));
  };
  deps.droneEvents.on('state', onState);
  deps.droneEvents.on('link', onLink);
  deps.airspaceEvents.on('plan', onPlan);
  deps.airspaceEvents.on('zone', onZone);
  deps.alertEvents.on('alert', onAlert);

  function flush(): void {
    timer = null;
    lastFlush = performance.now();
    if (reported.size) {
      nsp.serverSideEmit('drones', [...reported.values()]);
      reported = new Map();
    }
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
    const now = deps.clock.now();
    for (const g of groups.values()) {
      const drones: DroneRow[] = [];
      for (const [cell, rows] of byCell) if (g.viewport.covers(cell)) for (const r of rows) drones.push(r);
      for (const m of movers) if (!g.viewport.covers(m.cell) && g.viewport.covers(m.left)) drones.push(m.row);
      if (drones.length) out.to(g.room).volatile.emit('frame', { now, drones });
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

  nsp.use(async (socket, next) => {
    const who = await socketPrincipal(deps.authenticate, socket);
    if (who instanceof Error) return next(who);
    socket.data.principal = who;
    next();
  });

  nsp.on('connection', (socket) => {
    let group: Group | null = null;
    const who = socket.data.principal as Principal;
    const all = can(who, 'sky:read-all');
    deps.background.run('join a room', socket.join(all ? ALL : ANONYMOUS));
    if (!all && can(who, 'plans:file')) deps.background.run('join a room', socket.join(operatorRoom(who.subject)));
    const { subscribeBurst, subscribesPerSecond, fullSnapshotCost } = LIMITS;
    const subscribes = new Bucket(deps.clock, subscribeBurst, subscribesPerSecond);

    socket.on('subscribe', async (raw, ack) => {
      if (typeof ack !== 'function') return;
      const request = LiveSubscribe.safeParse(raw);
      if (!request.success) {
        const issue = request.error.issues[0]!;
        return ack({ error: `${issue.path.join('.') || 'subscribe'}: ${issue.message}` });
      }
      const wait = subscribes.take(request.data.full ? fullSnapshotCost : 1);
      if (wait !== null) {
        return ack({
          error: `subscribe: at most ${subscribeBurst} at once and ${subscribesPerSecond} a second per socket (a full snapshot counts ${fullSnapshotCost}); retry in ${wait} s`,
        });
      }
      const viewport = Viewport.parse(request.data.cells, LIVE_CELL_RESOLUTION);
      if (typeof viewport === 'string') return ack({ error: `cells: ${viewport}` });

      const next = join(viewport);
      if (group) {
        deps.background.run('leave a room', socket.leave(group.room));
        leave(group);
      }
      group = next;
      deps.background.run('join a room', socket.join(next.room));

      const snapshot: LiveSnapshot = { now: 0, drones: [] };
      if (request.data.full) {
        try {
          const operator = can(who, 'plans:file') ? who.subject : null;
          const [plans, alerts] = await Promise.all([
            deps.livePlans(),
            all ? deps.openAlerts() : operator ? deps.openAlerts(operator) : Promise.resolve([]),
          ]);
          snapshot.plans = plans.map((p) => (maySeePlan(who, p.owner) ? presentPlan(p) : presentAnonymous(p)));
          snapshot.alerts = alerts;
        } catch (err) {
          deps.log.error({ err }, 'could not load the plans and alerts of a live snapshot');
          return ack({ error: 'the server could not load the live plans; try again' });
        }
      }
      // Taken after the await, so no frame sent in the meantime carries a newer drone than this.
      snapshot.now = deps.clock.now();
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
