/**
 * Steps per second between two step events, counted from the run's (or resume's) first step,
 * so the first rate after a resume is not step/elapsed, and time spent paused does not count.
 */
export class RateMeter {
  private clock = performance.now();

  constructor(private lastStep: number) {}

  /** Steps/s since the previous call (or the start), then restarts the interval at `step`. */
  rate(step: number): number {
    const now = performance.now();
    const r = ((step - this.lastStep) * 1000) / Math.max(1e-6, now - this.clock);
    this.clock = now;
    this.lastStep = step;
    return r;
  }

  /** Leaves `ms` of pause out of the current interval. */
  paused(ms: number): void {
    this.clock += ms;
  }
}
