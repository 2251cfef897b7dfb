import type { Job, JobState } from '../domain/job';

export interface JobPage {
  jobs: Job[];
  /** Opaque; pass back to get the next page. */
  next?: string;
}

export interface ListJobsQuery {
  tenantId: string;
  /** Only this author's jobs; omit for everyone's in the tenant. */
  authorAadObjectId?: string;
  pageSize: number;
  page?: string;
}

export interface StreamJobsOptions {
  /** Only jobs in these states; default: the states a feed snapshot draws from (queued, in_feed, posted). */
  states?: readonly JobState[];
  /** Entities per storage request (default 500); Table Storage answers at most 1000. */
  pageSize?: number;
}

/** Jobs, partitioned by tenant: no method can reach another tenant's rows. */
export interface JobStore {
  /** Stores a new job; fails if the id exists. Returns the job with its etag. */
  create(job: Job): Promise<Job>;
  get(tenantId: string, id: string): Promise<Job | undefined>;
  /** Replaces a job if its etag still matches; throws AppError JOB_CONFLICT otherwise. */
  update(job: Job): Promise<Job>;
  /** Newest first. */
  list(query: ListJobsQuery): Promise<JobPage>;
  /** Every job of the tenant in the given states, in key order, one page in memory at a time. */
  streamTenant(tenantId: string, options?: StreamJobsOptions): AsyncIterable<Job>;
  /**
   * Moves those of `jobIds` that are still queued to in_feed, setting firstFedAt where unset.
   * Returns how many moved; a job closed meanwhile stays closed.
   */
  markInFeed(tenantId: string, jobIds: ReadonlySet<string>, at: Date): Promise<number>;
  /** Moves those of `jobIds` still in_feed to posted, setting postedAt. Returns how many moved. */
  markPosted(tenantId: string, jobIds: ReadonlySet<string>, at: Date): Promise<number>;
}
