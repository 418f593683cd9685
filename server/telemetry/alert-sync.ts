import type { Background } from '../background.ts';
import type { AlertBook, AlertDraft } from './alerts.ts';
import type { Fix } from './conformance.ts';
import type { SafeActions } from './policy.ts';

/**
 * Monitoring's side of the alert book: opens an alert with its policy's safe action, closes one,
 * without making the check that found it wait; a failure is reported, never lost.
 */
export class AlertSync {
  constructor(private readonly deps: { book: AlertBook; actions: SafeActions; background: Background }) {}

  raise(draft: AlertDraft): void {
    const { book, actions, background } = this.deps;
    const action = actions.actionFor(draft.kind);
    book
      .raise(draft, action)
      .then((alert) => (alert?.action ? actions.take(alert) : null))
      .catch(background.failed('raise an alert', { alert: draft }));
  }

  resolve(condition: string): void {
    this.deps.book.resolve(condition).catch(this.deps.background.failed('close an alert', { condition }));
  }

  resolveWhere(match: Parameters<AlertBook['conditions']>[0]): void {
    for (const c of this.deps.book.conditions(match)) this.resolve(c);
  }
}

/** Where an alert stands: the drone's last fix, when there is one. */
export function position(fix: Fix | null): Pick<AlertDraft, 'lat' | 'lon' | 'altW84'> {
  return fix ? { lat: fix.lat, lon: fix.lon, altW84: fix.altW84 } : { lat: null, lon: null, altW84: null };
}
