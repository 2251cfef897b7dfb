/**
 * LinkedIn's Job Posting API as the engine calls it, with the tenant's RSC client-credentials token (one cached token
 * per client id, shared by concurrent calls: LinkedInClient.authorized):
 * - `POST /v2/simpleJobPostings`, `x-restli-method: batch_create`, at most 100 elements; the answer has one element per
 *   job, in order: a task (`id`, status 202) or an `error` (e.g. 422). An error may come back with 200: read the body.
 * - `GET /v2/simpleJobPostingTasks?ids=…&ids=…`: `results` (or `elements`) by task URN, status IN_PROGRESS, SUCCEEDED,
 *   FAILED or PROCESSED, with `jobPosting` or `errorMessage`.
 * - `GET /v2/jobPostingStatus?ids=List((externalJobPostingId:…,integrationContext:…))` ("Check Job Posting Statuses"):
 *   `results` naming each job's `jobPostingUrl`, `listingStatus`, `linkedInApplyStatus`, `promotionStatus`. Keys are
 *   our externalJobPostingId with the organization; answers are matched by the `externalJobPostingId` they carry.
 * A 429 throws LinkedInError with `retryAfterMs` (Retry-After); the engine holds every send until then.
 */
import { z } from 'zod';
import type { BatchOutcome, JobPostingElement, TaskResult } from '../domain/jobPostingElements';
import type { LinkedInJobStatus } from '../domain/jobPosting';
import type { LinkedInCredentials } from '../storage/settingsStore';
import { LinkedInError, type LinkedInClient } from './client';

const text = (max: number) => z.string().max(max);

const batchAnswerSchema = z.object({
  elements: z.array(
    z.object({
      id: text(300).optional(),
      status: z.union([z.number(), z.string()]).optional(),
      location: text(1000).optional(),
      error: z.object({ message: text(5000).optional(), status: z.union([z.number(), z.string()]).optional() }).passthrough().optional()
    }).passthrough()
  )
}).passthrough();

const taskSchema = z.object({ id: text(300).optional(), status: text(50), jobPosting: text(300).optional(), errorMessage: text(5000).optional() }).passthrough();
const tasksAnswerSchema = z.object({ results: z.record(z.unknown()).optional(), elements: z.array(z.unknown()).optional() }).passthrough();

const statusSchema = z.object({
  externalJobPostingId: text(200).optional(),
  jobPosting: text(300).optional(),
  jobPostingUrn: text(300).optional(),
  jobPostingUrl: text(2000).optional(),
  listingStatus: text(100).optional(),
  linkedInApplyStatus: text(100).optional(),
  promotionStatus: text(100).optional(),
  reason: text(1000).optional(),
  closeReason: text(1000).optional()
}).passthrough();
const statusAnswerSchema = z.object({ results: z.record(z.unknown()).optional(), elements: z.array(z.unknown()).optional() }).passthrough();

export type LinkedInStatus = Omit<LinkedInJobStatus, 'checkedAt'>;

export interface JobPostingApi {
  /** One outcome per element, in the elements' order. */
  batchCreate(credentials: LinkedInCredentials, elements: readonly JobPostingElement[]): Promise<BatchOutcome[]>;
  /** Results by task URN; tasks LinkedIn did not answer for are absent. */
  tasks(credentials: LinkedInCredentials, taskUrns: readonly string[]): Promise<Map<string, TaskResult>>;
  /** Statuses by externalJobPostingId; jobs LinkedIn does not know are absent. */
  statuses(credentials: LinkedInCredentials, organizationId: string, externalJobPostingIds: readonly string[]): Promise<Map<string, LinkedInStatus>>;
}

export const BATCH_LIMIT = 100;

export class JobPostingClient implements JobPostingApi {
  constructor(private readonly linkedIn: Pick<LinkedInClient, 'authorized'>) {}

  async batchCreate(credentials: LinkedInCredentials, elements: readonly JobPostingElement[]): Promise<BatchOutcome[]> {
    if (elements.length === 0) return [];
    if (elements.length > BATCH_LIMIT) throw new Error(`batch_create takes at most ${BATCH_LIMIT} elements`);
    const body = await this.linkedIn.authorized(credentials, {
      method: 'POST',
      path: '/v2/simpleJobPostings',
      headers: { 'x-restli-method': 'batch_create' },
      body: { elements },
      what: 'simpleJobPostings batch_create'
    });
    const parsed = batchAnswerSchema.safeParse(body);
    if (!parsed.success || parsed.data.elements.length !== elements.length) {
      // LinkedIn answered, but not in a way we can pair with our jobs: whether it took them is settled as in doubt.
      throw new LinkedInError('simpleJobPostings: unexpected answer', true, undefined, undefined, 'unexpected answer');
    }
    return parsed.data.elements.map((element): BatchOutcome => {
      const status = Number(element.status ?? element.error?.status ?? 0);
      if (element.id && !element.error && (status === 0 || (status >= 200 && status < 300))) return { kind: 'task', taskUrn: element.id };
      return { kind: 'error', message: (element.error?.message ?? `HTTP ${status}`).trim(), status: status || undefined };
    });
  }

  async tasks(credentials: LinkedInCredentials, taskUrns: readonly string[]): Promise<Map<string, TaskResult>> {
    const results = new Map<string, TaskResult>();
    if (taskUrns.length === 0) return results;
    const query = taskUrns.map((urn) => `ids=${encodeURIComponent(urn)}`).join('&');
    const body = await this.linkedIn.authorized(credentials, { path: `/v2/simpleJobPostingTasks?${query}`, what: 'simpleJobPostingTasks' });
    const parsed = tasksAnswerSchema.safeParse(body);
    if (!parsed.success) throw new LinkedInError('simpleJobPostingTasks: unexpected answer', true);
    const entries = [...Object.entries(parsed.data.results ?? {}), ...(parsed.data.elements ?? []).map((e) => [undefined, e] as const)];
    for (const [key, value] of entries) {
      const task = taskSchema.safeParse(value);
      if (!task.success) continue;
      const urn = task.data.id ?? key;
      if (urn) results.set(urn, { status: task.data.status, jobPosting: task.data.jobPosting, errorMessage: task.data.errorMessage });
    }
    return results;
  }

  async statuses(credentials: LinkedInCredentials, organizationId: string, externalJobPostingIds: readonly string[]): Promise<Map<string, LinkedInStatus>> {
    const found = new Map<string, LinkedInStatus>();
    if (externalJobPostingIds.length === 0) return found;
    const context = encodeURIComponent(`urn:li:organization:${organizationId}`);
    const keys = externalJobPostingIds.map((id) => `(externalJobPostingId:${encodeURIComponent(id)},integrationContext:${context})`).join(',');
    const body = await this.linkedIn.authorized(credentials, { path: `/v2/jobPostingStatus?ids=List(${keys})`, what: 'jobPostingStatus' });
    const parsed = statusAnswerSchema.safeParse(body);
    if (!parsed.success) throw new LinkedInError('jobPostingStatus: unexpected answer', true);
    const values = [...Object.values(parsed.data.results ?? {}), ...(parsed.data.elements ?? [])];
    for (const value of values) {
      const status = statusSchema.safeParse(value);
      if (!status.success || !status.data.externalJobPostingId) continue;
      found.set(status.data.externalJobPostingId, linkedInStatusOf(status.data));
    }
    return found;
  }
}

/** The fields the card shows, from a status answer or a Job Status Change Notification. */
export function linkedInStatusOf(value: z.infer<typeof statusSchema>): LinkedInStatus {
  const status: LinkedInStatus = {
    jobPostingUrn: value.jobPostingUrn ?? value.jobPosting,
    jobPostingUrl: value.jobPostingUrl,
    listingStatus: value.listingStatus,
    linkedInApplyStatus: value.linkedInApplyStatus,
    promotionStatus: value.promotionStatus,
    reason: value.reason ?? value.closeReason
  };
  return Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined));
}

export { statusSchema as linkedInStatusSchema };
