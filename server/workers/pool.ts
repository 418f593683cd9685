import { Piscina } from 'piscina';

/**
 * Worker threads for CPU-heavy jobs, so that the event loop only parses, authorises, talks to the
 * database and answers. Each thread loads `handlers.ts` (through `worker.mjs`, which teaches it
 * TypeScript) with `setup` as its workerData; a job is a handler's name and a structured-clonable
 * input. Threads start on the first job, not with the server.
 */
export class WorkerPool {
  private readonly piscina: Piscina;

  constructor(options: { threads: number; setup: unknown }) {
    this.piscina = new Piscina({
      filename: new URL('./worker.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads: options.threads,
      // Once started, a thread stays: starting one (TypeScript, H3, the geoid) takes most of a second.
      idleTimeout: 2_147_483_647,
      workerData: options.setup,
    });
  }

  /** Runs a job; with `timeoutMs`, a job still running then is stopped (its thread is replaced) and rejects. */
  async run<I, O>(job: string, input: I, options: { timeoutMs?: number } = {}): Promise<O> {
    const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    try {
      return (await this.piscina.run({ job, input }, signal ? { signal } : {})) as O;
    } catch (err) {
      if (signal?.aborted) throw new JobTimeout(job, options.timeoutMs!);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.piscina.destroy();
  }
}

export class JobTimeout extends Error {
  constructor(
    readonly job: string,
    readonly timeoutMs: number,
  ) {
    super(`${job} took longer than ${timeoutMs / 1000} s`);
  }
}
