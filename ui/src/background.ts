/**
 * Work a page starts and does not wait for (a refresh, a click's request): a failure is reported
 * with what it was, never lost; the next refresh or click tries again.
 */
export function inBackground(what: string, work: Promise<unknown>): void {
  work.catch((err: unknown) => console.error(`${what} failed:`, err));
}
