import type { Alert } from '../protocol/alerts.ts';
import type { AlertEvents } from '../telemetry/alert-events.ts';

/**
 * The open alerts this instance has heard of, newest last, for the snapshot a viewer gets when it
 * connects. Bounded: a flood of alerts must not grow the server without limit.
 */
export class OpenAlerts {
  private readonly open = new Map<string, Alert>();
  private readonly listener = (alert: Alert) => this.heard(alert);

  constructor(
    private readonly events: AlertEvents,
    private readonly max = 10_000,
  ) {
    events.on('alert', this.listener);
  }

  list(): Alert[] {
    return [...this.open.values()];
  }

  stop(): void {
    this.events.off('alert', this.listener);
  }

  private heard(alert: Alert): void {
    this.open.delete(alert.id);
    if (alert.closedAt !== null) return;
    this.open.set(alert.id, alert);
    if (this.open.size > this.max) this.open.delete(this.open.keys().next().value!);
  }
}
