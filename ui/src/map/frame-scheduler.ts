/**
 * Draws at most once per animation frame, whatever woke it, and never more than half the time:
 * where the map is rendered in software a frame can take half a second, and the page must still
 * answer clicks in between.
 */
export class FrameScheduler {
  private scheduled = false;
  private startedAt = 0;
  private costMs = 0;

  constructor(private readonly draw: () => void) {}

  /** Asks for a frame; any number of calls before it comes make one. */
  readonly invalidate = (): void => {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.startedAt + 2 * this.costMs - performance.now();
    if (wait > 0) setTimeout(() => requestAnimationFrame(this.draw), wait);
    else requestAnimationFrame(this.draw);
  };

  /** The drawing function calls this first; returns the frame's start (performance.now()). */
  begin(): number {
    this.scheduled = false;
    const now = performance.now();
    this.startedAt = now;
    // The next frame comes once this one is on screen: the time between is what drawing costs.
    requestAnimationFrame(() => (this.costMs = performance.now() - now));
    return now;
  }
}
