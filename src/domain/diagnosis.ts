/**
 * "Why isn't job <id> on LinkedIn?": which of the known causes apply to a job, from facts the caller gathered.
 * Pure: no I/O, no clock (the caller passes `now`).
 *
 * Causes come from LinkedIn's rules for XML feed jobs (company ID, city and country, no duplicates; LinkedIn reads the
 * feed about daily and takes up to 48 hours: https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide)
 * and from this bot's own states (posting off, approval, queued). Whether the job passes the feed's checks is asked of
 * the feed's own `heldBackReasons`, so the diagnosis and the feed builder cannot disagree.
 */
import { feedSettingsOf, heldBackReasons, type HoldReason } from './feedRules';
import type { Job } from './job';
import type { TenantSettings } from './settings';

export const LINKEDIN_DISPLAY_HOURS = 48;
const HOUR_MS = 3_600_000;

export type Cause =
  | { code: 'closed' }
  | { code: 'draft' }
  | { code: 'awaiting_approval' }
  | { code: 'posting_off' }
  | { code: 'company_id_missing' }
  | { code: 'company_id_not_numeric'; companyId: string }
  | { code: 'location_incomplete' }
  /** The job fails other feed checks as it stands now. */
  | { code: 'held_back'; reasons: HoldReason[]; nextBuildAt: Date }
  /** The last build left it out, but it passes now: the next build takes it. */
  | { code: 'fixed_since_build'; reasons: HoldReason[]; nextBuildAt: Date }
  | { code: 'not_yet_built'; nextBuildAt: Date }
  | { code: 'not_yet_downloaded'; builtAt: Date; lastDownloadAt?: Date }
  | { code: 'downloaded_recently'; downloadedAt: Date; expectedBy: Date }
  | { code: 'possible_duplicate'; jobIds: string[] };

export type CauseCode = Cause['code'];

/** What the feed knows about the tenant and this job; absent parts are simply unknown. */
export interface FeedFacts {
  /** Why the last built snapshot left this job out, if it did. */
  lastBuildHeldBack?: HoldReason[];
  /** False when no feed service answered: then nothing is known about builds and downloads beyond the job's state. */
  tracksDownloads: boolean;
  lastDownloadAt?: Date;
  nextBuildAt: Date;
}

export interface DiagnosisFacts {
  job: Job;
  settings: Pick<TenantSettings, 'companyId' | 'companyName' | 'posterEmail' | 'postingEnabled'>;
  feed: FeedFacts;
  /** Other open jobs of the tenant that may duplicate this one (see `isPossibleDuplicate`). */
  otherOpenJobs: readonly Job[];
  now: Date;
}

/** Reasons that have a cause of their own, with advice of their own. */
const OWN_CAUSE_REASONS: ReadonlySet<HoldReason> = new Set<HoldReason>(['company_id_missing', 'company_id_not_numeric', 'location_incomplete']);

const sameText = (a: string | undefined, b: string | undefined) =>
  (a ?? '').trim().replace(/\s+/g, ' ').toLowerCase() === (b ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/** LinkedIn drops duplicates; the bot can only see its own jobs: another open one with the same title and place. */
export function isPossibleDuplicate(job: Job, other: Job): boolean {
  return (
    other.id !== job.id &&
    other.tenantId === job.tenantId &&
    other.state !== 'closed' &&
    other.state !== 'draft' &&
    sameText(other.title, job.title) &&
    sameText(other.city, job.city) &&
    sameText(other.country, job.country) &&
    sameText(other.region, job.region)
  );
}

/** The checks the feed builder applies to this job now, with the tenant's settings. */
function currentHoldReasons(facts: DiagnosisFacts): HoldReason[] {
  const { settings, job, now } = facts;
  return heldBackReasons(job, feedSettingsOf(settings), now);
}

/** Causes that stop the job whatever the timing: its state, the settings and the feed's checks. */
function blockingCauses(facts: DiagnosisFacts, reasons: HoldReason[]): Cause[] {
  const { job, settings, feed } = facts;
  const causes: Cause[] = [];
  if (job.state === 'draft') causes.push({ code: 'draft' });
  if (job.state === 'awaiting_approval') causes.push({ code: 'awaiting_approval' });
  if (settings.postingEnabled === false) causes.push({ code: 'posting_off' });
  if (reasons.includes('company_id_missing')) causes.push({ code: 'company_id_missing' });
  if (reasons.includes('company_id_not_numeric')) causes.push({ code: 'company_id_not_numeric', companyId: settings.companyId?.trim() ?? '' });
  if (reasons.includes('location_incomplete')) causes.push({ code: 'location_incomplete' });
  const others = reasons.filter((reason) => !OWN_CAUSE_REASONS.has(reason));
  if (others.length > 0) causes.push({ code: 'held_back', reasons: others, nextBuildAt: feed.nextBuildAt });
  return causes;
}

/** Where a job that passes every check is on its way: queued, built, read by LinkedIn, or long since. */
function timingCause(facts: DiagnosisFacts): Cause | undefined {
  const { job, feed, now } = facts;
  if (feed.lastBuildHeldBack?.length) return { code: 'fixed_since_build', reasons: feed.lastBuildHeldBack, nextBuildAt: feed.nextBuildAt };
  const built = (job.state === 'in_feed' || job.state === 'posted') && job.firstFedAt !== undefined;
  if (!built) return { code: 'not_yet_built', nextBuildAt: feed.nextBuildAt };
  if (!feed.tracksDownloads) return undefined;
  const builtAt = new Date(job.firstFedAt!);
  const download = feed.lastDownloadAt;
  if (!download || download < builtAt) return { code: 'not_yet_downloaded', builtAt, lastDownloadAt: download };
  // LinkedIn first read the job between builtAt and the last download; while builtAt is recent, so is that read.
  if (now.getTime() - builtAt.getTime() < LINKEDIN_DISPLAY_HOURS * HOUR_MS) {
    return { code: 'downloaded_recently', downloadedAt: download, expectedBy: new Date(download.getTime() + LINKEDIN_DISPLAY_HOURS * HOUR_MS) };
  }
  return undefined;
}

/** Every cause that applies, most serious first; empty when nothing is wrong. */
export function diagnose(facts: DiagnosisFacts): Cause[] {
  if (facts.job.state === 'closed') return [{ code: 'closed' }];
  const causes = blockingCauses(facts, currentHoldReasons(facts));
  if (causes.length === 0) {
    const timing = timingCause(facts);
    if (timing) causes.push(timing);
  }
  const duplicates = facts.otherOpenJobs.filter((other) => isPossibleDuplicate(facts.job, other)).map((other) => other.id);
  if (duplicates.length > 0) causes.push({ code: 'possible_duplicate', jobIds: duplicates });
  return causes;
}
