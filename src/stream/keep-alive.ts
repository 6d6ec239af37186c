/**
 * Sends a ping whenever the output has been silent for `intervalMs` and `ping()` may go out now;
 * one timer per silence, not one per chunk: output only records its time.
 */
export class KeepAlive {
  private lastOutput = performance.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  /** `ping` returns false when a ping may not go out yet (nothing sent, or mid-event). 0 = never ping. */
  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => boolean,
  ) {
    if (intervalMs > 0) this.timer = setTimeout(() => this.tick(), intervalMs);
  }

  sent(): void {
    this.lastOutput = performance.now();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const left = this.intervalMs - (performance.now() - this.lastOutput);
    if (left <= 0 && this.ping()) this.sent();
    this.timer = setTimeout(() => this.tick(), left > 0 ? left : this.intervalMs);
  }
}
