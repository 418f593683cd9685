import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { purgeSamplesBefore } from '../store/telemetry-history.ts';
import { type Clock } from '../clock.ts';

/** Samples deleted per transaction. */
const BATCH = 10_000;

export interface RetentionDeps {
  db: Db;
  /** Telemetry older than this is deleted. */
  retentionMs: number;
  clock: Clock;
  log: Logger;
}

/** Deletes the telemetry history older than the retention period, in short batches; returns how many samples went. */
export async function purgeTelemetry(deps: RetentionDeps): Promise<number> {
  const before = deps.clock.now() - deps.retentionMs;
  let total = 0;
  for (;;) {
    const n = await purgeSamplesBefore(deps.db, before, BATCH);
    total += n;
    if (n < BATCH) break;
  }
  if (total > 0) deps.log.info({ purged: total, before: new Date(before).toISOString() }, 'telemetry history purged');
  return total;
}
