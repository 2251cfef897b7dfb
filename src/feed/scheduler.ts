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
import { PollingWorker, forEachTenant } from '../workers/pollingWorker';

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

export class FeedScheduler extends PollingWorker {
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly deps: SchedulerDeps) {
    super({ name: 'feedScheduler', intervalMs: deps.intervalMs ?? 60_000, now: deps.now, logger: deps.logger });
  }

  /** One pass over every tenant (a build in progress finishes or fails cleanly before stop() returns). */
  protected async pass(): Promise<void> {
    await forEachTenant(
      { tenants: this.deps.tenants, logger: this.deps.logger, stopping: () => this.stopping, onTenant: () => this.touch(), what: 'feed scheduler' },
      (tenantId) => this.tenantPass(tenantId),
      (tenantId) => this.retryAt.set(tenantId, this.now().getTime() + (this.deps.retryAfterMs ?? 600_000))
    );
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
