/**
 * What the product does with a job on LinkedIn's Job Posting API: which operation a change sends, when a job may be
 * renewed or promoted, and how a tenant's open jobs move between the feed and the API without being lost or
 * doubled. Pure: the handlers and the channel switch service store the results and wake the API sender.
 */
import type { Job } from './job';
import { queueApiOperation, type ApiPosting, type ChannelSwitch, type JobPostingOperation, type PostingChannel } from './jobPosting';
import type { Role, TenantSettings } from './settings';

const DAY_MS = 86_400_000;
/** "Renew" shows this long before a job expires (its own expiration date, or LinkedIn's listing expiry). */
export const RENEW_WINDOW_DAYS = 7;
/** A listing on LinkedIn lasts 30 days from its listing or renewal (RENEW extends it by 30 days). */
export const LISTING_DAYS = 30;

export function channelOf(job: Pick<Job, 'channel'>): PostingChannel {
  return job.channel ?? 'feed';
}

const inFlight = (api: ApiPosting | undefined) => api?.state === 'waiting' || api?.state === 'sent';

/**
 * LinkedIn has had (or is being given) the job through the API: a task succeeded once, a request is on its way, or an
 * operation other than CREATE was queued (those follow a CREATE that succeeded). A CREATE that LinkedIn refused or
 * that was never sent does not count: the author can still change everything.
 */
function apiEverHadJob(job: Pick<Job, 'api'>): boolean {
  const api = job.api;
  if (!api) return false;
  if (api.state === 'on_linkedin' || api.status?.jobPostingUrn || api.status?.jobPostingUrl) return true;
  if (api.operation !== 'CREATE') return true;
  return api.state === 'sent';
}

/** LinkedIn has the job by API now: it had it, and it is not closed there. */
export function apiHasJob(job: Pick<Job, 'api'>): boolean {
  return apiEverHadJob(job) && job.api?.state !== 'closed';
}

/** The job travels by API now, or is being moved there (a CREATE queued, on its way or refused during a switch). */
export function usesApi(job: Pick<Job, 'channel' | 'api'>): boolean {
  if (channelOf(job) === 'api') return true;
  return job.api?.operation === 'CREATE' && job.api.state !== 'closed' && job.api.state !== 'on_linkedin';
}

/** An edit (or a promotion) sends UPDATE once LinkedIn has the job; before that, CREATE again with the new content. */
export function changeOperation(job: Pick<Job, 'api'>): JobPostingOperation {
  return apiHasJob(job) ? 'UPDATE' : 'CREATE';
}

/** Queues `operation` on the job: the job row is the queue (see queueApiOperation). */
export function withApiOperation(job: Job, operation: JobPostingOperation, now: Date): Job {
  return { ...job, api: queueApiOperation(job, operation, now), updatedAt: now.toISOString() };
}

/** A job submitted (not awaiting approval) on a tenant that posts through the API: it goes by API only. */
export function routeSubmitted(job: Job, postingChannel: PostingChannel, now: Date): Job {
  if (job.state !== 'queued' || postingChannel !== 'api') return job;
  return withApiOperation({ ...job, channel: 'api' }, 'CREATE', now);
}

/** What an edit sends: nothing for a feed job; UPDATE or CREATE for a job on (or moving to) the API. */
export function routeEdited(job: Job, now: Date): Job {
  return usesApi(job) ? withApiOperation(job, changeOperation(job), now) : job;
}

/**
 * A closed job: CLOSE when LinkedIn has it by API; a CREATE never sent is simply not sent (its state leaves
 * `waiting`, so the sender passes it by); a feed job leaves at the next feed build.
 */
export function routeClosed(job: Job, now: Date): Job {
  if (!job.api) return job;
  if (apiHasJob(job)) return withApiOperation(job, 'CLOSE', now);
  return job.api.state === 'closed' ? job : { ...job, api: { ...job.api, state: 'closed' } };
}

/** When the job stops being listed: its expiration date (end of day, UTC) or LinkedIn's listing expiry, the earlier. */
export function expiresAt(job: Pick<Job, 'expirationDate' | 'createdAt' | 'renewedAt'>): Date {
  const listed = Date.parse(job.renewedAt ?? job.createdAt) + LISTING_DAYS * DAY_MS;
  const own = job.expirationDate ? Date.parse(`${job.expirationDate}T23:59:59.999Z`) : Number.POSITIVE_INFINITY;
  return new Date(Math.min(listed, own));
}

/** "Renew" on the card: an open API job LinkedIn has, nothing on its way, expiring within RENEW_WINDOW_DAYS. */
export function canRenew(job: Job, now: Date): boolean {
  if (job.state === 'closed' || job.state === 'draft' || channelOf(job) !== 'api') return false;
  if (!apiHasJob(job) || inFlight(job.api) || job.api?.state === 'closed') return false;
  return expiresAt(job).getTime() - now.getTime() <= RENEW_WINDOW_DAYS * DAY_MS;
}

/** Renewing extends LinkedIn's listing by 30 days (RENEW), and the job's own expiration date with it. */
export function renewJob(job: Job, now: Date): Job {
  const renewedAt = now.toISOString();
  const expirationDate = job.expirationDate
    ? new Date(Math.max(Date.parse(`${job.expirationDate}T00:00:00Z`), Date.parse(renewedAt.slice(0, 10))) + LISTING_DAYS * DAY_MS).toISOString().slice(0, 10)
    : undefined;
  return withApiOperation({ ...job, renewedAt, ...(expirationDate ? { expirationDate } : {}) }, 'RENEW', now);
}

/** "Promote" on the card: a tenant with a LinkedIn contract id, an open API job not yet promoted, a recruiter or admin. */
export function canPromote(job: Job, settings: Pick<TenantSettings, 'linkedInContractId'>, role: Role): boolean {
  if (!settings.linkedInContractId || (role !== 'recruiter' && role !== 'admin')) return false;
  if (job.state === 'closed' || job.state === 'draft' || job.promoted || channelOf(job) !== 'api') return false;
  return job.api?.state !== 'closed';
}

/** Promoted: listingType PREMIUM with the tenant's contract, sent as an UPDATE (or with the CREATE not yet sent). */
export function promoteJob(job: Job, now: Date): Job {
  return withApiOperation({ ...job, promoted: true }, changeOperation(job), now);
}

/** The title is fixed once LinkedIn has the job, by feed or by API. */
export function titleLockedByApi(job: Pick<Job, 'api'>): boolean {
  return apiEverHadJob(job);
}

// ---- moving a tenant between channels --------------------------------------------------------------------------

/** A save that changes the posting channel starts a switch; the same channel keeps whatever switch is under way. */
export function channelSwitchAfterSave(
  before: Pick<TenantSettings, 'postingChannel' | 'channelSwitch'>, nextChannel: PostingChannel, now: Date
): ChannelSwitch | undefined {
  if (before.postingChannel === nextChannel) return before.channelSwitch;
  return { from: before.postingChannel, to: nextChannel, startedAt: now.toISOString() };
}

export type SwitchStep =
  /** Nothing to do for this job: it is where the switch wants it (or not open, so on no channel). */
  | { kind: 'done' }
  /** Queue this API operation and store the job. */
  | { kind: 'queue'; operation: JobPostingOperation }
  /** Put the job on this channel (the feed takes it at its next build). */
  | { kind: 'move'; channel: PostingChannel }
  /** An operation is on its way (or LinkedIn refused it and the author must fix it): look again later. */
  | { kind: 'wait'; refused?: boolean };

const OPEN_STATES: ReadonlySet<Job['state']> = new Set<Job['state']>(['queued', 'in_feed', 'posted']);

/**
 * One job's next step while its tenant moves to `to`. The rule (never both channels when LinkedIn reads):
 * - to the API: each open feed job is sent by API (CREATE) and stays in the feed, channel 'feed', until LinkedIn
 *   confirms it (the sender sets channel 'api'); only then does the feed leave it out. A CREATE LinkedIn refuses keeps
 *   the job in the feed, and the switch waits for its author to fix it.
 * - to the feed: each job LinkedIn has by API is closed there first (CLOSE); only once LinkedIn confirms the close does
 *   the job go back into the feed (channel 'feed', queued for the next build). A job LinkedIn never had by API moves
 *   at once. Feeding it while the API job is still open would be a duplicate LinkedIn refuses or shows twice.
 */
export function switchStep(job: Job, to: PostingChannel): SwitchStep {
  if (!OPEN_STATES.has(job.state) || job.closedAt) return { kind: 'done' };
  const api = job.api;
  if (to === 'api') {
    if (channelOf(job) === 'api') return { kind: 'done' };
    if (inFlight(api)) return { kind: 'wait' };
    if (api?.state === 'rejected' && api.operation === 'CREATE') return { kind: 'wait', refused: true };
    return { kind: 'queue', operation: 'CREATE' };
  }
  if (inFlight(api)) return { kind: 'wait' };
  // A feed job whose move to the API LinkedIn refused (a switch reversed meanwhile): it simply stays on the feed.
  if (channelOf(job) === 'feed') return usesApi(job) ? { kind: 'move', channel: 'feed' } : { kind: 'done' };
  if (!apiHasJob(job) || api?.state === 'closed') return { kind: 'move', channel: 'feed' };
  return { kind: 'queue', operation: 'CLOSE' };
}

/**
 * The job after its step (unchanged for 'done' and 'wait'). Back on the feed, the job's API life is over (its API state
 * says closed, so nothing is sent for it any more) and a job coming from the API is queued for the next feed build.
 */
export function applySwitchStep(job: Job, step: SwitchStep, now: Date): Job {
  if (step.kind === 'queue') return withApiOperation(job, step.operation, now);
  if (step.kind !== 'move') return job;
  const updatedAt = now.toISOString();
  if (step.channel === 'api') return { ...job, channel: 'api', updatedAt };
  const api = job.api && job.api.state !== 'closed' ? { ...job.api, state: 'closed' as const } : job.api;
  return { ...job, channel: 'feed', state: channelOf(job) === 'api' ? 'queued' : job.state, ...(api ? { api } : {}), updatedAt };
}

export interface SwitchProgress {
  /** Jobs not yet where the switch wants them (waiting for LinkedIn, or refused by it). */
  pending: number;
  /** Of those, jobs LinkedIn refused: their authors must fix them. */
  refused: number;
}

/** The switch is over when no open job is left to move (every step is 'done'). */
export function switchProgress(steps: readonly SwitchStep[]): SwitchProgress {
  const pending = steps.filter((step) => step.kind !== 'done');
  return { pending: pending.length, refused: pending.filter((step) => step.kind === 'wait' && step.refused).length };
}
