/**
 * Builds each known tenant's feed when its daily slot is due. Every process runs this loop; the lease and the
 * slot-done mark in storage make exactly one of them build each slot, and a process that was down at build time
 * catches up on its first tick (the slot due now is still open). Each tick also finishes what a crash left undone.
 */
import type { Logger } from '../logger';
import type { LeaseStore } from '../storage/leaseStore';
import type { SettingsReader } from '../storage/settingsStore';
import type { TenantRegistry } from '../storage/tenantRegistry';
import type { BuildRequest, BuildResult } from './buildFeed';
import { scheduleAt } from './schedule';
import { IntervalPass } from '../intervalPass';

export interface SchedulerDeps {
  tenants: TenantRegistry;
  settings: SettingsReader;
  leases: LeaseStore;
  feed: {
    build(tenantId: string, request: BuildRequest): Promise<BuildResult>;
    transitions: { settle(tenantId: string): Promise<void> };
  };
  logger: Logger;
  /** How often to look; default a minute. */
  intervalMs?: number;
  /** After a failed build, wait this long before trying that tenant again; default 10 minutes. */
  retryAfterMs?: number;
  now?: () => Date;
}

export class FeedScheduler extends IntervalPass {
  private readonly retryAt = new Map<string, number>();
  private readonly now: () => Date;
  /** When a pass last began, moved on to a tenant or ended (for /readyz). */
  lastTickAt: number | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    super(deps.intervalMs ?? 60_000);
    this.now = deps.now ?? (() => new Date());
  }

  /** One pass over every tenant (a build in progress finishes or fails cleanly before stop() returns). */
  protected async pass(): Promise<void> {
    this.lastTickAt = Date.now();
    try {
      await this.tenantsPass();
    } finally {
      this.lastTickAt = Date.now();
    }
  }

  private async tenantsPass(): Promise<void> {
    let tenants: string[];
    try {
      tenants = await this.deps.tenants.list();
    } catch (error) {
      this.deps.logger.error('feed scheduler: cannot list tenants', { error: (error as Error).message });
      return;
    }
    for (const tenantId of tenants) {
      if (this.stopping) return;
      this.lastTickAt = Date.now();
      await this.tenantPass(tenantId).catch((error: Error) => {
        this.retryAt.set(tenantId, this.now().getTime() + (this.deps.retryAfterMs ?? 600_000));
        this.deps.logger.error('feed scheduler: tenant pass failed', { tenantId, error: error.message });
      });
    }
  }

  private async tenantPass(tenantId: string): Promise<void> {
    if ((this.retryAt.get(tenantId) ?? 0) > this.now().getTime()) return;
    const settings = await this.deps.settings.get(tenantId);
    const { slot } = scheduleAt(this.now(), { time: settings.buildTime, timeZone: settings.timeZone });
    if (await this.deps.leases.isSlotDone(tenantId, slot)) {
      await this.deps.feed.transitions.settle(tenantId);
      return;
    }
    const result = await this.deps.feed.build(tenantId, { slot, onlyIfSlotOpen: true });
    if (result.outcome === 'failed') this.retryAt.set(tenantId, this.now().getTime() + (this.deps.retryAfterMs ?? 600_000));
  }
}
