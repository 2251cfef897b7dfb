import type { Job } from '../domain/job';

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

/** Jobs, partitioned by tenant: no method can reach another tenant's rows. */
export interface JobStore {
  /** Stores a new job; fails if the id exists. Returns the job with its etag. */
  create(job: Job): Promise<Job>;
  get(tenantId: string, id: string): Promise<Job | undefined>;
  /** Replaces a job if its etag still matches; throws AppError JOB_CONFLICT otherwise. */
  update(job: Job): Promise<Job>;
  /** Newest first. */
  list(query: ListJobsQuery): Promise<JobPage>;
}
