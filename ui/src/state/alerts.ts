import type { Alert } from '../../../server/protocol/index.ts';

/** Alerts as announced: an alert's later announcement (action outcome, closing) replaces the earlier. */
export class AlertStore {
  readonly alerts = new Map<string, Alert>();
  version = 0;

  put(alert: Alert): void {
    this.alerts.set(alert.id, alert);
    this.version++;
  }

  replace(alerts: readonly Alert[]): void {
    this.alerts.clear();
    for (const a of alerts) this.alerts.set(a.id, a);
    this.version++;
  }

  /** Open alerts, newest first. */
  open(): Alert[] {
    return [...this.alerts.values()]
      .filter((a) => a.closedAt === null)
      .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
  }

  forDrone(droneId: string): Alert[] {
    return [...this.alerts.values()].filter((a) => a.droneId === droneId);
  }
}
