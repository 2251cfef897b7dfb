import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { AppError } from '../domain/errors';
import type { Job, JobState } from '../domain/job';
import type { ApiPostingState } from '../domain/jobPosting';
import type { JobPage, JobStore, ListJobsQuery, StreamJobsOptions } from './jobStore';
import type { TenantRegistry } from './tenantRegistry';
import { encodeKey, isStatus, odataString } from './tables';

export const JOBS_TABLE = 'jobs';

/** The states a feed snapshot draws from; closed jobs and drafts are filtered out by storage, not by us. */
const FEED_SOURCE_STATES: readonly JobState[] = ['queued', 'in_feed', 'posted'];
/** Table Storage: at most 100 operations per transaction, all in one partition. */
const TRANSACTION_MAX = 100;
/**
 * Jobs per page when streaming a tenant (a feed build reads them all). Table Storage allows 1,000; at 500 a page and
 * the one fetched meanwhile hold half the memory, and as the next page is fetched while this one is written, the
 * build still takes about as long as reading (bench/feed.ts: 100,000 jobs built in 132 MB rather than 164 MB).
 */
const STREAM_PAGE_SIZE = 500;
/** Transactions in flight at once while moving jobs into the feed. */
const TRANSACTIONS_IN_FLIGHT = 4;

/** Scalar fields are stored as columns so they can be filtered; lists and objects as JSON. */
interface JobEntity {
  partitionKey: string;
  rowKey: string;
  state: JobState;
  authorAadObjectId: string;
  /** `api.state`, for the Job Posting API engine's queries (absent on feed-only jobs). */
  apiState?: string;
  document: string;
}

function toEntity(job: Job): JobEntity {
  const { etag: _etag, ...document } = job;
  return {
    partitionKey: encodeKey(job.tenantId),
    rowKey: job.id,
    state: job.state,
    authorAadObjectId: job.author.aadObjectId,
    ...(job.api ? { apiState: job.api.state } : {}),
    document: JSON.stringify(document)
  };
}

function fromEntity(entity: TableEntityResult<JobEntity>): Job {
  // Set on the fresh object rather than spread into a copy: a feed build reads every job of the tenant through here.
  const job = JSON.parse(entity.document) as Job;
  job.state = entity.state;
  job.etag = entity.etag;
  return job;
}

export class TableJobStore implements JobStore {
  /** `tenants`, when given, learns each tenant that stores a job (the feed scheduler builds for those). */
  constructor(private readonly table: TableClient, private readonly tenants?: TenantRegistry) {}

  async create(job: Job): Promise<Job> {
    await this.tenants?.add(job.tenantId);
    const response = await this.table.createEntity(toEntity(job));
    return { ...job, etag: response.etag };
  }

  async get(tenantId: string, id: string): Promise<Job | undefined> {
    try {
      return fromEntity(await this.table.getEntity<JobEntity>(encodeKey(tenantId), id));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async update(job: Job): Promise<Job> {
    if (!job.etag) throw new Error('update needs the etag the job was read with');
    try {
      const response = await this.table.updateEntity(toEntity(job), 'Replace', { etag: job.etag });
      return { ...job, etag: response.etag };
    } catch (error) {
      if (isStatus(error, 412)) throw new AppError('JOB_CONFLICT', job.id);
      if (isStatus(error, 404)) throw new AppError('JOB_NOT_FOUND', job.id);
      throw error;
    }
  }

  async list(query: ListJobsQuery): Promise<JobPage> {
    let filter = `PartitionKey eq ${odataString(encodeKey(query.tenantId))}`;
    if (query.authorAadObjectId) filter += ` and authorAadObjectId eq ${odataString(query.authorAadObjectId)}`;
    const pages = this.table
      .listEntities<JobEntity>({ queryOptions: { filter } })
      .byPage({ maxPageSize: query.pageSize, continuationToken: query.page });
    // A filtered query may answer an empty page that still has a continuation: skip those.
    for await (const page of pages) {
      const next = page.continuationToken;
      if (page.length > 0 || !next) return { jobs: page.map(fromEntity), next };
    }
    return { jobs: [] };
  }

  /** The query a feed build pages through: one tenant's partition, only the given states. */
  tenantStateFilter(tenantId: string, states: readonly JobState[] = FEED_SOURCE_STATES): string {
    const anyState = states.map((state) => `state eq ${odataString(state)}`).join(' or ');
    return `PartitionKey eq ${odataString(encodeKey(tenantId))} and (${anyState})`;
  }

  async *streamTenant(tenantId: string, options: StreamJobsOptions = {}): AsyncIterable<Job> {
    const filter = this.tenantStateFilter(tenantId, options.states);
    const pages = this.table.listEntities<JobEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: options.pageSize ?? STREAM_PAGE_SIZE });
    let next = pages.next();
    try {
      for (;;) {
        const page = await next;
        if (page.done) return;
        // Ask for the following page while this one is consumed: storage and the caller's work overlap.
        next = pages.next();
        next.catch(() => undefined);
        for (const entity of page.value) yield fromEntity(entity);
      }
    } finally {
      await pages.return?.(undefined);
    }
  }

  /** The tenant's jobs whose `api.state` is one of `states` (the Job Posting API queue and the jobs it follows). */
  async *streamApiState(tenantId: string, states: readonly ApiPostingState[], pageSize = 1000): AsyncIterable<Job> {
    const anyState = states.map((state) => `apiState eq ${odataString(state)}`).join(' or ');
    const filter = `PartitionKey eq ${odataString(encodeKey(tenantId))} and (${anyState})`;
    for await (const page of this.table.listEntities<JobEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: pageSize })) {
      for (const entity of page) yield fromEntity(entity);
    }
  }

  /**
   * Replaces up to 100 jobs of one tenant in one transaction, each with its etag; undefined when any of them changed
   * meanwhile (nothing is written then: the caller goes one by one).
   */
  async updateBatch(jobs: readonly Job[]): Promise<Job[] | undefined> {
    if (jobs.length === 0) return [];
    try {
      const response = await this.table.submitTransaction(jobs.map((job): TransactionAction => ['update', { ...toEntity(job) }, 'Replace', { etag: job.etag }]));
      const etags = new Map(response.subResponses.map((sub) => [sub.rowKey, sub.etag]));
      return jobs.map((job, index) => ({ ...job, etag: etags.get(job.id) ?? response.subResponses[index]?.etag ?? job.etag }));
    } catch (error) {
      // A job changed (412) or gone (404), or a batch too large for one transaction (4 MB): the caller goes one by one.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) return undefined;
      throw error;
    }
  }

  /** Stores up to 100 new jobs of one tenant in one transaction (seeding, imports). */
  async createBatch(jobs: readonly Job[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.tenants?.add(jobs[0].tenantId);
    await this.table.submitTransaction(jobs.map((job): TransactionAction => ['create', { ...toEntity(job) }]));
  }

  async markInFeed(tenantId: string, jobIds: ReadonlySet<string>, at: Date): Promise<number> {
    return this.moveState(tenantId, jobIds, 'queued', (job) => inFeed(job, at));
  }

  async markPosted(tenantId: string, jobIds: ReadonlySet<string>, at: Date): Promise<number> {
    return this.moveState(tenantId, jobIds, 'in_feed', (job) => ({ ...job, state: 'posted', postedAt: job.postedAt ?? at.toISOString() }));
  }

  /** Moves those of `jobIds` in state `from`, 100 per transaction, a few transactions in flight. */
  private async moveState(tenantId: string, jobIds: ReadonlySet<string>, from: JobState, change: (job: Job) => Job): Promise<number> {
    if (jobIds.size === 0) return 0;
    const inFlight: Array<Promise<number>> = [];
    let moved = 0;
    let batch: Job[] = [];
    const submit = async () => {
      inFlight.push(this.moveBatch(batch, from, change));
      batch = [];
      if (inFlight.length >= TRANSACTIONS_IN_FLIGHT) moved += await inFlight.shift()!;
    };
    for await (const job of this.streamTenant(tenantId, { states: [from] })) {
      if (!jobIds.has(job.id)) continue;
      batch.push(job);
      if (batch.length === TRANSACTION_MAX) await submit();
    }
    if (batch.length > 0) await submit();
    for (const count of await Promise.all(inFlight)) moved += count;
    return moved;
  }

  /** One transaction with each job's etag; one stale job fails the whole transaction, so those go one by one. */
  private async moveBatch(jobs: readonly Job[], from: JobState, change: (job: Job) => Job): Promise<number> {
    const actions = jobs.map((job): TransactionAction => ['update', { ...toEntity(change(job)) }, 'Replace', { etag: job.etag }]);
    try {
      await this.table.submitTransaction(actions);
      return jobs.length;
    } catch {
      let moved = 0;
      for (const job of jobs) if (await this.moveOne(job, from, change)) moved++;
      return moved;
    }
  }

  private async moveOne(job: Job, from: JobState, change: (job: Job) => Job): Promise<boolean> {
    try {
      await this.update(change(job));
      return true;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'JOB_CONFLICT')) throw error;
      // Edited since we read it: it moves all the same, unless it left `from` meanwhile (closed, say).
      const fresh = await this.get(job.tenantId, job.id);
      if (fresh?.state !== from) return false;
      await this.update(change(fresh));
      return true;
    }
  }
}

function inFeed(job: Job, at: Date): Job {
  return { ...job, state: 'in_feed', firstFedAt: job.firstFedAt ?? at.toISOString() };
}
