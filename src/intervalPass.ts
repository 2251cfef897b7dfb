/**
 * A pass that runs at start (catch-up) and then every interval, in every process. Overlapping ticks share the pass
 * under way, the timer never keeps the process alive, and stop() waits for a pass in progress to finish.
 */
export abstract class IntervalPass {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Set by stop(): a pass checks it between tenants and ends early. */
  protected stopping = false;

  constructor(readonly intervalMs: number) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  protected abstract pass(): Promise<void>;
}
