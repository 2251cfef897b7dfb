/**
 * LinkedIn's Job Posting API on the fake LinkedIn (fakeLinkedIn.ts), built from LinkedIn's OpenAPI spec (the part we
 * use is copied in test/fixtures/linkedinJobPostingSpec.json, with its source):
 * - `POST /v2/simpleJobPostings` (batch_create, ≤ 100 elements): each element is checked against the spec's required
 *   fields, types and enums; a bad one gets a per-element 422, a good one a task (202);
 * - `GET /v2/simpleJobPostingTasks?ids=…`: tasks are IN_PROGRESS for `processingMs`, then SUCCEEDED, or FAILED with
 *   "Invalid Field: /city" for a city the fake rejects (`rejectCities`);
 * - `GET /v2/jobPostingStatus?ids=List((externalJobPostingId:…,integrationContext:…))`: the jobs LinkedIn has;
 * - LinkedIn's record limit (2,000 records a minute, any 60 s window) answered with 429 and Retry-After;
 * - every record counted per job, operation and content, so tests can say what was lost or sent twice.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import spec from '../fixtures/linkedinJobPostingSpec.json';
import type { FakeCall, FakeLinkedIn } from './fakeLinkedIn';

export interface FakeJobPostingOptions {
  /** The fake's clock (epoch ms); default Date.now. */
  now?: () => number;
  /** How long a task stays IN_PROGRESS. */
  processingMs?: number;
  /** LinkedIn's per-application record limit in any 60 s window; 0 = no limit. */
  recordsPerMinute?: number;
}

export interface FakeTask {
  id: string;
  jobId: string;
  operation: string;
  createdAt: number;
  outcome: { status: 'SUCCEEDED' | 'PROCESSED'; jobPosting: string } | { status: 'FAILED'; errorMessage: string };
}

export interface FakeListing {
  jobId: string;
  jobPosting: string;
  listingStatus: string;
  linkedInApplyStatus: string;
  promotionStatus: string;
  reason?: string;
  title: string;
}

type Element = Record<string, unknown>;

export class FakeJobPostings {
  /** Cities whose jobs fail their task with "Invalid Field: /city". */
  readonly rejectCities = new Set<string>();
  /** Every accepted element, per job: operation and a digest of the element, in arrival order. */
  readonly records = new Map<string, { operation: string; digest: string; at: number }[]>();
  readonly tasks = new Map<string, FakeTask>();
  readonly listings = new Map<string, FakeListing>();
  /** batch_create calls answered 429, and those answered at all. */
  throttled = 0;
  batchCalls = 0;
  taskCalls = 0;
  statusCalls = 0;
  /** The next batch_create answers 429 with this Retry-After (seconds), once per entry. */
  readonly forced429: number[] = [];
  private readonly window: { at: number; count: number }[] = [];
  private nextId = 1;
  private readonly now: () => number;

  constructor(private readonly fake: FakeLinkedIn, private readonly options: FakeJobPostingOptions = {}) {
    this.now = options.now ?? Date.now;
    fake.route('POST', '/v2/simpleJobPostings', (call, res) => this.batchCreate(call, res));
    fake.route('GET', '/v2/simpleJobPostingTasks', (call, res) => this.taskLookup(call, res));
    fake.route('GET', '/v2/jobPostingStatus', (call, res) => this.statusLookup(call, res));
  }

  /** Records per job and operation, e.g. `{ CREATE: 1 }`. */
  countsFor(jobId: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of this.records.get(jobId) ?? []) counts[record.operation] = (counts[record.operation] ?? 0) + 1;
    return counts;
  }

  /** The same element (job, operation, content) received more than once. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const [jobId, list] of this.records) for (const r of list) seen.set(`${jobId}|${r.operation}|${r.digest}`, (seen.get(`${jobId}|${r.operation}|${r.digest}`) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([key]) => key);
  }

  totalRecords(): number {
    let total = 0;
    for (const list of this.records.values()) total += list.length;
    return total;
  }

  /** LinkedIn closes a job by itself (member reports, say). */
  closeByLinkedIn(jobId: string, reason: string): FakeListing {
    const listing = this.listings.get(jobId);
    if (!listing) throw new Error(`fake LinkedIn does not have ${jobId}`);
    listing.listingStatus = 'CLOSED';
    listing.reason = reason;
    return listing;
  }

  /** The body LinkedIn posts to the Job Status Change webhook for a job. */
  notificationFor(jobId: string): Record<string, unknown> {
    const listing = this.listings.get(jobId);
    if (!listing) throw new Error(`fake LinkedIn does not have ${jobId}`);
    return {
      type: 'JOB_POSTING_STATUS',
      externalJobPostingId: jobId,
      developerApplicationUrn: 'urn:li:developerApplication:1234',
      jobPostingUrl: urlOf(listing.jobPosting),
      listingStatus: listing.listingStatus,
      linkedInApplyStatus: listing.linkedInApplyStatus,
      promotionStatus: listing.promotionStatus,
      ...(listing.reason ? { reason: listing.reason } : {})
    };
  }

  /** Settles every task now (tests that do not wait for processingMs). */
  private due(task: FakeTask): boolean {
    return this.now() >= task.createdAt + (this.options.processingMs ?? 0);
  }

  private batchCreate(call: FakeCall, res: ServerResponse): void {
    const send = (status: number, body: unknown, headers?: Record<string, string>) => this.fake.send(res, status, body, headers);
    if (!call.clientId) return send(401, { serviceErrorCode: 65600, message: 'Invalid access token', status: 401 });
    if (call.headers['x-restli-method'] !== spec.batchCreate.restliMethod) return send(400, { message: 'x-restli-method must be batch_create', status: 400 });
    let body: { elements?: unknown };
    try {
      body = JSON.parse(call.body) as { elements?: unknown };
    } catch {
      return send(400, { message: 'body is not JSON', status: 400 });
    }
    if (!Array.isArray(body.elements) || body.elements.length === 0) return send(400, { message: 'elements is required', status: 400 });
    if (body.elements.length > spec.batchCreate.maxElements) return send(400, { message: `at most ${spec.batchCreate.maxElements} elements`, status: 400 });
    const forced = this.forced429.shift();
    const wait = forced !== undefined ? forced * 1000 : this.overLimit(body.elements.length);
    if (wait > 0) {
      this.throttled++;
      return send(429, { message: 'Resource level throttle limit reached', status: 429 }, { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
    }
    this.batchCalls++;
    const now = this.now();
    this.window.push({ at: now, count: body.elements.length });
    const answers = (body.elements as Element[]).map((element) => this.accept(element, now));
    send(200, { elements: answers });
  }

  /** Milliseconds until `records` more fit LinkedIn's record limit in the last 60 s; 0 when they fit now. */
  private overLimit(records: number): number {
    const limit = this.options.recordsPerMinute ?? 0;
    if (!limit) return 0;
    const now = this.now();
    while (this.window.length > 0 && this.window[0].at <= now - 60_000) this.window.shift();
    let used = this.window.reduce((sum, entry) => sum + entry.count, 0);
    if (used + records <= limit) return 0;
    for (const entry of this.window) {
      used -= entry.count;
      if (used + records <= limit) return entry.at + 60_000 - now;
    }
    return 60_000;
  }

  private accept(element: Element, now: number): Record<string, unknown> {
    const problem = validate(element, now);
    if (problem) return { status: 422, error: { message: `ERROR :: /${problem.field} :: ${problem.message}\n`, status: 422 } };
    const jobId = String(element.externalJobPostingId);
    const operation = String(element.jobPostingOperationType);
    const list = this.records.get(jobId) ?? [];
    list.push({ operation, digest: createHash('sha256').update(JSON.stringify(element)).digest('hex').slice(0, 16), at: now });
    this.records.set(jobId, list);
    const id = `urn:li:simpleJobPostingTask:${this.nextId++}-fake`;
    this.tasks.set(id, { id, jobId, operation, createdAt: now, outcome: this.outcomeOf(element, jobId, operation) });
    return { id, status: 202, location: `/simpleJobPostings/${encodeURIComponent(id)}` };
  }

  private outcomeOf(element: Element, jobId: string, operation: string): FakeTask['outcome'] {
    const city = String(element.location ?? '').split(',')[0].trim();
    if (this.rejectCities.has(city)) {
      return { status: 'FAILED', errorMessage: `Job {partner=urn:li:jobPostingPartner:1, partnerJobCode=${jobId}} was dropped: true\n\nInvalid Field: /city; ` };
    }
    const existing = this.listings.get(jobId);
    if (operation !== 'CREATE' && !existing) return { status: 'FAILED', errorMessage: `Job ${jobId} does not exist` };
    return { status: 'SUCCEEDED', jobPosting: existing?.jobPosting ?? `urn:li:jobPosting:${7_000_000_000 + this.nextId}` };
  }

  /** A task's effect on LinkedIn's jobs happens when it finishes. */
  private settle(task: FakeTask): void {
    if (task.outcome.status === 'FAILED') return;
    const listing = this.listings.get(task.jobId);
    if (task.operation === 'CREATE' && !listing) {
      this.listings.set(task.jobId, { jobId: task.jobId, jobPosting: task.outcome.jobPosting, listingStatus: 'LISTED', linkedInApplyStatus: 'OFFSITE_APPLY', promotionStatus: 'NOT_PROMOTED', title: '' });
    } else if (task.operation === 'CLOSE' && listing) {
      listing.listingStatus = 'CLOSED';
    }
  }

  private taskLookup(call: FakeCall, res: ServerResponse): void {
    if (!call.clientId) return this.fake.send(res, 401, { serviceErrorCode: 65600, message: 'Invalid access token', status: 401 });
    this.taskCalls++;
    const ids = call.url.searchParams.getAll('ids');
    if (ids.length === 0) return this.fake.send(res, 400, { message: 'Batch key parameter value is invalid', status: 400 });
    const results: Record<string, unknown> = {};
    for (const id of ids) {
      const task = this.tasks.get(id);
      if (!task) continue;
      if (!this.due(task)) {
        results[id] = { id, status: 'IN_PROGRESS' };
        continue;
      }
      this.settle(task);
      results[id] = { id, ...task.outcome };
    }
    this.fake.send(res, 200, { results, statuses: {}, errors: {} });
  }

  private statusLookup(call: FakeCall, res: ServerResponse): void {
    if (!call.clientId) return this.fake.send(res, 401, { serviceErrorCode: 65600, message: 'Invalid access token', status: 401 });
    this.statusCalls++;
    // Tasks finish on LinkedIn's side whether or not anyone looks at them.
    for (const task of this.tasks.values()) if (this.due(task)) this.settle(task);
    const ids = call.url.searchParams.get('ids') ?? '';
    const results: Record<string, unknown> = {};
    for (const match of ids.matchAll(/\(externalJobPostingId:([^,()]+),integrationContext:([^,()]+)\)/g)) {
      const jobId = decodeURIComponent(match[1]);
      const listing = this.listings.get(jobId);
      if (!listing) continue;
      results[match[0]] = {
        externalJobPostingId: jobId,
        jobPostingUrl: urlOf(listing.jobPosting),
        listingStatus: listing.listingStatus,
        linkedInApplyStatus: listing.linkedInApplyStatus,
        promotionStatus: listing.promotionStatus,
        ...(listing.reason ? { reason: listing.reason } : {})
      };
    }
    this.fake.send(res, 200, { results, statuses: {}, errors: {} });
  }
}

export function urlOf(jobPostingUrn: string): string {
  return `https://www.linkedin.com/jobs/view/${jobPostingUrn.split(':').pop()}`;
}

/** The first way the element breaks the spec's foundation schema (and the promoted extension), if any. */
export function validate(element: Element, now = Date.now()): { field: string; message: string } | undefined {
  const foundation = spec.foundation;
  for (const field of foundation.required) {
    if (element[field] === undefined || element[field] === null || element[field] === '') return { field, message: 'field is required but not found and has no default value' };
  }
  for (const [field, rule] of Object.entries(foundation.strings) as [string, { maxLength?: number; minLength?: number; pattern?: string }][]) {
    const value = element[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { field, message: 'must be a string' };
    if (rule.maxLength !== undefined && value.length > rule.maxLength) return { field, message: `longer than ${rule.maxLength}` };
    if (rule.minLength !== undefined && value.length < rule.minLength) return { field, message: `shorter than ${rule.minLength}` };
    if (rule.pattern && !new RegExp(rule.pattern).test(value)) return { field, message: `"${value}" does not match ${rule.pattern}` };
  }
  for (const field of foundation.integers) {
    const value = element[field];
    if (value !== undefined && !Number.isInteger(value)) return { field, message: 'must be an integer' };
  }
  for (const field of foundation.stringArrays) {
    const value = element[field];
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) return { field, message: 'must be an array of strings' };
  }
  for (const field of foundation.booleans) {
    const value = element[field];
    if (value !== undefined && typeof value !== 'boolean') return { field, message: 'must be a boolean' };
  }
  for (const [field, values] of Object.entries(foundation.enums)) {
    const value = element[field];
    if (value !== undefined && !values.includes(String(value))) return { field, message: `"${String(value)}" is not an enum symbol` };
  }
  if (typeof element.listedAt === 'number' && element.listedAt > now + 60_000) return { field: 'listedAt', message: 'must not be in the future' };
  if (element.listingType === spec.promotedExtension.when.listingType) {
    for (const field of spec.promotedExtension.required) if (element[field] === undefined) return { field, message: 'field is required but not found and has no default value' };
  }
  return undefined;
}
