import type { BenchPlan } from './demand.ts';

/** One way of deciding flight plans, fed the same demand as the others. */
export interface Approach {
  name: string;
  /** Accepted: the plan now holds its airspace. */
  decide(p: BenchPlan): Promise<boolean>;
  /** What the approach needs before the clock starts (soramichi: the plans' drones registered). */
  prepare?(plans: readonly BenchPlan[]): Promise<void>;
  /** Retries the approach needed (serialization failures), if it retries, and how many it gave up on. */
  retries?(): string;
  close(): Promise<void>;
}
