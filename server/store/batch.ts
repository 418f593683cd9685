/**
 * Gathers the calls made in one turn of the event loop and runs them as one statement: a
 * gateway's batch of samples can open ten alerts at once, thirty concurrent requests append
 * thirty audit entries, and as many round trips queued on one connection delay the last by all
 * the others.
 */
export class Batch<T, R> {
  private items: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  /** `run` answers each item, in order. */
  constructor(private readonly run: (items: T[]) => Promise<R[]>) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.items.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After the microtasks of the current event: every call the event started has queued by then.
      setImmediate(() => this.flush());
    });
  }

  /** Every item hears the outcome: its result, or the statement's failure. */
  private flush(): void {
    const items = this.items;
    this.items = [];
    this.scheduled = false;
    this.run(items.map((i) => i.item)).then(
      (results) => items.forEach((i, k) => i.resolve(results[k]!)),
      (err: unknown) => items.forEach((i) => i.reject(err)),
    );
  }
}
