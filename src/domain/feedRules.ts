/**
 * The rules of LinkedIn's daily XML job feed (Basic Jobs): which jobs go in, why one is held back, and what each of a
 * job's fields becomes in the feed. The XML itself is written by feedXmlWriter.ts.
 * Element names and rules: https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide
 * (called "the guide" below). Pure: no I/O, no XML.
 */
import { PARTNER_JOB_ID_MAX, isAbsoluteHttps, todayUtc, type Job, type JobState } from './job';
import type { TenantSettings } from './settings';
import { sanitizeDescription, sanitizeText, visibleText } from './feedText';

export interface FeedSettings {
  /** Fallback employer name when a job has none. */
  companyName: string;
  /** Numeric id from the LinkedIn Page admin URL; mandatory for ATSs (guide, "companyId"). */
  companyId?: string;
  /** Mandatory since the June 2025 schema update (guide, "Job Poster Email"). */
  posterEmail?: string;
  publisher: string;
  publisherUrl: string;
  /** LinkedIn industry codes (https://learn.microsoft.com/linkedin/shared/references/reference-tables/industry-codes). */
  industryCodes?: number[];
}

/** The feed's settings from a tenant's effective settings. */
export function feedSettingsOf(settings: Pick<TenantSettings, 'companyName' | 'companyId' | 'posterEmail' | 'publisher' | 'publisherUrl'>): FeedSettings {
  return {
    companyName: settings.companyName ?? '',
    companyId: settings.companyId,
    posterEmail: settings.posterEmail,
    publisher: settings.publisher ?? settings.companyName ?? '',
    publisherUrl: settings.publisherUrl ?? ''
  };
}

export type HoldReason =
  | 'company_id_missing'
  | 'company_id_not_numeric'
  | 'poster_email_missing'
  | 'poster_email_invalid'
  | 'partner_job_id_missing'
  | 'partner_job_id_too_long'
  | 'company_missing'
  | 'company_confidential'
  | 'title_missing'
  | 'title_too_long'
  | 'description_too_short'
  | 'description_too_long'
  | 'apply_url_not_https'
  | 'location_incomplete'
  | 'job_functions_too_many'
  | 'expired';

/** Thrown rather than truncating: a truncated snapshot would close the jobs left out at LinkedIn. */
export class FeedTooLargeError extends Error {
  constructor(readonly maxJobs: number) {
    super(`The feed would hold more than ${maxJobs} jobs, LinkedIn's limit per feed`);
    this.name = 'FeedTooLargeError';
  }
}

/** "A feed can contain maximum 500K jobs" (guide, Requirement Considerations). */
export const MAX_FEED_JOBS = 500_000;
/** Guide: description "Requires a minimum of 100 characters". */
const DESCRIPTION_MIN = 100;
/** The guide gives no maximum; LinkedIn's Job Posting API caps title at 200 and description at 25,000
 * (https://learn.microsoft.com/linkedin/talent/job-postings/api/job-posting-api-schema). */
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 25_000;
const JOB_FUNCTIONS_MAX = 3;
/** The guide's XML `jobtype` values; TEMPORARY exists only in the API, so it is left out rather than guessed. */
const FEED_JOB_TYPES: ReadonlySet<string> = new Set(['FULL_TIME', 'PART_TIME', 'CONTRACT', 'INTERNSHIP', 'VOLUNTEER']);
const SNAPSHOT_STATES: ReadonlySet<JobState> = new Set<JobState>(['queued', 'in_feed', 'posted']);

/** A job's values as they will be written: sanitised once, then checked and rendered. */
interface FeedJob {
  partnerJobId: string;
  company: string;
  title: string;
  description: string;
  applyUrl: string;
  city: string;
  state: string;
  country: string;
  postalCode: string;
  location: string;
}

/** Guide: salaries/salary/{highEnd,lowEnd}/{amount,currencyCode}, period; amounts as `formatAmount` writes them. */
export interface FeedSalary {
  highEnd?: string;
  lowEnd?: string;
  currencyCode: string;
  period: string;
}

/** Everything a fed job's `<job>` holds, in the order of the guide's field table; an empty or absent value is left out. */
export interface FeedEntry extends FeedJob {
  companyId?: string;
  workplaceTypes?: string;
  jobtype?: string;
  experienceLevel?: string;
  jobFunctions: string[];
  industryCodes: number[];
  salary?: FeedSalary;
  /** The day LinkedIn first got the job. */
  listDate: string;
  expirationDate?: string;
  posterEmail?: string;
}

/** Where a job that streams past a build ends up. */
export type FeedDecision =
  | { kind: 'fed'; entry: FeedEntry }
  | { kind: 'held_back'; reasons: HoldReason[] }
  /** Open but past its expiration date: left out, and due to be closed. */
  | { kind: 'expired' }
  /** A draft, awaiting approval, closed, or on the Job Posting API. */
  | { kind: 'not_open' };

function isExpired(job: Job, now: Date): boolean {
  return job.expirationDate !== undefined && job.expirationDate < todayUtc(now);
}

/**
 * Open, not expired and on the feed channel: the jobs LinkedIn should see in the feed. The feed is a full snapshot,
 * so anything else gets closed there. A job on the Job Posting API is never in the feed: never both channels.
 */
export function isInFeedSnapshot(job: Job, now: Date): boolean {
  return job.channel !== 'api' && SNAPSHOT_STATES.has(job.state) && job.closedAt === undefined && !isExpired(job, now);
}

let countryNames: Intl.DisplayNames | undefined;
/** Intl.DisplayNames is slow per call and a feed repeats a handful of countries: remembered per code. */
const countryNameCache = new Map<string, string>();
function countryName(code: string): string {
  let name = countryNameCache.get(code);
  if (name === undefined) {
    try {
      countryNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
      name = countryNames.of(code) ?? code;
    } catch {
      name = code;
    }
    if (countryNameCache.size < 1000) countryNameCache.set(code, name);
  }
  return name;
}

/** Guide, "location": US "City, State" (e.g. "San Francisco, CA"), elsewhere "City, Country" (e.g. "London, United Kingdom"). */
export function feedLocation(city: string, state: string, country: string): string {
  return country === 'US' ? `${city}, ${state}` : `${city}, ${countryName(country)}`;
}

function toFeedJob(job: Job, settings: FeedSettings): FeedJob {
  const city = sanitizeText(job.city).trim();
  const state = sanitizeText(job.region).trim();
  const country = sanitizeText(job.country).trim().toUpperCase();
  return {
    partnerJobId: sanitizeText(job.id).trim(),
    company: sanitizeText(job.company).trim() || sanitizeText(settings.companyName).trim(),
    title: sanitizeText(job.title).trim(),
    description: sanitizeDescription(job.description).trim(),
    applyUrl: sanitizeText(job.applyUrl).trim(),
    city,
    state,
    country,
    postalCode: sanitizeText(job.postalCode).trim(),
    location: feedLocation(city, state, country)
  };
}

/** Why no job of the tenant can go into the feed (company id, poster email); empty when the settings are complete. */
export function settingsReasons(settings: FeedSettings): HoldReason[] {
  const reasons: HoldReason[] = [];
  const companyId = settings.companyId?.trim() ?? '';
  if (!companyId) reasons.push('company_id_missing');
  else if (!/^\d+$/.test(companyId)) reasons.push('company_id_not_numeric');
  const email = settings.posterEmail?.trim() ?? '';
  if (!email) reasons.push('poster_email_missing');
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) reasons.push('poster_email_invalid');
  return reasons;
}

function jobReasons(feedJob: FeedJob, job: Job, now: Date): HoldReason[] {
  const reasons: HoldReason[] = [];
  if (!feedJob.partnerJobId) reasons.push('partner_job_id_missing');
  if (feedJob.partnerJobId.length > PARTNER_JOB_ID_MAX) reasons.push('partner_job_id_too_long');
  if (!feedJob.company) reasons.push('company_missing');
  // LinkedIn refuses generic employer names such as "Confidential" for Basic Jobs (XML feed job posting guidelines).
  if (/\bconfidential\b/i.test(feedJob.company)) reasons.push('company_confidential');
  if (!feedJob.title) reasons.push('title_missing');
  if (feedJob.title.length > TITLE_MAX) reasons.push('title_too_long');
  if (visibleText(feedJob.description).length < DESCRIPTION_MIN) reasons.push('description_too_short');
  if (feedJob.description.length > DESCRIPTION_MAX) reasons.push('description_too_long');
  if (!isAbsoluteHttps(feedJob.applyUrl)) reasons.push('apply_url_not_https');
  if (!isLocationComplete(feedJob)) reasons.push('location_incomplete');
  if ((job.jobFunctions ?? []).length > JOB_FUNCTIONS_MAX) reasons.push('job_functions_too_many');
  if (isExpired(job, now)) reasons.push('expired');
  return reasons;
}

/** City and an ISO country always (also for Remote jobs, per the guide); a state too in the US, whose format is "City, State". */
function isLocationComplete(feedJob: FeedJob): boolean {
  if (!feedJob.city || !/^[A-Z]{2}$/.test(feedJob.country)) return false;
  return feedJob.country !== 'US' || feedJob.state !== '';
}

/** Why a job cannot go into the feed as it stands; empty when it can. */
export function heldBackReasons(job: Job, settings: FeedSettings, now: Date): HoldReason[] {
  return [...settingsReasons(settings), ...jobReasons(toFeedJob(job, settings), job, now)];
}

/** Integer, two-decimal at most; the guide types amount as Integer, the API as "a real number string". */
function formatAmount(amount: number): string {
  return String(Math.round(amount * 100) / 100);
}

/** Left out unless currency and period are known and there is at least one end. */
function feedSalary(job: Job): FeedSalary | undefined {
  const { salaryMin, salaryMax, salaryCurrency, salaryPeriod } = job;
  if ((salaryMin === undefined && salaryMax === undefined) || !salaryCurrency || !salaryPeriod) return undefined;
  return {
    highEnd: salaryMax === undefined ? undefined : formatAmount(salaryMax),
    lowEnd: salaryMin === undefined ? undefined : formatAmount(salaryMin),
    currencyCode: salaryCurrency,
    period: salaryPeriod
  };
}

function validIndustryCodes(settings: FeedSettings): number[] {
  return (settings.industryCodes ?? []).filter((code) => Number.isInteger(code) && code > 0);
}

/**
 * Every field written out, not `{ ...feedJob, … }`: V8 made that spread with ten more properties 1,000 times slower
 * (27 µs a job) and left object shapes behind as old-generation garbage: a third of a 100,000-job build's time and
 * much of its memory growth (bench/feed.ts).
 */
function feedEntry(job: Job, feedJob: FeedJob, settings: FeedSettings, today: string): FeedEntry {
  const { partnerJobId, company, title, description, applyUrl, city, state, country, postalCode, location } = feedJob;
  return {
    partnerJobId, company, title, description, applyUrl, city, state, country, postalCode, location,
    companyId: settings.companyId?.trim(),
    workplaceTypes: job.workplaceType,
    jobtype: FEED_JOB_TYPES.has(job.employmentType) ? job.employmentType : undefined,
    experienceLevel: job.experienceLevel,
    jobFunctions: job.jobFunctions ?? [],
    industryCodes: validIndustryCodes(settings),
    salary: feedSalary(job),
    listDate: job.firstFedAt ? job.firstFedAt.slice(0, 10) : today,
    expirationDate: job.expirationDate,
    posterEmail: settings.posterEmail?.trim()
  };
}

/**
 * Where `job` ends up in a feed built at `now`. `settingsProblems` is `settingsReasons(settings)`, passed in so that a
 * build checks the settings once rather than per job.
 */
export function feedDecision(job: Job, settings: FeedSettings, now: Date, settingsProblems = settingsReasons(settings)): FeedDecision {
  if (!isInFeedSnapshot(job, now)) {
    const expired = job.channel !== 'api' && isExpired(job, now) && SNAPSHOT_STATES.has(job.state) && !job.closedAt;
    return { kind: expired ? 'expired' : 'not_open' };
  }
  const feedJob = toFeedJob(job, settings);
  const reasons = [...settingsProblems, ...jobReasons(feedJob, job, now)];
  if (reasons.length > 0) return { kind: 'held_back', reasons };
  return { kind: 'fed', entry: feedEntry(job, feedJob, settings, todayUtc(now)) };
}
