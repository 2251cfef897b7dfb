import { AppError } from '../../domain/errors';
import { diagnose, isPossibleDuplicate, type FeedFacts } from '../../domain/diagnosis';
import type { Job, JobState } from '../../domain/job';
import type { TenantSettings } from '../../domain/settings';
import type { FeedService } from '../../feed/feedService';
import { scheduleAt } from '../../feed/schedule';
import { t } from '../../i18n/strings';
import type { JobStore } from '../../storage/jobStore';
import { diagnosisCard } from '../faqViews';
import type { BotDeps, CardHandler, Caller, MessageHandler } from '../types';
import { canChange, findJob } from './jobAccess';
import { showsApiState } from '../apiViews';
import { jobCardReply } from './jobFeed';
import type { Reply } from '../../shared/types';

/** The part of the feed service the diagnosis reads. */
export type FeedFactsSource = Pick<FeedService, 'status' | 'heldBackReasons'>;

const OPEN_STATES: readonly JobState[] = ['awaiting_approval', 'queued', 'in_feed', 'posted'];
/** Enough to act on; a tenant with more copies of one job has a bigger problem than this card. */
const MAX_DUPLICATES = 10;

/** `why isn't job <id> on LinkedIn?` and its Norwegian twin; without an id, how to ask. */
export const whyNotOnLinkedIn: MessageHandler = async (deps, caller, match) => {
  const id = match.groups?.id ?? match.groups?.bareId;
  if (!id) return { text: t(caller.language, 'diag.usage', { example: 'J0ABCDEFGHJ' }) };
  return diagnoseJob(deps, caller, id);
};

/** "Check again" on the diagnosis card. */
export const whyNotOnLinkedInFromCard: CardHandler = (deps, caller, data) => diagnoseJob(deps, caller, data.jobId);

/** Gathers the facts (job, settings, feed, the tenant's other open jobs) and lets the domain decide. */
async function diagnoseJob(deps: BotDeps, caller: Caller, rawId: unknown): Promise<Reply> {
  const job = await findJob(deps, caller, rawId);
  // The card names other jobs and the tenant's settings: for the job's author, recruiters and admins only.
  if (!canChange(caller, job)) throw new AppError('NOT_YOUR_JOB', job.id);
  // The feed's causes do not apply to a job on the Job Posting API: its card says where it stands with LinkedIn.
  if (showsApiState(job)) return jobCardReply(deps, caller, job, t(caller.language, 'api.diagnosis'));
  const now = deps.now();
  const settings = await deps.settings.get(caller.tenantId);
  const [feed, otherOpenJobs] = await Promise.all([feedFacts(deps.feed, settings, job, now), possibleDuplicates(deps.jobs, job)]);
  const causes = diagnose({ job, settings, feed, otherOpenJobs, now });
  return { card: diagnosisCard({ language: caller.language, job, causes, timeZone: caller.timeZone ?? settings.timeZone }) };
}

async function feedFacts(feed: FeedFactsSource | undefined, settings: TenantSettings, job: Job, now: Date): Promise<FeedFacts> {
  if (!feed) {
    return { tracksDownloads: false, nextBuildAt: scheduleAt(now, { time: settings.buildTime, timeZone: settings.timeZone }).nextBuildAt };
  }
  const [status, lastBuildHeldBack] = await Promise.all([feed.status(job.tenantId), feed.heldBackReasons(job.tenantId, job.id)]);
  return {
    tracksDownloads: true,
    lastBuildHeldBack,
    lastDownloadAt: status.lastDownload ? new Date(status.lastDownload.at) : undefined,
    nextBuildAt: status.nextBuildAt
  };
}

/** Streams the tenant's open jobs, keeping only those that look like this one. */
async function possibleDuplicates(jobs: JobStore, job: Job): Promise<Job[]> {
  const found: Job[] = [];
  for await (const other of jobs.streamTenant(job.tenantId, { states: OPEN_STATES })) {
    if (isPossibleDuplicate(job, other)) found.push(other);
    if (found.length >= MAX_DUPLICATES) break;
  }
  return found;
}
