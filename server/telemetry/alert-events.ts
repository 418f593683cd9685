import { EventEmitter } from 'node:events';
import type { Alert } from '../protocol/alerts.ts';

/**
 * Where alerts are announced once stored: opened, updated (its safe action's outcome, an
 * acknowledgement) or closed. Conformance monitoring emits; the live map and operators listen.
 */
export interface AlertEventMap {
  alert: [Alert];
}

export class AlertEvents extends EventEmitter<AlertEventMap> {}
