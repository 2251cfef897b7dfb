/** A job's standing with LinkedIn's daily feed, for the job card and `my jobs`. */
import type { Job, JobState } from '../../domain/job';
import { holdReasonTexts, zonedTime } from '../feedViews';
import type { HeldBackLookup } from '../../feed/feedService';
import type { BotDeps, Caller } from '../types';
import { jobCard, type JobFeedView } from '../views';
import { canChange } from './jobAccess';
import { canPromote, canRenew, channelOf } from '../../domain/apiChannel';
import type { Reply } from '../../shared/types';

/** States the next build concerns: it feeds queued jobs, refreshes fed ones and drops closed ones. */
const BUILD_MATTERS: ReadonlySet<JobState> = new Set<JobState>(['queued', 'in_feed', 'posted', 'closed']);
/** States a build can hold a job back in. */
const FEEDABLE: ReadonlySet<JobState> = new Set<JobState>(['queued', 'in_feed', 'posted']);

/**
 * Feed facts are extra information on a card that often follows a write (a job saved, a job closed): if the feed
 * cannot be asked, the card goes out without them rather than reporting a failure for a write that succeeded.
 */
function bestEffort<T>(lookup: Promise<T>): Promise<T | undefined> {
  return lookup.catch(() => undefined);
}

async function heldBackReasons(deps: BotDeps, caller: Caller, job: Job): Promise<string[] | undefined> {
  if (!FEEDABLE.has(job.state) || !canChange(caller, job)) return undefined;
  const reasons = await bestEffort(deps.feed.heldBackReasons(caller.tenantId, job.id));
  return reasons?.length ? holdReasonTexts(caller.language, reasons) : undefined;
}

async function nextBuildText(deps: BotDeps, caller: Caller): Promise<string | undefined> {
  const next = await bestEffort(deps.feed.nextBuildAt(caller.tenantId));
  return next ? zonedTime(caller.language, next, caller.timeZone ?? 'UTC') : undefined;
}

/** Next build time for everyone; why it is held back only for those who may change the job (its owner first). */
export async function jobFeedView(deps: BotDeps, caller: Caller, job: Job, justCreated = false): Promise<JobFeedView> {
  if (!BUILD_MATTERS.has(job.state)) return {};
  // A job created in this turn is in no feed build yet: nothing to look up.
  const [nextBuild, heldBack] = await Promise.all([nextBuildText(deps, caller), justCreated ? undefined : heldBackReasons(deps, caller, job)]);
  return { nextBuild, heldBack };
}

export async function jobCardReply(deps: BotDeps, caller: Caller, job: Job, notice?: string, justCreated = false): Promise<Reply> {
  const onApi = channelOf(job) === 'api';
  const [feed, settings] = await Promise.all([
    onApi ? {} : jobFeedView(deps, caller, job, justCreated),
    onApi ? deps.settings.get(caller.tenantId) : undefined
  ]);
  const mayChange = canChange(caller, job);
  const api = settings && mayChange ? { canRenew: canRenew(job, deps.now()), canPromote: canPromote(job, settings, caller.role) } : undefined;
  return { card: jobCard({ language: caller.language, job, canEdit: mayChange, notice, feed, api, timeZone: caller.timeZone }) };
}

/** The served snapshot for `my jobs`, read alongside the job list rather than after it. */
export function heldBackLookup(deps: BotDeps, caller: Caller): Promise<HeldBackLookup | undefined> {
  return bestEffort(deps.feed.heldBackLookup(caller.tenantId));
}

/** For `my jobs`: the next build time, and which listed jobs the current feed holds back. */
export async function jobListFeedView(
  deps: BotDeps,
  caller: Caller,
  jobs: readonly Job[],
  lookup: HeldBackLookup | undefined
): Promise<{ nextBuild?: string; heldBack: Set<string> }> {
  const feedable = jobs.filter((job) => FEEDABLE.has(job.state) && channelOf(job) === 'feed');
  // A page of jobs all on the Job Posting API has nothing to do with the next feed build.
  const onlyApi = jobs.length > 0 && jobs.every((job) => channelOf(job) === 'api');
  const [nextBuild, reasons] = await Promise.all([
    onlyApi ? undefined : nextBuildText(deps, caller),
    lookup ? Promise.all(feedable.map((job) => bestEffort(lookup(job.id)))) : []
  ]);
  return { nextBuild, heldBack: new Set(feedable.filter((_, i) => reasons[i]?.length).map((job) => job.id)) };
}
