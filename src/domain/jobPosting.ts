/**
 * How a tenant's jobs reach LinkedIn: the daily XML feed (any company) or LinkedIn's Job Posting API
 * (tenants whose contract includes job sync). Free of I/O; shared by the settings, the job card,
 * the feed build and the API queue.
 */

export const POSTING_CHANNELS = ['feed', 'api'] as const;
export type PostingChannel = (typeof POSTING_CHANNELS)[number];

/** `jobPostingOperationType` of LinkedIn's `simpleJobPostings` batch_create. */
export const JOB_POSTING_OPERATIONS = ['CREATE', 'UPDATE', 'RENEW', 'CLOSE'] as const;
export type JobPostingOperation = (typeof JOB_POSTING_OPERATIONS)[number];

export const LISTING_TYPES = ['BASIC', 'PREMIUM'] as const;
export type ListingType = (typeof LISTING_TYPES)[number];

/**
 * Where a job stands on the API channel, as its author sees it:
 * - `waiting`: an operation is queued (or held back by LinkedIn's throttles) and not yet sent;
 * - `sent`: LinkedIn accepted the request and answered a task; we follow the task until it is final;
 * - `on_linkedin`: the last task succeeded; `status.jobPostingUrl` links to it;
 * - `rejected`: LinkedIn refused the last operation; `error` says why, the author can fix and resubmit;
 * - `closed`: closed on LinkedIn (by us, or by LinkedIn with `status.reason`).
 */
export const API_POSTING_STATES = ['waiting', 'sent', 'on_linkedin', 'rejected', 'closed'] as const;
export type ApiPostingState = (typeof API_POSTING_STATES)[number];

/** What LinkedIn's Job Posting Status API (or a Job Status Change Notification) last said of the job. */
export interface LinkedInJobStatus {
  jobPostingUrn?: string;
  jobPostingUrl?: string;
  listingStatus?: string;
  linkedInApplyStatus?: string;
  promotionStatus?: string;
  /** Why LinkedIn closed the job, when it did (e.g. member reports), in LinkedIn's words. */
  reason?: string;
  checkedAt: string;
}

/** A job's life on the API channel; absent on a job that has only ever used the feed. */
export interface ApiPosting {
  state: ApiPostingState;
  /** Bumped by every operation we queue; each version is sent to LinkedIn exactly once. */
  version: number;
  /** The operation of `version`. */
  operation: JobPostingOperation;
  listingType: ListingType;
  /** `urn:li:simpleJobPostingTask:…` of the operation in flight. */
  taskUrn?: string;
  /** When `version` was queued. */
  queuedAt?: string;
  sentAt?: string;
  /** Why the operation waits (LinkedIn's throttles), for the card: an ISO time it may go out at. */
  waitingUntil?: string;
  /** LinkedIn's reason, as it gave it (e.g. "Invalid Field: /city"); the card turns it into words. */
  error?: string;
  status?: LinkedInJobStatus;
  /**
   * Engine bookkeeping (the product side never sets these; `queueApiOperation` drops them with a new version).
   * `sendingVersion` is written before the batch call: a version still marked after a crash is "in doubt" and is
   * settled by LinkedIn's Job Posting Status API, never by sending blindly again.
   */
  sendingVersion?: number;
  sendingAt?: string;
  /** When the engine next looks at the task (state `sent`) or settles an in-doubt send. */
  nextCheckAt?: string;
}

/**
 * On Job: `channel` says which channel carries the job now (absent = 'feed'); a job is never on both.
 * On TenantSettings: `postingChannel` (default 'feed'), `linkedInContractId` (enables "Promote"),
 * and `channelSwitch` while jobs move from one channel to the other.
 */
export interface ChannelSwitch {
  from: PostingChannel;
  to: PostingChannel;
  startedAt: string;
}

/**
 * Queues an operation for a job on the API channel. The job row is the queue (`api.state` is `waiting`):
 * storing the returned value on the job is all it takes, and nothing is held in memory.
 * The API sender finds waiting jobs by their `apiState` column; `ApiPostingWaker.wake` only makes it look sooner.
 */
export function queueApiOperation(job: { api?: ApiPosting; promoted?: boolean }, operation: JobPostingOperation, now: Date): ApiPosting {
  return {
    state: 'waiting',
    version: (job.api?.version ?? 0) + 1,
    operation,
    listingType: job.promoted ? 'PREMIUM' : 'BASIC',
    queuedAt: now.toISOString(),
    status: job.api?.status
  };
}

export interface ApiPostingWaker {
  wake(tenantId: string): void;
}

/** LinkedIn's reason ("Invalid Field: /city") as something to say: the field it names, or its own words. */
export type LinkedInReason = { kind: 'field'; field: string } | { kind: 'text'; text: string };

export function linkedInReason(error: string): LinkedInReason {
  const field = /invalid field:\s*\/?([A-Za-z0-9_/.]+)/i.exec(error);
  if (field) return { kind: 'field', field: field[1].split('/')[0] };
  return { kind: 'text', text: error };
}
