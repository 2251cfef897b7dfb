/**
 * The daily privacy duties, per tenant: delete candidates whose retention period ran out, and (with Recruiter System
 * Connect on) check LinkedIn's purge list and delete the members on it. Scheduled like the feed (feed/scheduler.ts):
 * every process looks once a minute; a per-tenant lease and a "slot done" mark per duty and day make one process do
 * each day's work, and a process that was down catches up at its first look. A failed purge check is retried every
 * 10 minutes; once no check has succeeded for 7 days the tenant's admins are told (once a week while it lasts).
 */
import { randomUUID } from 'node:crypto';
import { isExpired, isPurgeCheckStale, purgeCheckAgeDays, retentionMonthsOf } from '../domain/privacy';
import type { TenantSettings } from '../domain/settings';
import { scheduleAt } from '../feed/schedule';
import type { PurgedCandidatesApi } from '../linkedin/client';
import type { Logger } from '../logger';
import type { Notifier } from '../notifications/notifier';
import type { CandidateStore } from '../storage/candidateStore';
import type { LeaseStore } from '../storage/leaseStore';
import type { PrivacyStore } from '../storage/privacyStore';
import type { SettingsReader } from '../storage/settingsStore';
import type { TenantRegistry } from '../storage/tenantRegistry';
import type { CandidateRemoval } from './candidateRemoval';
import { PollingWorker, forEachTenant } from '../workers/pollingWorker';

/** Local time of the daily pass in the tenant's time zone: after the night's feed build. */
export const PRIVACY_PASS_TIME = '03:30';
const LEASE_TTL_MS = 15 * 60_000;

export interface PrivacySchedulerDeps {
  tenants: TenantRegistry;
  settings: SettingsReader;
  leases: LeaseStore;
  candidates: CandidateStore;
  removal: CandidateRemoval;
  privacy: PrivacyStore;
  linkedIn: PurgedCandidatesApi;
  notifier: Notifier;
  bootstrapAdmins: readonly string[];
  /** LINKEDIN_ORGANIZATION_ID: the organization when the tenant's settings name none. */
  defaultOrganizationId?: string;
  /** Whether the environment's settings (ADMIN_AAD_IDS, LINKEDIN_ORGANIZATION_ID) belong to this tenant; unset: every tenant. */
  envAppliesTo?: (tenantId: string) => boolean;
  logger: Logger;
  now?: () => Date;
  intervalMs?: number;
  retryAfterMs?: number;
}

export class PrivacyScheduler extends PollingWorker {
  private readonly retryAt = new Map<string, number>();
  private readonly holder = randomUUID();

  constructor(private readonly deps: PrivacySchedulerDeps) {
    super({ name: 'privacy', intervalMs: deps.intervalMs ?? 60_000, now: deps.now, logger: deps.logger });
  }

  protected async pass(): Promise<void> {
    await forEachTenant(
      { tenants: this.deps.tenants, logger: this.deps.logger, stopping: () => this.stopping, onTenant: () => this.touch(), what: 'privacy scheduler' },
      async (tenantId) => {
        if ((this.retryAt.get(tenantId) ?? 0) > this.now().getTime()) return;
        await this.tenantPass(tenantId);
      },
      (tenantId) => this.retryAt.set(tenantId, this.now().getTime() + (this.deps.retryAfterMs ?? 600_000))
    );
  }

  private async tenantPass(tenantId: string): Promise<void> {
    const settings = await this.deps.settings.get(tenantId);
    const { slot } = scheduleAt(this.now(), { time: PRIVACY_PASS_TIME, timeZone: settings.timeZone });
    const retentionSlot = `retention-${slot}`;
    const purgeSlot = `purge-${slot}`;
    const purging = await this.purgeApplies(tenantId, settings);
    const [retentionDone, purgeDone] = await Promise.all([
      this.deps.leases.isSlotDone(tenantId, retentionSlot),
      purging ? this.deps.leases.isSlotDone(tenantId, purgeSlot) : Promise.resolve(true)
    ]);
    if (retentionDone && purgeDone) return;
    const lease = `privacy:${tenantId}`;
    if (!(await this.deps.leases.tryAcquire(lease, this.holder, LEASE_TTL_MS))) return;
    try {
      if (!retentionDone && !(await this.deps.leases.isSlotDone(tenantId, retentionSlot))) {
        const removed = await this.applyRetention(tenantId, settings);
        await this.deps.leases.markSlotDone(tenantId, { slot: retentionSlot, doneAt: this.now().toISOString(), outcome: `removed ${removed}` });
      }
      if (!purgeDone && !(await this.deps.leases.isSlotDone(tenantId, purgeSlot))) {
        const removed = await this.checkPurgeList(tenantId, settings);
        if (removed !== undefined) await this.deps.leases.markSlotDone(tenantId, { slot: purgeSlot, doneAt: this.now().toISOString(), outcome: `removed ${removed}` });
      }
    } finally {
      await this.deps.leases.release(lease, this.holder);
    }
  }

  /** Deletes the tenant's candidates whose last activity is older than the retention period; returns how many. */
  async applyRetention(tenantId: string, settings: TenantSettings): Promise<number> {
    const months = retentionMonthsOf(settings.candidateRetentionMonths);
    const now = this.now();
    const expired = (await this.deps.candidates.list(tenantId)).filter((candidate) => isExpired(candidate, months, now)).map((candidate) => candidate.id);
    if (expired.length === 0) return 0;
    const result = await this.deps.removal.remove(tenantId, expired, { kind: 'retention', months }, 'system');
    return result.candidates;
  }

  private envApplies(tenantId: string): boolean {
    return this.deps.envAppliesTo?.(tenantId) ?? true;
  }

  private organizationOf(tenantId: string, settings: TenantSettings): string | undefined {
    return settings.rsc.organizationId ?? (this.envApplies(tenantId) ? this.deps.defaultOrganizationId : undefined);
  }

  /** RSC on: its status is enabled, or the tenant can fetch exports (credentials and an organization). */
  private async purgeApplies(tenantId: string, settings: TenantSettings): Promise<boolean> {
    if (settings.rsc.status === 'enabled') return true;
    if (!this.organizationOf(tenantId, settings)) return false;
    return (await this.deps.settings.linkedInCredentials(tenantId)) !== undefined;
  }

  /** Removes the members on LinkedIn's purge list; undefined when the check failed (retried later). */
  async checkPurgeList(tenantId: string, settings: TenantSettings): Promise<number | undefined> {
    const at = this.now();
    try {
      const credentials = await this.deps.settings.linkedInCredentials(tenantId);
      const organizationId = this.organizationOf(tenantId, settings);
      if (!credentials || !organizationId) throw new Error('LinkedIn is not set up for this tenant (client credentials and organization id)');
      const members = await this.deps.linkedIn.purgedExportedCandidates(credentials, organizationId);
      const ids: string[] = [];
      for (const memberUrn of members) {
        const candidate = await this.deps.candidates.findByIdentity(tenantId, { memberUrn });
        if (candidate) ids.push(candidate.id);
      }
      const result = ids.length ? await this.deps.removal.remove(tenantId, ids, { kind: 'purge' }, 'system') : { candidates: 0 };
      await this.deps.privacy.recordPurgeCheck(tenantId, at, { ok: true, removed: result.candidates });
      this.deps.logger.info('privacy: LinkedIn purge list checked', { tenantId, listed: members.length, removed: result.candidates });
      return result.candidates;
    } catch (error) {
      const reason = (error as Error).message;
      this.retryAt.set(tenantId, at.getTime() + (this.deps.retryAfterMs ?? 600_000));
      this.deps.logger.warn('privacy: LinkedIn purge list check failed, will retry', { tenantId, error: reason });
      await this.deps.privacy.recordPurgeCheck(tenantId, at, { ok: false, error: reason });
      await this.warnIfStale(tenantId, settings, at);
      return undefined;
    }
  }

  private async warnIfStale(tenantId: string, settings: TenantSettings, now: Date): Promise<void> {
    const state = await this.deps.privacy.purgeState(tenantId);
    if (!isPurgeCheckStale(state.lastSuccessAt, state.firstAttemptAt, now)) return;
    const days = purgeCheckAgeDays(state.lastSuccessAt, state.firstAttemptAt, now);
    const since = (state.lastSuccessAt ?? state.firstAttemptAt ?? '').slice(0, 10);
    const week = Math.floor(days / 7);
    const envAdmins = this.envApplies(tenantId) ? this.deps.bootstrapAdmins : [];
    const admins = [...new Set([...envAdmins, ...settings.admins.map((admin) => admin.aadObjectId)])];
    await this.deps.notifier.enqueue(
      admins.map((aadObjectId) => ({
        tenantId,
        key: `purge-stale:${since}:${week}:${aadObjectId}`,
        to: { kind: 'user' as const, aadObjectId },
        message: {
          kind: 'notice',
          data: { key: state.lastSuccessAt ? 'privacy.purgeStale' : 'privacy.purgeNever', params: { days, error: state.lastError ?? '' }, tone: 'attention' }
        }
      }))
    );
  }
}
