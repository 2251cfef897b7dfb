/**
 * The pure side of the Job Posting API engine: what a job looks like as a `simpleJobPostings` element (LinkedIn's
 * OpenAPI spec, JobPostingFoundationSchema + PromotedJobsExtensionSchema), what a task's outcome or a status does to the
 * job, and LinkedIn's throttles as a budget. Free of I/O; src/linkedin/apiEngine.ts does the calls and the storage.
 */
import type { Job } from './job';
import type { ApiPosting, JobPostingOperation, LinkedInJobStatus } from './jobPosting';
import { feedLocation } from './feedRules';
import { sanitizeDescription, sanitizeText } from './feedText';

/** One element of `POST /v2/simpleJobPostings` (x-restli-method: batch_create). */
export interface JobPostingElement {
  integrationContext: string;
  externalJobPostingId: string;
  jobPostingOperationType: JobPostingOperation;
  title: string;
  description: string;
  companyApplyUrl: string;
  location: string;
  listedAt: number;
  employmentStatus: string;
  experienceLevel: string;
  categories: string[];
  workplaceTypes: string[];
  workRemoteAllowed: boolean;
  listingType: 'BASIC' | 'PREMIUM';
  contract?: string;
  expireAt?: number;
}

export interface ElementContext {
  /** `rsc.organizationId`, else the LinkedIn company id. */
  organizationId: string;
  /** The tenant's LinkedIn contract id: needed for PREMIUM (promoted) jobs. */
  contractId?: string;
}

const WORKPLACE_TYPE_CODES: Record<string, string> = { 'On-site': 'ON_SITE', Hybrid: 'HYBRID', Remote: 'REMOTE' };

/** The organization a tenant's API jobs are posted for, or undefined when settings name none. */
export function organizationIdOf(settings: { rsc: { organizationId?: string }; companyId?: string }): string | undefined {
  return settings.rsc.organizationId?.trim() || settings.companyId?.trim() || undefined;
}

/** The element for the job's queued operation (`api.operation`); every operation carries the whole job, as LinkedIn asks. */
export function jobPostingElement(job: Job, api: Pick<ApiPosting, 'operation' | 'listingType'>, context: ElementContext): JobPostingElement {
  const city = sanitizeText(job.city).trim();
  const country = sanitizeText(job.country).trim().toUpperCase();
  const premium = api.listingType === 'PREMIUM' && context.contractId !== undefined;
  const element: JobPostingElement = {
    integrationContext: `urn:li:organization:${context.organizationId}`,
    externalJobPostingId: job.id,
    jobPostingOperationType: api.operation,
    title: sanitizeText(job.title).trim(),
    description: sanitizeDescription(job.description).trim(),
    companyApplyUrl: job.applyUrl,
    location: feedLocation(city, sanitizeText(job.region).trim(), country),
    // "the initial date the job posting was added… should not be a future time": when it was created.
    listedAt: Date.parse(job.createdAt),
    employmentStatus: job.employmentType,
    experienceLevel: job.experienceLevel,
    categories: [...(job.jobFunctions ?? [])],
    workplaceTypes: [WORKPLACE_TYPE_CODES[job.workplaceType] ?? 'ON_SITE'],
    workRemoteAllowed: job.workplaceType === 'Remote',
    listingType: premium ? 'PREMIUM' : 'BASIC'
  };
  if (premium) element.contract = `urn:li:contract:${context.contractId}`;
  if (job.expirationDate) element.expireAt = Date.parse(`${job.expirationDate}T23:59:59Z`);
  return element;
}

/** What the batch answer said for one element. */
export type BatchOutcome = { kind: 'task'; taskUrn: string } | { kind: 'error'; message: string; status?: number };

/** A `simpleJobPostingTasks` result. */
export interface TaskResult {
  status: string;
  jobPosting?: string;
  errorMessage?: string;
}

/** LinkedIn's job page for a `urn:li:jobPosting:{id}`, until the status API names the URL itself. */
export function jobPostingUrlOf(urn: string | undefined): string | undefined {
  const id = /^urn:li:jobPosting:(\d+)$/.exec(urn ?? '')?.[1];
  return id ? `https://www.linkedin.com/jobs/view/${id}` : undefined;
}

/** What a job's row becomes, and whom to tell, after one step of the engine. */
export interface ApiChange {
  job: Job;
  notice?: 'live' | 'rejected' | 'closed_by_linkedin';
}

/** The answer to our batch call: a task to follow, or LinkedIn's refusal of the element. */
export function afterBatchAnswer(job: Job, outcome: BatchOutcome, now: Date, followUpMs: number): ApiChange {
  const api = engineFieldsCleared(job.api!);
  if (outcome.kind === 'task') {
    return { job: { ...job, api: { ...api, state: 'sent', taskUrn: outcome.taskUrn, sentAt: now.toISOString(), nextCheckAt: new Date(now.getTime() + followUpMs).toISOString() } } };
  }
  return rejected(job, api, outcome.message, now);
}

/**
 * A task's result: IN_PROGRESS looks again later; SUCCEEDED, or PROCESSED without an error message, is on LinkedIn
 * (or closed, for CLOSE); FAILED, or PROCESSED with an error message, is LinkedIn's refusal.
 */
export function afterTaskResult(job: Job, result: TaskResult, now: Date, recheckMs: number): ApiChange {
  const api = job.api!;
  const status = result.status.toUpperCase();
  if (status === 'IN_PROGRESS' || (status !== 'SUCCEEDED' && status !== 'PROCESSED' && status !== 'FAILED')) {
    return { job: { ...job, api: { ...api, nextCheckAt: new Date(now.getTime() + recheckMs).toISOString() } } };
  }
  if (status === 'FAILED' || (status === 'PROCESSED' && result.errorMessage)) {
    return rejected(job, engineFieldsCleared(api), result.errorMessage ?? 'FAILED', now);
  }
  return delivered(job, result.jobPosting, now);
}

/** LinkedIn took the operation: CLOSE closes the job; anything else leaves it on LinkedIn. */
export function delivered(job: Job, jobPostingUrn: string | undefined, now: Date, status?: Omit<LinkedInJobStatus, 'checkedAt'>): ApiChange {
  const api = engineFieldsCleared(job.api!);
  const at = now.toISOString();
  const urn = jobPostingUrn ?? status?.jobPostingUrn ?? api.status?.jobPostingUrn;
  const merged: LinkedInJobStatus = { ...api.status, ...status, jobPostingUrn: urn, jobPostingUrl: status?.jobPostingUrl ?? api.status?.jobPostingUrl ?? jobPostingUrlOf(urn), checkedAt: at };
  const { error: _error, waitingUntil: _waiting, taskUrn: _task, ...rest } = api;
  if (api.operation === 'CLOSE') {
    return { job: { ...job, state: 'closed', closedAt: job.closedAt ?? at, api: { ...rest, state: 'closed', status: { ...merged, listingStatus: merged.listingStatus ?? 'CLOSED' } } } };
  }
  const live: Job = { ...job, channel: 'api', state: job.state === 'closed' ? 'closed' : 'posted', postedAt: job.postedAt ?? at, api: { ...rest, state: 'on_linkedin', status: merged } };
  // The author hears when the job goes live; an update or renewal of a live job shows on its card.
  return { job: live, notice: api.operation === 'CREATE' ? 'live' : undefined };
}

/**
 * LinkedIn refused the operation. A refused CREATE never reached LinkedIn, so the job goes back to a draft its author
 * can fix and post again; a refused UPDATE or RENEW leaves the job as LinkedIn has it.
 */
function rejected(job: Job, api: ApiPosting, message: string, now: Date): ApiChange {
  const error = message.trim().slice(0, 500) || 'rejected';
  const state = api.operation === 'CREATE' && job.state !== 'closed' ? 'draft' : job.state;
  const { taskUrn: _task, waitingUntil: _waiting, ...rest } = api;
  return { job: { ...job, state, updatedAt: now.toISOString(), api: { ...rest, state: 'rejected', error } }, notice: 'rejected' };
}

export function engineFieldsCleared(api: ApiPosting): ApiPosting {
  const { sendingVersion: _v, sendingAt: _a, nextCheckAt: _n, ...rest } = api;
  return rest;
}

/** `listingStatus` values that mean the job is no longer listed on LinkedIn. */
const CLOSED_LISTINGS = new Set(['CLOSED', 'EXPIRED', 'DELETED', 'SUSPENDED']);

export function isClosedListing(listingStatus: string | undefined): boolean {
  return listingStatus !== undefined && CLOSED_LISTINGS.has(listingStatus.toUpperCase());
}

/**
 * What LinkedIn's Job Posting Status API (or a Job Status Change Notification) says of an API job. Returns undefined
 * when nothing we show changed (a repeated notification is a no-op). A job LinkedIn closed is shown closed.
 */
export function afterStatus(job: Job, status: Omit<LinkedInJobStatus, 'checkedAt'>, now: Date): ApiChange | undefined {
  const api = job.api;
  if (!api) return undefined;
  const before = api.status ?? ({} as Partial<LinkedInJobStatus>);
  const next: LinkedInJobStatus = { ...before, ...definedOnly(status), checkedAt: now.toISOString() };
  const same = (['jobPostingUrn', 'jobPostingUrl', 'listingStatus', 'linkedInApplyStatus', 'promotionStatus', 'reason'] as const).every((k) => before[k] === next[k]);
  const closes = isClosedListing(next.listingStatus) && api.state !== 'closed' && (api.state === 'on_linkedin' || api.state === 'sent');
  if (same && !closes) return undefined;
  if (closes) {
    const byUs = api.operation === 'CLOSE';
    const at = now.toISOString();
    return {
      job: { ...job, state: 'closed', closedAt: job.closedAt ?? at, api: { ...engineFieldsCleared(api), state: 'closed', status: next } },
      notice: byUs ? undefined : 'closed_by_linkedin'
    };
  }
  return { job: { ...job, api: { ...api, status: next } } };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A job whose version was marked as being sent, and never recorded as sent: a crash (or a timeout) came between. */
export function isInDoubt(api: ApiPosting | undefined): boolean {
  return api?.state === 'waiting' && api.sendingVersion === api.version;
}

/**
 * How an in-doubt send is settled from LinkedIn's Job Posting Status API (looked up by externalJobPostingId once the
 * follow-up delay has passed, so a task LinkedIn received has had time to finish):
 * - CREATE: the job exists on LinkedIn → it arrived (no second CREATE); it does not → it never arrived, send it.
 * - CLOSE: listed as closed → it arrived; still listed → send it.
 * - RENEW: a second RENEW would add another 30 days, so a job that exists counts as renewed.
 * - UPDATE: the status API cannot tell an updated job from an old one; an UPDATE carries the whole job, so sending it
 *   again leaves LinkedIn with the same job: it is sent again.
 */
export function settleInDoubt(operation: JobPostingOperation, found: Omit<LinkedInJobStatus, 'checkedAt'> | undefined): 'arrived' | 'resend' {
  if (!found) return 'resend';
  switch (operation) {
    case 'CREATE':
    case 'RENEW':
      return 'arrived';
    case 'CLOSE':
      return isClosedListing(found.listingStatus) ? 'arrived' : 'resend';
    case 'UPDATE':
      return 'resend';
  }
}

/** LinkedIn's throttles for the Job Posting API, per application (all tenants of a deployment share them). */
export interface ThrottleLimits {
  recordsPerMinute: number;
  recordsPerDay: number;
  requestsPerDay: number;
}

export const LINKEDIN_LIMITS: ThrottleLimits = { recordsPerMinute: 2000, recordsPerDay: 60_000, requestsPerDay: 100_000 };

/** The shared budget's state, as stored. */
export interface BudgetState {
  /** GCRA's theoretical arrival time (epoch ms): records are spaced by 60 s / rate behind it. */
  tat: number;
  /** UTC day (YYYY-MM-DD) the counters belong to. */
  day: string;
  dayRecords: number;
  dayRequests: number;
  /** LinkedIn answered 429: nothing goes out before this (epoch ms). */
  blockedUntil: number;
}

export const EMPTY_BUDGET: BudgetState = { tat: 0, day: '', dayRecords: 0, dayRequests: 0, blockedUntil: 0 };

/** The most records one batch_create may carry, and so the burst the per-minute pace allows. */
export const BATCH_MAX = 100;

export type BudgetDecision = { ok: true; state: BudgetState } | { ok: false; until: number };

/**
 * Takes `records` records and `requests` requests from the budget at `now`, or says when to try again. The per-minute
 * limit is a generic cell rate: records are paced at (limit − burst) a minute with a burst of one full batch, so no 60 s
 * window ever holds more than the limit. The daily limits reset at midnight UTC.
 */
export function takeBudget(state: BudgetState, records: number, requests: number, now: number, limits: ThrottleLimits = LINKEDIN_LIMITS): BudgetDecision {
  const day = new Date(now).toISOString().slice(0, 10);
  const current = state.day === day ? state : { ...state, day, dayRecords: 0, dayRequests: 0 };
  if (current.blockedUntil > now) return { ok: false, until: current.blockedUntil };
  const nextDay = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  if (current.dayRecords + records > limits.recordsPerDay || current.dayRequests + requests > limits.requestsPerDay) return { ok: false, until: nextDay };
  if (records === 0) return { ok: true, state: { ...current, dayRequests: current.dayRequests + requests } };
  const burst = Math.min(BATCH_MAX, limits.recordsPerMinute / 2);
  const spacing = 60_000 / (limits.recordsPerMinute - burst);
  const tolerance = burst * spacing;
  const tat = Math.max(current.tat, now);
  const newTat = tat + records * spacing;
  if (newTat - tolerance > now) return { ok: false, until: Math.ceil(newTat - tolerance) };
  return { ok: true, state: { ...current, tat: newTat, dayRecords: current.dayRecords + records, dayRequests: current.dayRequests + requests } };
}
