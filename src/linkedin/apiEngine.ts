/**
 * The Job Posting API engine. The job row is the queue: the product side stores `api = queueApiOperation(…)` (state
 * `waiting`) and calls `wake(tenantId)`; the engine finds waiting jobs by their `apiState` column, sends them to
 * LinkedIn in batches of up to 100, follows each task until it is final, and keeps the status of open API jobs true.
 *
 * Exactly once per job version, across crashes and processes:
 * - one process works a tenant at a time (a lease, `api-engine:<tenant>`), and a job is only sent after its row was
 *   marked `sendingVersion = version` with its ETag, so of two processes with the same job in hand only one marks it;
 * - a version still marked (and not recorded as sent) when a pass finds it is "in doubt": a crash, a timeout or a 5xx
 *   came between LinkedIn's door and our record. It is never sent blindly again: once the follow-up delay has passed,
 *   LinkedIn's Job Posting Status API says whether LinkedIn has the job (domain `settleInDoubt`).
 * - a 429 or any other 4xx answer means LinkedIn took nothing: the mark is taken off and the version waits its turn.
 *
 * LinkedIn's throttles are a budget shared by every process in Table Storage (storage/apiBudgetStore.ts). Waits up to
 * `inPassWaitMs` are slept within the pass (the per-minute pace); longer ones end the pass, are written on the jobs
 * (`api.waitingUntil`, for the card) and a timer wakes the engine then.
 */
import { mapParallel } from '../parallel';
import { isJobId, type Job } from '../domain/job';
import { AppError } from '../domain/errors';
import {
  BATCH_MAX, afterBatchAnswer, afterStatus, afterTaskResult, delivered, engineFieldsCleared, isInDoubt, jobPostingElement,
  organizationIdOf, settleInDoubt, type ApiChange, type ElementContext
} from '../domain/jobPostingElements';
import type { ApiPostingState, ApiPostingWaker } from '../domain/jobPosting';
import type { Logger } from '../logger';
import { apiNotice } from './apiNotices';
import type { Notifier } from '../notifications/notifier';
import type { ApiBudget } from '../storage/apiBudgetStore';
import type { JobStore } from '../storage/jobStore';
import type { LeaseStore } from '../storage/leaseStore';
import type { LinkedInCredentials, SettingsReader } from '../storage/settingsStore';
import type { TenantRegistry } from '../storage/tenantRegistry';
import { PollingWorker, forEachTenant } from '../workers/pollingWorker';
import { LinkedInError } from './client';
import type { JobPostingApi, LinkedInStatus } from './jobPostingClient';

export interface ApiJobStore extends Pick<JobStore, 'get' | 'update'> {
  streamApiState(tenantId: string, states: readonly ApiPostingState[]): AsyncIterable<Job>;
  /** Up to 100 jobs of one tenant at once, each with its etag; undefined when any changed (then one by one). */
  updateBatch?(jobs: readonly Job[]): Promise<Job[] | undefined>;
}

export interface ApiEngineDeps {
  jobs: ApiJobStore;
  tenants: Pick<TenantRegistry, 'list'>;
  settings: SettingsReader;
  api: JobPostingApi;
  budget: ApiBudget;
  leases: LeaseStore;
  notifier: Pick<Notifier, 'enqueue'>;
  /** This process, as written in leases. */
  holder: string;
  logger: Logger;
  now: () => Date;
  /** Waits within a pass (tests pass one that moves their clock). */
  sleep?: (ms: number) => Promise<void>;
}

export interface ApiEngineOptions {
  /** How often an idle engine looks for work it was not woken for. */
  pollMs: number;
  /** First look at a task after sending (LinkedIn: about five minutes); also how long an in-doubt send waits. */
  followUpMs: number;
  /** A task still IN_PROGRESS is looked at again after this long. */
  recheckMs: number;
  /** Open API jobs' status is polled this often (at least daily). */
  statusPollMs: number;
  leaseMs?: number;
  /** Budget waits up to this long are slept within the pass; longer ones are written on the jobs. */
  inPassWaitMs?: number;
}

export type NotificationResult = 'updated' | 'unchanged' | 'unknown_job';

const PARALLEL_WRITES = 16;
/** A mark older than this when its batch may go out is written again, so the in-doubt wait counts from the call. */
const MARK_FRESH_MS = 30_000;
/** LinkedIn keeps a task for at least a day ("The task IDs returned will have a lifespan of 24 hours"). */
const TASK_LIFETIME_MS = 24 * 3600_000;

export class ApiPostingEngine extends PollingWorker implements ApiPostingWaker {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: ApiEngineDeps, private readonly options: ApiEngineOptions) {
    super({ name: 'linkedInApi', intervalMs: options.pollMs, now: deps.now, logger: deps.logger });
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
  }

  /** Returns when something next falls due (a budget wait, a task to look at), so the next pass comes then. */
  protected async pass(): Promise<number> {
    const next = await forEachTenant(
      { tenants: this.deps.tenants, logger: this.deps.logger, stopping: () => this.stopping, onTenant: () => this.touch(), what: 'api engine', level: 'warn' },
      (tenantId) => this.tenantPass(tenantId)
    );
    return next.reduce((soonest, at) => Math.min(soonest, at), Number.POSITIVE_INFINITY) - this.deps.now().getTime();
  }

  /** One tenant's work under its lease; returns when it next has something due (epoch ms). */
  async tenantPass(tenantId: string): Promise<number> {
    const { leases, holder, settings: settingsReader } = this.deps;
    const lease = `api-engine:${tenantId}`;
    const leaseMs = this.options.leaseMs ?? 60_000;
    if (!(await this.hasWork(tenantId))) return Number.POSITIVE_INFINITY;
    if (!(await leases.tryAcquire(lease, holder, leaseMs))) return this.deps.now().getTime() + leaseMs / 3;
    try {
      const [settings, credentials] = await Promise.all([settingsReader.get(tenantId), settingsReader.linkedInCredentials(tenantId)]);
      const organizationId = organizationIdOf(settings);
      // Without credentials or an organization, API jobs simply wait: the settings card says what is missing.
      if (!credentials || !organizationId) return Number.POSITIVE_INFINITY;
      const context: TenantContext = { tenantId, credentials, element: { organizationId, contractId: settings.linkedInContractId }, lease, leaseMs };
      const next = await this.work(context);
      return Math.min(next, await this.pollStatuses(context));
    } finally {
      await leases.release(lease, holder).catch(() => undefined);
    }
  }

  /** Cheap look before the lease: a job queued or followed, or the status poll due (most tenants use the feed). */
  private async hasWork(tenantId: string): Promise<boolean> {
    for await (const _ of this.deps.jobs.streamApiState(tenantId, ['waiting', 'sent'])) return true;
    return !(await this.deps.leases.isSlotDone(tenantId, this.statusSlot().slot));
  }

  private statusSlot(): { slot: string; start: number; next: number } {
    const start = Math.floor(this.deps.now().getTime() / this.options.statusPollMs) * this.options.statusPollMs;
    return { slot: `api-status:${new Date(start).toISOString()}`, start, next: start + this.options.statusPollMs };
  }

  private async work(context: TenantContext): Promise<number> {
    const now = this.deps.now().getTime();
    let next = Number.POSITIVE_INFINITY;
    const toSend: Job[] = [];
    const inDoubt: Job[] = [];
    const dueTasks: Job[] = [];
    for await (const job of this.deps.jobs.streamApiState(context.tenantId, ['waiting', 'sent'])) {
      const api = job.api;
      if (!api) continue;
      if (api.state === 'sent') {
        if (!api.taskUrn) continue;
        const at = Date.parse(api.nextCheckAt ?? api.sentAt ?? '') || now;
        if (at <= now) dueTasks.push(job);
        else next = Math.min(next, at);
      } else if (isInDoubt(api)) {
        const at = (Date.parse(api.sendingAt ?? '') || now) + this.options.followUpMs;
        if (at <= now) inDoubt.push(job);
        else next = Math.min(next, at);
      } else {
        toSend.push(job);
      }
    }
    next = Math.min(next, await this.followTasks(context, dueTasks));
    const resend = await this.settleInDoubt(context, inDoubt);
    return Math.min(next, await this.send(context, [...resend, ...toSend]));
  }

  // --- sending -------------------------------------------------------------------------------------------------------

  /**
   * Sends in batches as the budget allows. Tasks sent in this pass are followed up within it when they fall due, so a
   * long backlog does not hold back the news of jobs sent minutes ago.
   */
  private async send(context: TenantContext, jobs: Job[]): Promise<number> {
    let followUps: Job[] = [];
    let marked: Job[] | undefined;
    let renewedAt = this.deps.now().getTime();
    for (let i = 0; i < jobs.length && !this.stopping; ) {
      if (this.deps.now().getTime() - renewedAt > context.leaseMs / 3) {
        if (!(await this.deps.leases.renew(context.lease, this.deps.holder, context.leaseMs))) {
          if (marked) await this.unmark(marked);
          return this.deps.now().getTime();
        }
        renewedAt = this.deps.now().getTime();
      }
      // Marked before the budget is asked: once it allows, the call goes out at once.
      if (!marked) {
        marked = await this.markAll(jobs.slice(i, i + BATCH_MAX));
        if (marked.length === 0) {
          marked = undefined;
          i += BATCH_MAX;
          continue;
        }
      }
      const taken = await this.deps.budget.take(marked.length, 1, this.deps.now().getTime());
      if (!taken.ok) {
        if (taken.until - this.deps.now().getTime() <= (this.options.inPassWaitMs ?? 15_000)) {
          // While the budget refills: tasks that fell due are followed up.
          followUps = await this.followDue(context, followUps);
          await this.sleep(Math.max(0, taken.until - this.deps.now().getTime()));
          continue;
        }
        await this.unmark(marked);
        await this.markWaiting(jobs.slice(i), taken.until);
        return Math.min(taken.until, earliestCheck(followUps));
      }
      this.touch();
      // An in-doubt send is settled `followUpMs` after its mark: a mark that waited long (429s) is renewed first.
      if (this.deps.now().getTime() - (Date.parse(marked[0].api?.sendingAt ?? '') || 0) > MARK_FRESH_MS) marked = await this.remark(marked);
      const sent = await this.sendMarked(context, marked);
      if (sent === 'retry') continue;
      marked = undefined;
      if (sent === 'stop') return this.deps.now().getTime() + this.options.pollMs;
      followUps.push(...sent);
      i += BATCH_MAX;
    }
    return earliestCheck(followUps);
  }

  private async remark(marked: readonly Job[]): Promise<Job[]> {
    const at = this.deps.now().toISOString();
    const saved = await this.recordAll(marked, (fresh, index) => (sameSend(fresh, marked[index]) ? { job: { ...fresh, api: { ...fresh.api!, sendingAt: at } } } : undefined));
    return saved.filter((job): job is Job => job !== undefined);
  }

  /** Follows up the tasks among `jobs` that are due; returns those still to follow. */
  private async followDue(context: TenantContext, jobs: Job[]): Promise<Job[]> {
    const now = this.deps.now().getTime();
    const due = jobs.filter((job) => Date.parse(job.api?.nextCheckAt ?? '') <= now);
    if (due.length === 0) return jobs;
    const pending = jobs.filter((job) => !due.includes(job));
    await this.followTasks(context, due, pending);
    return pending;
  }

  /**
   * Sends marked jobs and records the answer; returns the jobs now `sent` (to follow up). 'retry': LinkedIn took
   * nothing (429); the jobs stay marked and go again once the budget allows.
   */
  private async sendMarked(context: TenantContext, marked: readonly Job[]): Promise<Job[] | 'retry' | 'stop'> {
    const { api, budget, logger } = this.deps;
    const elements = marked.map((job) => jobPostingElement(job, job.api!, context.element));
    let outcomes;
    try {
      outcomes = await api.batchCreate(context.credentials, elements);
    } catch (error) {
      const status = error instanceof LinkedInError ? error.status : undefined;
      if (status === 429) {
        const until = this.deps.now().getTime() + ((error as LinkedInError).retryAfterMs ?? 1000);
        logger.warn('api engine: LinkedIn throttled the batch (429), holding sends', { tenantId: context.tenantId, until: new Date(until).toISOString() });
        await budget.block(until);
        return 'retry';
      }
      if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
        // LinkedIn refused the request itself: it took nothing. Bad credentials wait for the next look; anything
        // else (403 for a contract, say) is LinkedIn's answer for every job in the batch.
        logger.warn('api engine: LinkedIn refused the batch', { tenantId: context.tenantId, status, said: (error as LinkedInError).linkedInMessage });
        if (status === 401) {
          await this.unmark(marked);
          return 'stop';
        }
        const message = (error as LinkedInError).linkedInMessage ?? `HTTP ${status}`;
        await this.recordAll(marked, (fresh, index) => (sameSend(fresh, marked[index]) ? afterBatchAnswer(fresh, { kind: 'error', message, status }, this.deps.now(), this.options.followUpMs) : undefined));
        return [];
      }
      // A timeout, a 5xx, an answer we cannot read: LinkedIn may have the jobs. They stay marked, in doubt.
      logger.warn('api engine: batch outcome unknown, left in doubt', { tenantId: context.tenantId, jobs: marked.length, error: (error as Error).message });
      return 'stop';
    }
    const recorded = await this.recordAll(marked, (fresh, index) => (sameSend(fresh, marked[index]) ? afterBatchAnswer(fresh, outcomes[index], this.deps.now(), this.options.followUpMs) : undefined));
    return recorded.filter((job): job is Job => job?.api?.state === 'sent');
  }

  /** Marks the batch in one transaction; when a job changed since it was read, one by one. */
  private async markAll(batch: readonly Job[]): Promise<Job[]> {
    const at = this.deps.now().toISOString();
    const eligible = batch.filter((job) => job.api?.state === 'waiting' && !isInDoubt(job.api));
    if (this.deps.jobs.updateBatch && eligible.length > 1) {
      const saved = await this.deps.jobs.updateBatch(eligible.map((job) => markedForSending(job, at)));
      if (saved) return saved;
    }
    return (await mapParallel(batch, PARALLEL_WRITES, (job) => this.mark(job))).filter((job): job is Job => job !== undefined);
  }

  /** Writes "this version is on its way" with the job's ETag; a job changed meanwhile is read again once. */
  private async mark(job: Job): Promise<Job | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const api = job.api;
      if (!api || api.state !== 'waiting' || isInDoubt(api)) return undefined;
      try {
        return await this.deps.jobs.update(markedForSending(job, this.deps.now().toISOString()));
      } catch (error) {
        if (!isConflict(error)) throw error;
        const fresh = await this.deps.jobs.get(job.tenantId, job.id);
        if (!fresh) return undefined;
        job = fresh;
      }
    }
    return undefined;
  }

  private async unmark(jobs: readonly Job[]): Promise<void> {
    await this.recordAll(jobs, (fresh, index) => (sameSend(fresh, jobs[index]) ? { job: { ...fresh, api: engineFieldsCleared(fresh.api!) } } : undefined));
  }

  /** Long waits are written on the jobs, so their cards can say until when. */
  private async markWaiting(jobs: readonly Job[], until: number): Promise<void> {
    const iso = new Date(until).toISOString();
    await mapParallel(jobs, PARALLEL_WRITES, (job) => this.record(job, (fresh) => (fresh.api?.state === 'waiting' && !isInDoubt(fresh.api) && fresh.api.waitingUntil !== iso ? { job: { ...fresh, api: { ...fresh.api, waitingUntil: iso } } } : undefined)));
  }

  // --- following tasks and settling doubts ---------------------------------------------------------------------------

  /** Looks at the jobs' tasks; jobs still in progress are added to `pending` when given. */
  private async followTasks(context: TenantContext, jobs: readonly Job[], pending?: Job[]): Promise<number> {
    for (let i = 0; i < jobs.length && !this.stopping; i += BATCH_MAX) {
      const batch = jobs.slice(i, i + BATCH_MAX);
      const taken = await this.deps.budget.take(0, 1, this.deps.now().getTime());
      if (!taken.ok) return taken.until;
      let results;
      try {
        results = await this.deps.api.tasks(context.credentials, batch.map((job) => job.api!.taskUrn!));
      } catch (error) {
        if (error instanceof LinkedInError && error.status === 429) await this.deps.budget.block(this.deps.now().getTime() + (error.retryAfterMs ?? 1000));
        this.deps.logger.warn('api engine: task look-up failed, will retry', { tenantId: context.tenantId, error: (error as Error).message });
        return this.deps.now().getTime() + this.options.recheckMs;
      }
      const recorded = await this.recordAll(batch, (fresh, index) => {
        const urn = batch[index].api!.taskUrn!;
        if (fresh.api?.state !== 'sent' || fresh.api.taskUrn !== urn) return undefined;
        const result = results.get(urn);
        if (!result && this.deps.now().getTime() - (Date.parse(fresh.api.sentAt ?? '') || 0) > TASK_LIFETIME_MS) {
          // LinkedIn forgot the task: settled like an in-doubt send, by whether LinkedIn has the job.
          const { taskUrn: _task, ...api } = engineFieldsCleared(fresh.api);
          return { job: { ...fresh, api: { ...api, state: 'waiting', sendingVersion: api.version, sendingAt: fresh.api.sentAt } } };
        }
        return afterTaskResult(fresh, result ?? { status: 'IN_PROGRESS' }, this.deps.now(), this.options.recheckMs);
      });
      pending?.push(...recorded.filter((job): job is Job => job?.api?.state === 'sent'));
      await this.refreshStatuses(context, recorded.filter((job): job is Job => job?.api?.state === 'on_linkedin'));
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Returns the in-doubt jobs LinkedIn does not have (their mark taken off): they are sent in this pass. */
  private async settleInDoubt(context: TenantContext, jobs: readonly Job[]): Promise<Job[]> {
    const resend: Job[] = [];
    for (let i = 0; i < jobs.length && !this.stopping; i += BATCH_MAX) {
      const batch = jobs.slice(i, i + BATCH_MAX);
      const taken = await this.deps.budget.take(0, 1, this.deps.now().getTime());
      if (!taken.ok) break;
      let found: Map<string, LinkedInStatus>;
      try {
        found = await this.deps.api.statuses(context.credentials, context.element.organizationId, batch.map((job) => job.id));
      } catch (error) {
        this.deps.logger.warn('api engine: status look-up for in-doubt sends failed, will retry', { tenantId: context.tenantId, error: (error as Error).message });
        break;
      }
      await mapParallel(batch, PARALLEL_WRITES, async (job) => {
        const api = job.api!;
        const status = found.get(job.id);
        const decision = settleInDoubt(api.operation, status);
        this.deps.logger.info('api engine: in-doubt send settled', { tenantId: context.tenantId, jobId: job.id, version: api.version, operation: api.operation, decision });
        const stillInDoubt = (fresh: Job) => isInDoubt(fresh.api) && fresh.api!.version === api.version;
        if (decision === 'arrived') {
          await this.record(job, (fresh) => (stillInDoubt(fresh) ? delivered(fresh, status?.jobPostingUrn, this.deps.now(), status) : undefined));
        } else {
          const cleared = await this.record(job, (fresh) => (stillInDoubt(fresh) ? { job: { ...fresh, api: engineFieldsCleared(fresh.api!) } } : undefined));
          if (cleared) resend.push(cleared);
        }
      });
    }
    return resend;
  }

  // --- status ----------------------------------------------------------------------------------------------------------

  /** Jobs just on LinkedIn: what LinkedIn's status API says of them (listing, apply and promotion status) right away. */
  private async refreshStatuses(context: TenantContext, jobs: readonly Job[]): Promise<void> {
    if (jobs.length === 0 || !(await this.deps.budget.take(0, 1, this.deps.now().getTime())).ok) return;
    try {
      const found = await this.deps.api.statuses(context.credentials, context.element.organizationId, jobs.map((job) => job.id));
      await mapParallel(jobs, PARALLEL_WRITES, (job) => {
        const status = found.get(job.id);
        return status ? this.record(job, (fresh) => afterStatus(fresh, status, this.deps.now())) : Promise.resolve(undefined);
      });
    } catch (error) {
      // The daily poll fills it in.
      this.deps.logger.info('api engine: status of new jobs not read, the poll will', { tenantId: context.tenantId, error: (error as Error).message });
    }
  }

  /** Open API jobs' status, once per `statusPollMs` slot per tenant (whichever process gets there first). */
  private async pollStatuses(context: TenantContext): Promise<number> {
    const now = this.deps.now().getTime();
    const { slot, next: nextSlot } = this.statusSlot();
    if (await this.deps.leases.isSlotDone(context.tenantId, slot)) return nextSlot;
    const open: Job[] = [];
    for await (const job of this.deps.jobs.streamApiState(context.tenantId, ['on_linkedin'])) open.push(job);
    for (let i = 0; i < open.length && !this.stopping; i += BATCH_MAX) {
      const batch = open.slice(i, i + BATCH_MAX);
      const taken = await this.deps.budget.take(0, 1, this.deps.now().getTime());
      if (!taken.ok) return taken.until;
      const found = await this.deps.api.statuses(context.credentials, context.element.organizationId, batch.map((job) => job.id));
      await mapParallel(batch, PARALLEL_WRITES, (job) => {
        const status = found.get(job.id);
        return status ? this.record(job, (fresh) => afterStatus(fresh, status, this.deps.now())) : Promise.resolve(undefined);
      });
    }
    await this.deps.leases.markSlotDone(context.tenantId, { slot, doneAt: new Date(now).toISOString(), outcome: `checked ${open.length}` });
    return nextSlot;
  }

  /** A Job Status Change Notification (already verified): the same change as a polled status. Idempotent. */
  async applyNotification(tenantId: string, externalJobPostingId: string, status: LinkedInStatus): Promise<NotificationResult> {
    if (!isJobId(externalJobPostingId)) return 'unknown_job';
    const job = await this.deps.jobs.get(tenantId, externalJobPostingId);
    if (!job?.api) return 'unknown_job';
    const saved = await this.record(job, (fresh) => afterStatus(fresh, status, this.deps.now()));
    return saved ? 'updated' : 'unchanged';
  }

  // --- storage ---------------------------------------------------------------------------------------------------------

  /**
   * `record` for a batch of one tenant's jobs: in one transaction when every job still is as it was read (the usual
   * case), else job by job. Notices go first, as in `record`.
   */
  private async recordAll(jobs: readonly Job[], change: (job: Job, index: number) => ApiChange | undefined): Promise<Array<Job | undefined>> {
    if (this.deps.jobs.updateBatch && jobs.length > 1) {
      const changes = jobs.map((job, index) => change(job, index));
      if (changes.every((c) => c !== undefined)) {
        const notices = changes.map((c) => apiNotice(c)).filter((n): n is NonNullable<typeof n> => n !== undefined);
        if (notices.length > 0) await this.deps.notifier.enqueue(notices);
        const saved = await this.deps.jobs.updateBatch(changes.map((c, index) => ({ ...c.job, etag: jobs[index].etag })));
        if (saved) return saved;
      }
    }
    return mapParallel(jobs, PARALLEL_WRITES, (job, index) => this.record(job, (fresh) => change(fresh, index)));
  }

  /**
   * Applies `change` to the job and stores it with the job's ETag; on a conflict, to the job as it is now (the change
   * says undefined when it no longer applies). The author's notice goes first: keyed per job version, a crash before
   * the write repeats it under the same key, and the outbox sends it once.
   */
  private async record(job: Job, change: (job: Job) => ApiChange | undefined): Promise<Job | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const next = change(job);
      if (!next) return undefined;
      const notice = apiNotice(next);
      if (notice) await this.deps.notifier.enqueue([notice]);
      try {
        return await this.deps.jobs.update({ ...next.job, etag: job.etag });
      } catch (error) {
        if (!isConflict(error)) throw error;
        const fresh = await this.deps.jobs.get(job.tenantId, job.id);
        if (!fresh) return undefined;
        job = fresh;
      }
    }
    this.deps.logger.warn('api engine: job kept changing, left for the next pass', { tenantId: job.tenantId, jobId: job.id });
    return undefined;
  }
}

interface TenantContext {
  tenantId: string;
  credentials: LinkedInCredentials;
  element: ElementContext;
  lease: string;
  leaseMs: number;
}

function markedForSending(job: Job, at: string): Job {
  const { waitingUntil: _waiting, ...api } = job.api!;
  return { ...job, api: { ...api, sendingVersion: api.version, sendingAt: at } };
}

function earliestCheck(jobs: readonly Job[]): number {
  return jobs.reduce((earliest, job) => Math.min(earliest, Date.parse(job.api?.nextCheckAt ?? '') || Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
}

/** The row still holds the send we marked (same version, still marked). */
function sameSend(fresh: Job, sent: Job): boolean {
  return fresh.api?.version === sent.api?.version && fresh.api?.sendingVersion === sent.api?.version && fresh.api?.state === 'waiting';
}

function isConflict(error: unknown): boolean {
  return error instanceof AppError && error.code === 'JOB_CONFLICT';
}
