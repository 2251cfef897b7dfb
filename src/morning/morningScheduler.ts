/**
 * Each person's morning (domain/morning.ts): approval reminders and the digest, at 08:00 in the person's own time
 * zone on working days. Scheduled like the feed and privacy passes (PollingWorker): every process looks once a
 * minute; a per-tenant lease keeps two processes from doing the same tenant's work at once, a "slot done" mark per
 * person and morning (written when something was sent) makes the next look cheap, and every notice is keyed by person and date in the outbox, so a
 * restart or a second instance never sends anything twice. The clock is injected (tests, and a test clock file
 * outside production).
 */
import { randomUUID } from 'node:crypto';
import { approvalData } from '../bot/approvalViews';
import { approvalThread } from '../domain/approval';
import type { Job } from '../domain/job';
import {
  adminsOf, daysWaiting, digestKey, morningAt, previousMorning, reminderAudience, reminderKey, reminderRecipients, timeZoneOf, wantsDigest,
  type Morning
} from '../domain/morning';
import { roleOf, type Person, type TenantSettings } from '../domain/settings';
import type { FeedService } from '../feed/feedService';
import type { Logger } from '../logger';
import { APPROVAL_KINDS } from '../bot/approvalNotices';
import type { Notifier } from '../notifications/notifier';
import type { ConversationStore } from '../storage/conversationStore';
import type { ExportInbox } from '../storage/exportInbox';
import type { JobStore } from '../storage/jobStore';
import type { LeaseStore } from '../storage/leaseStore';
import type { PreferenceStore } from '../storage/preferenceStore';
import type { SettingsReader } from '../storage/settingsStore';
import type { TenantRegistry } from '../storage/tenantRegistry';
import { PollingWorker, forEachTenant } from '../workers/pollingWorker';
import { DIGEST_KIND, digestFor, type TenantFacts } from './digest';
import type { Notice } from '../shared/types';

const LEASE_TTL_MS = 5 * 60_000;
/** The longest digest window: Friday 08:00 to Monday noon, with room for a DST change. */
const EXPORT_LOOKBACK_MS = 4 * 86_400_000;

export interface MorningSchedulerDeps {
  tenants: TenantRegistry;
  settings: SettingsReader;
  leases: LeaseStore;
  jobs: JobStore;
  conversations: ConversationStore;
  preferences: PreferenceStore;
  exportInbox: Pick<ExportInbox, 'doneSince'>;
  feed?: Pick<FeedService, 'status'>;
  notifier: Notifier;
  bootstrapAdmins: readonly string[];
  envAppliesTo?: (tenantId: string) => boolean;
  logger: Logger;
  now?: () => Date;
  intervalMs?: number;
}

export class MorningScheduler extends PollingWorker {
  private readonly holder = randomUUID();
  /** The morning rules' clock: MORNING_TEST_CLOCK_FILE moves it in tests; the worker's heartbeat stays on the process clock. */
  private readonly clock: () => Date;
  /** Mornings this process already finished (saves a storage read per person per minute). */
  private readonly done = new Set<string>();

  constructor(private readonly deps: MorningSchedulerDeps) {
    super({ name: 'morning', intervalMs: deps.intervalMs ?? 60_000, logger: deps.logger });
    this.clock = deps.now ?? (() => new Date());
  }

  protected async pass(): Promise<void> {
    await forEachTenant(
      { tenants: this.deps.tenants, logger: this.deps.logger, stopping: () => this.stopping, onTenant: () => this.touch(), what: 'morning scheduler' },
      (tenantId) => this.tenantPass(tenantId)
    );
  }

  /** One look at a tenant: everyone whose morning is under way and not done yet gets their reminders and digest. */
  async tenantPass(tenantId: string): Promise<number> {
    const now = this.clock();
    const settings = await this.deps.settings.get(tenantId);
    const bootstrap = (this.deps.envAppliesTo?.(tenantId) ?? true) ? this.deps.bootstrapAdmins : [];
    const due: Array<{ person: Person; timeZone: string; morning: Morning }> = [];
    for (const person of peopleOf(settings, bootstrap)) {
      const conversation = await this.deps.conversations.get(tenantId, person.aadObjectId);
      if (!conversation?.active) continue; // nobody to tell yet; their morning starts once they have the app
      const timeZone = timeZoneOf(conversation.timeZone, settings);
      const morning = morningAt(now, timeZone);
      if (!morning) continue;
      const slot = `morning:${person.aadObjectId}:${morning.date}`;
      if (this.done.has(`${tenantId}|${slot}`) || (await this.deps.leases.isSlotDone(tenantId, slot))) continue;
      due.push({ person, timeZone, morning });
    }
    if (due.length === 0) return 0;
    const lease = `morning:${tenantId}`;
    if (!(await this.deps.leases.tryAcquire(lease, this.holder, LEASE_TTL_MS))) return 0;
    try {
      const facts = await this.tenantFacts(tenantId, settings, now);
      let notices = 0;
      for (const { person, timeZone, morning } of due) {
        if (this.stopping) break;
        const slot = `morning:${person.aadObjectId}:${morning.date}`;
        const batch = await this.noticesFor(person, timeZone, morning, settings, bootstrap, facts, now);
        // A morning with nothing to send writes nothing: this process remembers it; another one recomputes it once.
        if (batch.length) {
          await this.deps.notifier.enqueue(batch);
          await this.deps.leases.markSlotDone(tenantId, { slot, doneAt: now.toISOString(), outcome: `${batch.length} notice(s)` });
        }
        if (this.done.size > 50_000) this.done.clear(); // only a cache: the slot marks in storage are the record
        this.done.add(`${tenantId}|${slot}`);
        notices += batch.length;
      }
      if (notices) this.deps.logger.info('morning: reminders and digests queued', { tenantId, people: due.length, notices });
      return notices;
    } finally {
      await this.deps.leases.release(lease, this.holder);
    }
  }

  private async noticesFor(
    person: Person, timeZone: string, morning: Morning, settings: TenantSettings, bootstrap: readonly string[], facts: TenantFacts, now: Date
  ): Promise<Notice[]> {
    const tenantId = settings.tenantId;
    const to = { kind: 'user' as const, aadObjectId: person.aadObjectId };
    const notices: Notice[] = facts.awaiting
      .filter((job) => reminderRecipients(job, settings, bootstrap, now).some((p) => p.aadObjectId === person.aadObjectId))
      .map((job) => ({
        tenantId,
        key: reminderKey(job, person.aadObjectId, morning.date),
        to,
        thread: approvalThread(job.id),
        message: { kind: APPROVAL_KINDS.requested, data: { ...reminderData(job, person, settings, bootstrap, now) } }
      }));
    const role = roleOf(settings, person.aadObjectId, bootstrap);
    const own = (await this.deps.preferences.get(tenantId, person.aadObjectId)).digest;
    if (wantsDigest(role, own, settings.morningDigest ?? true)) {
      const since = previousMorning(morning, timeZone).startsAt;
      const digest = digestFor({ aadObjectId: person.aadObjectId, role, timeZone }, morning, since, facts, settings, bootstrap, now);
      if (digest) notices.push({ tenantId, key: digestKey(tenantId, person.aadObjectId, morning.date), to, message: { kind: DIGEST_KIND, data: { ...digest } } });
    }
    return notices;
  }

  private async tenantFacts(tenantId: string, settings: TenantSettings, now: Date): Promise<TenantFacts> {
    const awaiting: Job[] = [];
    for await (const job of this.deps.jobs.streamTenant(tenantId, { states: ['awaiting_approval'] })) awaiting.push(job);
    const exports = await this.deps.exportInbox.doneSince(tenantId, new Date(now.getTime() - EXPORT_LOOKBACK_MS));
    return { awaiting, exports, feed: settings.postingChannel === 'api' ? undefined : await this.feedFacts(tenantId) };
  }

  private async feedFacts(tenantId: string): Promise<TenantFacts['feed']> {
    if (!this.deps.feed) return undefined;
    const status = await this.deps.feed.status(tenantId);
    const heldBack = await Promise.all(
      status.heldBack.slice(0, 10).map(async (held) => ({ ...held, title: (await this.deps.jobs.get(tenantId, held.jobId))?.title ?? held.jobId }))
    );
    return { builtAt: status.lastBuild?.builtAt, lastReadAt: status.lastDownload?.at, heldBack, heldBackTotal: status.heldBackTotal };
  }
}

/** Recruiters and admins: the people a morning can concern (hiring managers only ever ask for reminders). */
function peopleOf(settings: TenantSettings, bootstrap: readonly string[]): Person[] {
  const people = [...settings.recruiters];
  for (const admin of adminsOf(settings, bootstrap)) if (!people.some((p) => p.aadObjectId === admin.aadObjectId)) people.push(admin);
  return people;
}

function reminderData(job: Job, person: Person, settings: TenantSettings, bootstrap: readonly string[], now: Date) {
  const escalated = reminderAudience(job, now) === 'approvers_and_admins' &&
    !settings.recruiters.some((p) => p.aadObjectId === person.aadObjectId) &&
    settings.recruiters.length > 0 &&
    adminsOf(settings, bootstrap).some((p) => p.aadObjectId === person.aadObjectId);
  return { ...approvalData(job), reminder: { days: daysWaiting(job, now), ...(escalated ? { escalated: true } : {}) }, timeZone: settings.timeZone };
}
