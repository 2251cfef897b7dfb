/**
 * Works through the export inbox: fetch the candidate from LinkedIn, check it belongs to this tenant's organization,
 * store it, tell the right people. Any number of processes may run a worker on the same storage: items are claimed
 * with ETags (see storage/exportInbox.ts), and every step is idempotent, so a crash anywhere repeats work without
 * doubling it (candidate links are per event, notice keys are per event and recipient).
 */
import { isJobId, normalizeJobId, type Job } from '../domain/job';
import { LinkedInError, organizationUrn, type AtsIntegrationsApi, type ExportedCandidatesApi } from '../linkedin/client';
import { INTEGRATION_STATUS_EVENT_TYPE } from '../linkedin/push';
import type { Logger } from '../logger';
import { measure, traced } from '../telemetry';
import type { Notifier } from '../notifications/notifier';
import type { CandidateStore } from '../storage/candidateStore';
import type { DueExport, ExportInbox, Outcome, SettledExport } from '../storage/exportInbox';
import type { JobStore } from '../storage/jobStore';
import type { SettingsReader } from '../storage/settingsStore';
import { backoffMs } from '../workers/backoff';
import { PollingWorker } from '../workers/pollingWorker';
import { cardData, exportNotices, profileOf, recipientsFor, storedCardData, type ExportCardData } from './exportNotice';
import { reportedRscStatus, rscStatusNotices, storeRscStatus, tellAdmins } from './integrationStatus';

export interface ExportWorkerDeps {
  inbox: ExportInbox;
  candidates: CandidateStore;
  jobs: JobStore;
  settings: SettingsReader;
  linkedIn: ExportedCandidatesApi & AtsIntegrationsApi;
  notifier: Notifier;
  bootstrapAdmins: readonly string[];
  /** LINKEDIN_ORGANIZATION_ID: the organization when the tenant's settings name none. */
  defaultOrganizationId?: string;
  /** Whether the environment's settings (bootstrapAdmins, defaultOrganizationId) are this tenant's; absent: every tenant's. */
  envAppliesTo?: (tenantId: string) => boolean;
  logger: Logger;
  now: () => Date;
}

export interface ExportWorkerOptions {
  /** Tries before an event is parked as failed. */
  maxAttempts: number;
  /** First retry delay; doubles per try, with jitter (workers/backoff.ts), up to 15 minutes. */
  retryBaseMs: number;
  /** How often an idle worker looks for due items. */
  pollMs: number;
  /** Items worked on at once by this process. */
  concurrency?: number;
  /** How long a claim keeps other processes off an item (longer than two LinkedIn timeouts). */
  leaseMs?: number;
}

const MAX_BACKOFF_MS = 15 * 60_000;

export class ExportWorker extends PollingWorker {
  private readonly inFlight = new Set<Promise<void>>();
  /** The last look found nothing due: the next item to finish looks again (as does the poll or a wake). */
  private nothingDue = false;

  constructor(private readonly deps: ExportWorkerDeps, private readonly options: ExportWorkerOptions) {
    super({ name: 'exports', intervalMs: options.pollMs, now: deps.now, logger: deps.logger });
  }

  /** Stops claiming and waits for the items in hand. */
  override async stop(): Promise<void> {
    await super.stop();
    await Promise.all(this.inFlight);
  }

  private get lanes(): number {
    return this.options.concurrency ?? 16;
  }

  /**
   * Keeps up to `concurrency` items in hand: claims as many as there are free lanes (one query per batch, not per
   * item) and claims again once half the lanes are free; with nothing due it looks again at the next poll or wake-up.
   */
  protected async pass(): Promise<number | void> {
    const free = this.lanes - this.inFlight.size;
    if (free <= 0) return;
    let claimed = 0;
    try {
      const items = await this.deps.inbox.claimDue(free, this.options.leaseMs ?? 60_000);
      claimed = items.length;
      for (const item of items) {
        const work: Promise<void> = this.process(item).finally(() => this.finished(work));
        this.inFlight.add(work);
      }
    } catch (error) {
      this.deps.logger.warn('export worker: inbox unavailable', { error: (error as Error).message });
    }
    this.nothingDue = claimed === 0;
    if (claimed > 0 && this.inFlight.size <= this.lanes / 2) return 0;
  }

  private finished(work: Promise<void>): void {
    this.inFlight.delete(work);
    if (this.nothingDue || this.inFlight.size <= this.lanes / 2) this.wake();
  }

  /** Settles the item (or schedules a retry), tells people once it is settled as done, then removes the work item. */
  process(item: DueExport): Promise<void> {
    return traced('linkedin.export', { tenant: item.tenantId, 'linkedin.push_id': item.eventId, 'linkedin.attempt': item.attempts }, () => this.processItem(item));
  }

  private async processItem(item: DueExport): Promise<void> {
    const { inbox, notifier, logger } = this.deps;
    try {
      // A first attempt cannot have been settled before (a race with a replayed push ends at settle's create, at worst).
      const earlier = item.attempts > 1 ? await inbox.get(item.tenantId, item.eventId) : undefined;
      const settled = earlier ?? (await this.settle(item));
      if (!settled) return; // retry scheduled
      if (settled.status === 'done' && settled.card && settled.recipients) {
        await notifier.enqueue(exportNotices(item.tenantId, item.eventId, settled.recipients, settled.card as ExportCardData));
        measure.exportLag(item.tenantId, (this.deps.now().getTime() - Date.parse(item.receivedAt)) / 1000);
      }
      await inbox.remove(item);
    } catch (error) {
      // Storage or notifier trouble: the claim runs out and the item is tried again.
      logger.warn('export: could not finish, will retry', { tenantId: item.tenantId, pushId: item.eventId, error: (error as Error).message });
      await this.retryOrPark(item, (error as Error).message).catch(() => undefined);
    }
  }

  private async settle(item: DueExport): Promise<SettledExport | undefined> {
    let outcome: Outcome;
    try {
      outcome = this.expired(item) ?? (await this.work(item));
    } catch (error) {
      const retryable = !(error instanceof LinkedInError) || error.retryable;
      if (error instanceof LinkedInError) measure.linkedInError(item.tenantId, error.retryable);
      const reason = (error as Error).message;
      // LinkedIn's request may run out while this attempt was under way: that is why it ends, not the error.
      const expired = this.expired({ ...item, lastError: reason });
      if (!expired && retryable && item.attempts < this.options.maxAttempts) {
        await this.retryLater(item, reason, error instanceof LinkedInError ? error.retryAfterMs : undefined);
        return undefined;
      }
      outcome = expired ?? { status: 'failed', reason: retryable ? `gave up after ${item.attempts} tries: ${reason}` : reason };
    }
    const settled = await this.deps.inbox.settle(item, outcome);
    this.deps.logger[settled.status === 'done' ? 'info' : 'warn']('export settled', { tenantId: item.tenantId, pushId: item.eventId, status: settled.status, attempts: item.attempts, reason: settled.reason });
    return settled;
  }

  /** LinkedIn serves a request until its `expiresAt`: past it, the item is parked with that reason. */
  private expired(item: DueExport): Outcome | undefined {
    if (!item.expiresAt || this.deps.now().getTime() < Date.parse(item.expiresAt)) return undefined;
    const last = item.lastError ? ` (last error: ${item.lastError})` : '';
    return { status: 'expired', reason: `LinkedIn's request expired at ${item.expiresAt} before it could be fetched${last}` };
  }

  private async work(item: DueExport): Promise<Outcome> {
    const { settings: settingsReader, linkedIn, candidates, now } = this.deps;
    const settings = await settingsReader.get(item.tenantId);
    const credentials = await settingsReader.linkedInCredentials(item.tenantId);
    const fromEnv = this.deps.envAppliesTo?.(item.tenantId) ?? true;
    const organizationId = settings.rsc.organizationId ?? (fromEnv ? this.deps.defaultOrganizationId : undefined);
    if (!credentials || !organizationId) {
      throw new LinkedInError('LinkedIn is not set up for this tenant (client credentials and organization id)', true);
    }
    if (item.type === INTEGRATION_STATUS_EVENT_TYPE) {
      const reported = reportedRscStatus(await linkedIn.integrationStatus(credentials, item.requestId), organizationUrn(organizationId));
      if (!reported) return { status: 'rejected', reason: `atsIntegrations named no integration of ${organizationUrn(organizationId)}` };
      const envAdmins = fromEnv ? this.deps.bootstrapAdmins : [];
      if (reported.status) await storeRscStatus(settingsReader, item.tenantId, reported.status, envAdmins, now());
      await tellAdmins(this.deps.notifier, rscStatusNotices(item.tenantId, item.eventId, settings, envAdmins, reported));
      return { status: 'done', reason: `LinkedIn reports ${reported.reported}` };
    }
    const [exported] = await linkedIn.exportedCandidates(credentials, item.requestId);
    // The answer must name the organization this callback URL belongs to ("Retrieve exported candidates").
    const expected = organizationUrn(organizationId);
    if (exported.integrationContext !== expected) {
      return { status: 'rejected', reason: `integrationContext ${exported.integrationContext} is not ${expected}` };
    }
    const job = await this.jobFor(item.tenantId, exported.partnerJobId);
    const profile = profileOf(exported);
    const data = cardData(item.eventId, exported, profile, job, settings, item.receivedAt);
    const candidate = await candidates.recordExport(
      item.tenantId,
      profile,
      { eventId: item.eventId, jobId: job?.id ?? exported.partnerJobId, exportedAt: data.exportedAt, exportedBy: data.exporter || undefined },
      now()
    );
    return { status: 'done', card: storedCardData(data, item.tenantId, candidate.id), recipients: recipientsFor(job, settings, fromEnv ? this.deps.bootstrapAdmins : []) };
  }

  private async jobFor(tenantId: string, partnerJobId: string | undefined): Promise<Job | undefined> {
    if (!partnerJobId) return undefined;
    const id = normalizeJobId(partnerJobId);
    return isJobId(id) ? this.deps.jobs.get(tenantId, id) : undefined;
  }

  /** A settled export whose notices could not be queued is never parked: people must still be told. */
  private async retryOrPark(item: DueExport, reason: string): Promise<void> {
    const settled = await this.deps.inbox.get(item.tenantId, item.eventId);
    if (item.attempts < this.options.maxAttempts || settled?.status === 'done') return this.retryLater(item, reason);
    await this.deps.inbox.settle(item, { status: 'failed', reason: `gave up after ${item.attempts} tries: ${reason}` });
    await this.deps.inbox.remove(item);
  }

  private retryLater(item: DueExport, reason: string, retryAfterMs?: number): Promise<void> {
    const jittered = backoffMs(item.attempts - 1, { baseMs: this.options.retryBaseMs, maxMs: MAX_BACKOFF_MS });
    let at = this.deps.now().getTime() + Math.max(jittered, retryAfterMs ?? 0);
    // No point waiting past LinkedIn's expiry: the next look parks it as expired.
    if (item.expiresAt) at = Math.min(at, Math.max(Date.parse(item.expiresAt), this.deps.now().getTime()));
    this.deps.logger.warn('export: attempt failed, will retry', { tenantId: item.tenantId, pushId: item.eventId, attempt: item.attempts, inMs: Math.round(at - this.deps.now().getTime()), error: reason });
    return this.deps.inbox.retryLater(item, reason, new Date(at));
  }
}
