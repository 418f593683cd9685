import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { createLogger, type Logger } from '../../server/log.ts';

/** Lines kept per logger: the end of what happened before a failure. */
const KEPT = 400;
const buffers = new Map<string, string[]>();

/**
 * A logger whose lines are kept in memory (at TEST_LOG_LEVEL, default info) and printed when the
 * test that was running fails, so a failure in CI shows what the server was doing; silent otherwise.
 */
export function capturedLogger(name: string): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  buffers.set(name, lines);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      if (lines.length > KEPT) lines.splice(0, lines.length - KEPT);
      done();
    },
  });
  return { log: createLogger(process.env.TEST_LOG_LEVEL ?? 'info', sink), lines };
}

afterEach((ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  for (const [name, lines] of buffers) {
    if (lines.length) console.error(`--- the last ${lines.length} log lines of ${name} ---\n${lines.join('\n')}`);
  }
});
