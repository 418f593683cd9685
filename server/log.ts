import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * What a log line never carries, wherever it appears in a logged object: credentials and the
 * personal data of plans. Each component logs through a child of one logger (`component`), and a
 * request or a telemetry batch adds its own id, so a line can be traced to what caused it.
 */
export const REDACTED_PATHS = [
  'authorization',
  'token',
  'contact',
  'pilot',
  '*.authorization',
  '*.token',
  '*.contact',
  '*.pilot',
  'headers.authorization',
  '*.headers.authorization',
  '*.*.contact',
  '*.*.pilot',
];

/** Structured logs (JSON lines) on stdout, or on `destination`. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'soramichi' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
