import type { AuditTrail } from '../audit/trail.ts';
import { system } from '../auth/principal.ts';
import type { Logger } from '../log.ts';
import type { Alert, AlertKind, CommandOutcome, SafeAction } from '../protocol/index.ts';
import type { AlertBook } from './alerts.ts';
import type { DroneCommands } from './commands.ts';

/** The safe action for each kind of alert. */
export type AlertPolicy = Readonly<Record<AlertKind, SafeAction>>;

type Outcome = NonNullable<Alert['action']>['outcome'];

/** A drone's answer as the alert records it. */
export function outcomeOf(o: CommandOutcome): Outcome {
  if (o.ok) return 'accepted';
  if (o.result === 'TIMEOUT' || o.result === 'GATEWAY_TIMEOUT') return 'timeout';
  return 'rejected';
}

/** Conformance monitoring, as the audit trail and the command path name it. */
const MONITORING = system('conformance');

/**
 * Sends an alert's safe action (RTL, LAND, LOITER) to its drone through the gateway that carries
 * it, as the REST API would, and records what came of it on the alert.
 */
export class SafeActions {
  constructor(
    private readonly deps: {
      policy: AlertPolicy;
      commands: DroneCommands;
      book: AlertBook;
      audit: AuditTrail;
      log: Logger;
    },
  ) {}

  actionFor(kind: AlertKind): SafeAction {
    return this.deps.policy[kind];
  }

  /** Carries out a new alert's pending action; resolves with the alert as finally recorded. */
  async take(alert: Alert): Promise<Alert | null> {
    const action = alert.action?.kind;
    if (!action || action === 'notify' || !alert.droneId) return alert;
    let outcome: Outcome;
    let detail: string;
    try {
      const answer = await this.deps.commands.send(alert.droneId, { type: action }, MONITORING);
      outcome = outcomeOf(answer);
      detail = `${answer.result}: ${answer.message}`;
    } catch (err) {
      outcome = 'failed';
      detail = err instanceof Error ? err.message : String(err);
    }
    this.deps.log.info(
      { alertId: alert.id, droneId: alert.droneId, kind: alert.kind, action, outcome, detail },
      'safe action',
    );
    await this.deps.audit
      .record({
        who: MONITORING,
        action: `command ${action}`,
        target: alert.droneId,
        outcome: `${outcome}: ${detail}`.slice(0, 500),
        remote: null,
        detail: { alertId: alert.id, alertKind: alert.kind },
      })
      // Logged by the trail; the alert still records what came of the action.
      .catch(() => undefined);
    return this.deps.book.recordAction(alert.id, { kind: action, outcome, detail });
  }
}
