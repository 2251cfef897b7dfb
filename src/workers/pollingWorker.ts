/**
 * The one background loop of the bot. A pass runs at start and then every `intervalMs`, in every process (storage
 * leases and ETags decide who does what). `wake()` never loses a wake-up: one that arrives during a pass makes
 * another pass run right after it. Overlapping triggers share the pass under way, the timer never keeps the process
 * alive, and `stop()` waits for the pass in progress.
 */
import type { Logger } from '../logger';

/** What /readyz and the composition root see of every background worker. */
export interface Worker {
  readonly name: string;
  readonly intervalMs: number;
  /** When a pass last began, made progress or ended (epoch ms, on the worker's clock). */
  readonly lastTickAt: number | undefined;
  start(): void;
  /** Resolves when the pass in progress ended; a worker with sends under way may wait up to `graceMs` for them. */
  stop(graceMs?: number): Promise<void>;
}

export interface PollingWorkerOptions {
  name: string;
  intervalMs: number;
  now?: () => Date;
  /** Where a pass that throws is reported (passes log their own failures; this is the last net). */
  logger?: Logger;
}

export abstract class PollingWorker implements Worker {
  readonly name: string;
  readonly intervalMs: number;
  lastTickAt: number | undefined;
  protected readonly now: () => Date;
  /** Set by stop(): a pass checks it between steps and ends early. */
  protected stopping = false;
  private started = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private readonly logger?: Logger;

  constructor(options: PollingWorkerOptions) {
    this.logger = options.logger;
    this.name = options.name;
    this.intervalMs = options.intervalMs;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.trigger();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Look now: runs a pass, or (during one) another right after it. Before start() it only marks one during a tick. */
  wake(): void {
    this.again = true;
    if (!this.running && this.started) this.trigger();
  }

  /** One pass now, shared with a pass under way (tests and tools call it without start()). */
  tick(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
      // A wake that came after the pass's last look and before this point found it still running: serve it now.
      if (this.again && this.started && !this.stopping) this.trigger();
    });
    return this.running;
  }

  /** Marks progress within a long pass, so /readyz does not take a busy worker for a stuck one. */
  protected touch(): void {
    this.lastTickAt = this.now().getTime();
  }

  /**
   * One pass. It may return how many milliseconds from now it wants the next one (something falls due sooner than
   * the interval); the interval is the longest wait.
   */
  protected abstract pass(): Promise<number | void>;

  /** A pass from the timer or a wake-up: nobody awaits it, so a pass that throws is logged here. */
  private trigger(): void {
    this.tick().catch((error: Error) => this.logger?.error(`${this.name}: pass failed`, { error: error.message }));
  }

  private async run(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    let nextInMs: number | void = undefined;
    try {
      do {
        this.again = false;
        this.touch();
        nextInMs = await this.pass();
      } while (this.again && !this.stopping);
    } finally {
      this.touch();
      this.schedule(typeof nextInMs === 'number' ? nextInMs : this.intervalMs);
    }
  }

  private schedule(inMs: number): void {
    if (!this.started || this.stopping) return;
    const delay = Math.max(0, Math.min(this.intervalMs, Number.isFinite(inMs) ? inMs : this.intervalMs));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.trigger();
    }, delay);
    this.timer.unref();
  }
}

export interface TenantLoopOptions {
  tenants: { list(): Promise<string[]> };
  logger: Logger;
  /** Ends the loop early (between tenants) when it turns true. */
  stopping: () => boolean;
  /** Called before each tenant (progress for /readyz). */
  onTenant?: () => void;
  /** Names the worker in log lines. */
  what: string;
  /** Log level for failures: 'error' unless the worker expects them to pass. */
  level?: 'error' | 'warn';
}

/**
 * The per-tenant loop every scheduler runs: lists the tenants, works them one by one, stops when asked, and logs a
 * failing tenant and goes on. `work` may return a value per tenant (collected in order); failed tenants give none.
 */
export async function forEachTenant<T>(options: TenantLoopOptions, work: (tenantId: string) => Promise<T>, onError?: (tenantId: string, error: Error) => void): Promise<T[]> {
  const level = options.level ?? 'error';
  let tenants: string[];
  try {
    tenants = await options.tenants.list();
  } catch (error) {
    options.logger[level](`${options.what}: cannot list tenants`, { error: (error as Error).message });
    return [];
  }
  const results: T[] = [];
  for (const tenantId of tenants) {
    if (options.stopping()) break;
    options.onTenant?.();
    try {
      results.push(await work(tenantId));
    } catch (error) {
      onError?.(tenantId, error as Error);
      options.logger[level](`${options.what}: tenant pass failed`, { tenantId, error: (error as Error).message });
    }
  }
  return results;
}
