import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { AppError } from '../domain/errors';
import type { Job, JobState } from '../domain/job';
import type { JobPage, JobStore, ListJobsQuery } from './jobStore';
import { encodeKey, isStatus, odataString } from './tables';

export const JOBS_TABLE = 'jobs';

/** Scalar fields are stored as columns so they can be filtered; lists and objects as JSON. */
interface JobEntity {
  partitionKey: string;
  rowKey: string;
  state: JobState;
  authorAadObjectId: string;
  document: string;
}

function toEntity(job: Job): JobEntity {
  const { etag: _etag, ...document } = job;
  return {
    partitionKey: encodeKey(job.tenantId),
    rowKey: job.id,
    state: job.state,
    authorAadObjectId: job.author.aadObjectId,
    document: JSON.stringify(document)
  };
}

function fromEntity(entity: TableEntityResult<JobEntity>): Job {
  const job = JSON.parse(entity.document) as Job;
  return { ...job, state: entity.state, etag: entity.etag };
}

export class TableJobStore implements JobStore {
  constructor(private readonly table: TableClient) {}

  async create(job: Job): Promise<Job> {
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
}
