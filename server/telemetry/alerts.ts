import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { Alert, AlertKind, SafeAction } from '../protocol/index.ts';
import {
  acknowledgeAlert,
  ALERTS_CHANNEL,
  closeAlerts,
  getAlert,
  listAlerts,
  openAlerts,
  openConditions,
  setAlertAction,
  type AlertFilter,
  type AlertNotice,
} from '../store/alerts.ts';
import type { Db } from '../store/db.ts';
import type { AlertEvents } from './alert-events.ts';
import { Batch } from '../store/batch.ts';
import { type Clock } from '../clock.ts';
import type { Background } from '../background.ts';

/** What a new alert says; the book gives it its id, times and dedupe. */
export interface AlertDraft {
  kind: AlertKind;
  droneId: string | null;
  planId: string | null;
  subjectId: string | null;
  message: string;
  lat: number | null;
  lon: number | null;
  altW84: number | null;
}

/** One alert per drone, kind and subject: the condition an open alert stands for. */
export function conditionOf(a: Pick<AlertDraft, 'kind' | 'droneId' | 'subjectId'>): string {
  return JSON.stringify([a.kind, a.droneId, a.subjectId]);
}

interface Tracked {
  kind: AlertKind;
  droneId: string | null;
  subjectId: string | null;
  planId: string | null;
  /** Null while it is being stored. */
  alert: Alert | null;
}

export interface AlertBookDeps {
  /** Where failures of work nobody awaits are reported. */
  background: Background;
  db: Db;
  events: AlertEvents;
  clock: Clock;
  log: Logger;
}

/**
 * The alerts, stored and announced: at most one open per condition (this instance knows which at
 * once; the database's unique index settles races between instances), closed when the
 * condition ends, acknowledged by a monitor. Each change is announced on AlertEvents once stored,
 * here and, through NOTIFY, on every other instance.
 */
export class AlertBook {
  /** This instance's name on the alerts channel, so it does not announce its own changes twice. */
  readonly origin = randomUUID();
  private readonly open = new Map<string, Tracked>();
  private readonly byDrone = new Map<string, Set<string>>();
  /** Changes to one condition happen one after the other. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private unlisten: (() => Promise<void>) | null = null;
  /** After stop nothing is stored: the database is about to close (a safe action may still come back late). */
  private stopped = false;
  /** Alerts opened and closed while one batch of samples is checked are stored in one statement each. */
  private readonly opening = new Batch((items: Array<{ alert: Alert; condition: string }>) =>
    openAlerts(this.deps.db, items, this.origin),
  );
  private readonly closing = new Batch(async (ids: string[]) => {
    const closed = new Map(
      (await closeAlerts(this.deps.db, ids, this.deps.clock.now(), this.origin)).map((a) => [a.id, a]),
    );
    return ids.map((id) => closed.get(id) ?? null);
  });

  constructor(private readonly deps: AlertBookDeps) {}

  /** Adopts the open alerts in the database and listens for the other instances' changes. */
  async start(): Promise<void> {
    this.unlisten = await this.deps.db.listen(ALERTS_CHANNEL, (payload) => this.heard(payload));
    for (const { condition, alert } of await openConditions(this.deps.db)) this.track(condition, alert);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.unlisten?.();
    this.unlisten = null;
    await Promise.allSettled([...this.queues.values()]);
  }

  isOpen(condition: string): boolean {
    return this.open.has(condition);
  }

  /** Conditions open for a drone. */
  openFor(
    droneId: string,
  ): Array<{ condition: string; kind: AlertKind; subjectId: string | null; planId: string | null }> {
    const keys = this.byDrone.get(droneId);
    if (!keys) return [];
    return [...keys].map((condition) => {
      const t = this.open.get(condition)!;
      return { condition, kind: t.kind, subjectId: t.subjectId, planId: t.planId };
    });
  }

  /** Open conditions matching a predicate (for a plan that ended, a zone that was lifted). */
  conditions(
    match: (t: { kind: AlertKind; droneId: string | null; subjectId: string | null; planId: string | null }) => boolean,
  ): string[] {
    return [...this.open].filter(([, t]) => match(t)).map(([c]) => c);
  }

  /**
   * Opens an alert unless its condition is open already; resolves with the new alert once
   * stored and announced, or null when there was nothing new.
   */
  raise(draft: AlertDraft, action: SafeAction): Promise<Alert | null> {
    const condition = conditionOf(draft);
    if (this.stopped || this.open.has(condition)) return Promise.resolve(null);
    const tracked: Tracked = { ...draft, alert: null };
    this.remember(condition, tracked);
    return this.enqueue(condition, async () => {
      const proposed: Alert = {
        id: randomUUID(),
        ...draft,
        openedAt: new Date(this.deps.clock.now()).toISOString(),
        closedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        action: action === 'notify' ? null : { kind: action, outcome: 'pending', detail: null },
      };
      let stored: { alert: Alert; created: boolean };
      try {
        stored = await this.opening.add({ alert: proposed, condition });
      } catch (err) {
        if (this.open.get(condition) === tracked) this.forget(condition);
        throw err;
      }
      tracked.alert = stored.alert;
      if (!stored.created) return null;
      this.deps.events.emit('alert', stored.alert);
      return stored.alert;
    });
  }

  /** Closes the condition's alert when one is open; resolves once it is stored and announced. */
  resolve(condition: string): Promise<void> {
    const tracked = this.open.get(condition);
    if (this.stopped || !tracked) return Promise.resolve();
    this.forget(condition);
    return this.enqueue(condition, async () => {
      if (!tracked.alert) return;
      const closed = await this.closing.add(tracked.alert.id);
      if (closed) this.deps.events.emit('alert', closed);
    });
  }

  async acknowledge(id: string, by: string): Promise<Alert | null> {
    const done = await acknowledgeAlert(this.deps.db, id, by, this.deps.clock.now(), this.origin);
    if (done?.changed) this.deps.events.emit('alert', done.alert);
    return done?.alert ?? null;
  }

  async recordAction(id: string, action: NonNullable<Alert['action']>): Promise<Alert | null> {
    if (this.stopped) return null;
    const alert = await setAlertAction(this.deps.db, id, action, this.deps.clock.now(), this.origin);
    if (alert) this.deps.events.emit('alert', alert);
    return alert;
  }

  list(filter: AlertFilter): Promise<Alert[]> {
    return listAlerts(this.deps.db, filter);
  }

  /** An alert; with `owner`, only if it is about one of that operator's plans. */
  get(id: string, owner?: string): Promise<Alert | null> {
    return getAlert(this.deps.db, id, owner);
  }

  private enqueue<T>(condition: string, work: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(condition) ?? Promise.resolve()).then(work, work);
    // The caller hears of a failure through `next`; the queue only needs to know it is over.
    const release = () => {
      if (this.queues.get(condition) === settled) this.queues.delete(condition);
    };
    const settled: Promise<void> = next.then(release, release);
    this.queues.set(condition, settled);
    return next;
  }

  private track(condition: string, alert: Alert): void {
    this.remember(condition, {
      kind: alert.kind,
      droneId: alert.droneId,
      subjectId: alert.subjectId,
      planId: alert.planId,
      alert,
    });
  }

  private remember(condition: string, tracked: Tracked): void {
    this.open.set(condition, tracked);
    if (tracked.droneId === null) return;
    let keys = this.byDrone.get(tracked.droneId);
    if (!keys) this.byDrone.set(tracked.droneId, (keys = new Set()));
    keys.add(condition);
  }

  private forget(condition: string): void {
    const tracked = this.open.get(condition);
    if (!tracked) return;
    this.open.delete(condition);
    if (tracked.droneId === null) return;
    const keys = this.byDrone.get(tracked.droneId);
    keys?.delete(condition);
    if (keys?.size === 0) this.byDrone.delete(tracked.droneId);
  }

  /** Another instance changed an alert: announce it here too, and follow its opening or closing. */
  private heard(payload: string): void {
    let notice: AlertNotice;
    try {
      notice = JSON.parse(payload) as AlertNotice;
    } catch (err) {
      this.deps.log.error({ err, payload }, 'malformed alert notice');
      return;
    }
    if (notice.origin === this.origin) return;
    getAlert(this.deps.db, notice.id)
      .then((alert) => {
        if (!alert) return;
        const condition = conditionOf(alert);
        const mine = this.open.get(condition);
        if (alert.closedAt !== null && mine?.alert?.id === alert.id) this.forget(condition);
        else if (alert.closedAt === null && !mine) this.track(condition, alert);
        this.deps.events.emit('alert', alert);
      })
      .catch(this.deps.background.failed('follow an alert change', { alertId: notice.id }));
  }
}
