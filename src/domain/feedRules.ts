/**
 * LinkedIn's daily XML job feed (Basic Jobs), written as a stream.
 * Element names and rules: https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide
 * (called "the guide" below). Free of I/O: the caller supplies the jobs and the sink.
 */
import type { Job, JobState } from './job';
import type { TenantSettings } from './settings';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { cdataPieces, sanitizeDescription, sanitizeText, visibleText } from './feedText';

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

export interface FeedSink {
  write(chunk: string): Promise<void> | void;
}

export interface FeedOptions {
  now: Date;
  /** Written in the header before any job streams past, so the caller counts beforehand. */
  expectedJobCount: number;
  /** Defaults to LinkedIn's 500,000 jobs per feed. */
  maxJobs?: number;
}

export interface FeedBuildResult {
  /** Jobs written to the feed. */
  jobCount: number;
  /** What the header announced; differing from `jobCount` is allowed, and worth logging. */
  expectedJobCount: number;
  /** Open, unexpired jobs that could not be fed, with why. */
  heldBack: Array<{ jobId: string; reasons: HoldReason[] }>;
  /** Open jobs past their expiration date: left out, and due to be closed. */
  expiredJobIds: string[];
  /** Drafts, jobs awaiting approval and closed jobs that streamed past: left out. */
  notOpenCount: number;
  /** UTF-8 bytes written. */
  bytes: number;
}

/** Thrown rather than truncating: a truncated snapshot would close the jobs left out at LinkedIn. */
export class FeedTooLargeError extends Error {
  constructor(readonly maxJobs: number) {
    super(`The feed would hold more than ${maxJobs} jobs, LinkedIn's limit per feed`);
    this.name = 'FeedTooLargeError';
  }
}

/** "A feed can contain maximum 500K jobs" (guide, Requirement Considerations). */
export const MAX_FEED_JOBS = 500_000;
/** Guide: partnerJobId "String (max. 40 chars)". */
const PARTNER_JOB_ID_MAX = 40;
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

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function isExpired(job: Job, now: Date): boolean {
  return job.expirationDate !== undefined && job.expirationDate < utcDay(now);
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

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.includes('.');
  } catch {
    return false;
  }
}

function settingsReasons(settings: FeedSettings): HoldReason[] {
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
  if (!isHttpsUrl(feedJob.applyUrl)) reasons.push('apply_url_not_https');
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

// ---- rendering (xmlbuilder2) -----------------------------------------------------------------------------------

type Value = string | number | undefined;

/** A child element holding `value` as CDATA; omitted when empty (guide: leave out empty optional elements). */
function addText(parent: XMLBuilder, name: string, value: Value): XMLBuilder | undefined {
  if (value === undefined || value === '') return undefined;
  const element = parent.ele(name);
  for (const piece of cdataPieces(String(value))) element.dat(piece);
  return element;
}

function addList(parent: XMLBuilder, listName: string, itemName: string, values: ReadonlyArray<string | number>): XMLBuilder | undefined {
  if (values.length === 0) return undefined;
  const list = parent.ele(listName);
  for (const value of values) addText(list, itemName, value);
  return list;
}

/** Integer, two-decimal at most; the guide types amount as Integer, the API as "a real number string". */
function formatAmount(amount: number): string {
  return String(Math.round(amount * 100) / 100);
}

function addSalaryEnd(salary: XMLBuilder, name: 'highEnd' | 'lowEnd', amount: number | undefined, currency: string): void {
  if (amount === undefined) return;
  const end = salary.ele(name);
  addText(end, 'amount', formatAmount(amount));
  addText(end, 'currencyCode', currency);
}

/** Guide: salaries/salary/{highEnd,lowEnd}/{amount,currencyCode}, period, type. Left out unless currency and period are known. */
function addSalaries(parent: XMLBuilder, job: Job): XMLBuilder | undefined {
  const { salaryMin, salaryMax, salaryCurrency, salaryPeriod } = job;
  if ((salaryMin === undefined && salaryMax === undefined) || !salaryCurrency || !salaryPeriod) return undefined;
  const salaries = parent.ele('salaries');
  const salary = salaries.ele('salary');
  addSalaryEnd(salary, 'highEnd', salaryMax, salaryCurrency);
  addSalaryEnd(salary, 'lowEnd', salaryMin, salaryCurrency);
  addText(salary, 'period', salaryPeriod);
  addText(salary, 'type', 'BASE_SALARY');
  return salaries;
}

function validIndustryCodes(settings: FeedSettings): number[] {
  return (settings.industryCodes ?? []).filter((code) => Number.isInteger(code) && code > 0);
}

/** Elements are built here by xmlbuilder2, serialised, and removed again. */
const scratch = create().ele('scratch');
/**
 * Most of a job's elements repeat from job to job (company, companyId, location, country, job type, salary, poster
 * email…): xmlbuilder2 renders each distinct one once per process, which keeps the build close to the speed of
 * reading the jobs out of storage (bench/feed.ts). Unique values (ids, titles, descriptions, URLs) are never cached.
 */
const renderedElements = new Map<string, string>();
const RENDERED_ELEMENTS_MAX = 10_000;
const CACHEABLE_VALUE_MAX = 200;

function rendered(key: string | undefined, build: (parent: XMLBuilder) => XMLBuilder | undefined): string {
  const cached = key === undefined ? undefined : renderedElements.get(key);
  if (cached !== undefined) return cached;
  const element = build(scratch);
  const xml = element ? element.toString({ headless: true }) : '';
  element?.remove();
  if (key !== undefined) {
    if (renderedElements.size >= RENDERED_ELEMENTS_MAX) renderedElements.clear();
    renderedElements.set(key, xml);
  }
  return xml;
}

function text(name: string, value: Value, repeats = true): string {
  const key = repeats && String(value ?? '').length <= CACHEABLE_VALUE_MAX ? `${name}\u0000${value ?? ''}` : undefined;
  return rendered(key, (parent) => addText(parent, name, value));
}

function list(listName: string, itemName: string, values: ReadonlyArray<string | number>): string {
  return rendered(`${listName}\u0000${JSON.stringify(values)}`, (parent) => addList(parent, listName, itemName, values));
}

function salaries(job: Job): string {
  const { salaryMin, salaryMax, salaryCurrency, salaryPeriod } = job;
  return rendered(`salaries\u0000${JSON.stringify([salaryMin, salaryMax, salaryCurrency, salaryPeriod])}`, (parent) => addSalaries(parent, job));
}

/** partnerJobId, company, title, description, applyUrl: values unique to the job, built and serialised in one pass. */
function uniqueElements(feedJob: FeedJob): string {
  for (const name of ['partnerJobId', 'company', 'title', 'description', 'applyUrl'] as const) addText(scratch, name, feedJob[name]);
  const xml = scratch.toString({ headless: true });
  const node = scratch.node;
  while (node.lastChild) node.removeChild(node.lastChild);
  return xml.startsWith(SCRATCH_OPEN) ? xml.slice(SCRATCH_OPEN.length, -SCRATCH_CLOSE.length) : '';
}

const SCRATCH_OPEN = '<scratch>';
const SCRATCH_CLOSE = '</scratch>';

/**
 * One `<job>` on one line, in the order of the guide's field table. `listDate` is the day LinkedIn first got the job.
 * Unindented inside on purpose: a `]]>` split into two CDATA sections must not get whitespace between them.
 */
function renderJob(job: Job, feedJob: FeedJob, settings: FeedSettings, today: string): string {
  const elements = [
    uniqueElements(feedJob),
    text('companyId', settings.companyId?.trim()),
    text('location', feedJob.location),
    text('city', feedJob.city),
    text('state', feedJob.state),
    text('country', feedJob.country),
    text('postalCode', feedJob.postalCode),
    text('workplaceTypes', job.workplaceType),
    text('jobtype', FEED_JOB_TYPES.has(job.employmentType) ? job.employmentType : undefined),
    text('experienceLevel', job.experienceLevel),
    list('jobFunctions', 'jobFunction', job.jobFunctions ?? []),
    list('industryCodes', 'industryCode', validIndustryCodes(settings)),
    salaries(job),
    text('listDate', job.firstFedAt ? job.firstFedAt.slice(0, 10) : today),
    text('expirationDate', job.expirationDate),
    text('posterEmail', settings.posterEmail?.trim())
  ];
  return `${INDENT}<job>${elements.join('')}</job>\n`;
}

const INDENT = '  ';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const SOURCE_OPEN = '<source>';
const FOOTER = '</source>\n';

/**
 * The declaration, `<source>` and the header elements (guide: lastBuildDate, publisherUrl — the table says
 * "publisherURL", the guide's example `<publisherUrl>` — publisher, expectedJobCount). `<source>` stays open: the jobs
 * and FOOTER follow.
 */
export function renderFeedHeader(settings: FeedSettings, now: Date, expectedJobCount: number): string {
  const source = create().ele('source');
  addText(source, 'lastBuildDate', now.toUTCString());
  addText(source, 'publisherUrl', sanitizeText(settings.publisherUrl).trim());
  addText(source, 'publisher', sanitizeText(settings.publisher).trim());
  addText(source, 'expectedJobCount', expectedJobCount);
  const whole = source.end({ headless: true });
  const headerElements = whole.slice(SOURCE_OPEN.length, whole.length - '</source>'.length);
  return `${XML_DECLARATION}\n${SOURCE_OPEN}\n${INDENT}${headerElements}\n`;
}

// ---- streaming -------------------------------------------------------------------------------------------------

export interface FeedBodyOptions {
  now: Date;
  /** Defaults to LinkedIn's 500,000 jobs per feed. */
  maxJobs?: number;
  /** Told each job written into the feed. */
  onFed?: (job: Job) => void;
}

/**
 * Streams the feed's body: each feedable job as it arrives, then the closing `</source>`; the header (which carries
 * the job count) is rendered afterwards with `renderFeedHeader` and goes first. Memory stays flat whatever the number
 * of jobs (only held-back and expired ids are kept). On FeedTooLargeError part of a feed has been written: the caller
 * must discard it, never publish it.
 */
export async function writeFeedBody(
  jobs: AsyncIterable<Job>,
  settings: FeedSettings,
  out: FeedSink,
  options: FeedBodyOptions
): Promise<FeedBuildResult> {
  const maxJobs = options.maxJobs ?? MAX_FEED_JOBS;
  const result: FeedBuildResult = { jobCount: 0, expectedJobCount: 0, heldBack: [], expiredJobIds: [], notOpenCount: 0, bytes: 0 };
  const emit = async (chunk: string) => {
    result.bytes += Buffer.byteLength(chunk, 'utf8');
    await out.write(chunk);
  };
  const settingsProblems = settingsReasons(settings);
  const today = utcDay(options.now);

  for await (const job of jobs) {
    if (!isInFeedSnapshot(job, options.now)) {
      if (job.channel !== 'api' && isExpired(job, options.now) && SNAPSHOT_STATES.has(job.state) && !job.closedAt) result.expiredJobIds.push(job.id);
      else result.notOpenCount++;
      continue;
    }
    const feedJob = toFeedJob(job, settings);
    const reasons = [...settingsProblems, ...jobReasons(feedJob, job, options.now)];
    if (reasons.length > 0) {
      result.heldBack.push({ jobId: job.id, reasons });
      continue;
    }
    if (result.jobCount >= maxJobs) throw new FeedTooLargeError(maxJobs);
    await emit(renderJob(job, feedJob, settings, today));
    result.jobCount++;
    options.onFed?.(job);
  }
  await emit(FOOTER);
  result.expectedJobCount = result.jobCount;
  return result;
}

function checkOptions(options: FeedOptions, maxJobs: number): void {
  if (!Number.isInteger(options.expectedJobCount) || options.expectedJobCount < 0) {
    throw new RangeError('expectedJobCount must be a whole number, 0 or more');
  }
  if (options.expectedJobCount > maxJobs) throw new FeedTooLargeError(maxJobs);
}

/** The whole feed in document order, when the job count is known beforehand (header first, then the body). */
export async function writeFeed(
  jobs: AsyncIterable<Job>,
  settings: FeedSettings,
  out: FeedSink,
  options: FeedOptions
): Promise<FeedBuildResult> {
  const maxJobs = options.maxJobs ?? MAX_FEED_JOBS;
  checkOptions(options, maxJobs);
  const header = renderFeedHeader(settings, options.now, options.expectedJobCount);
  await out.write(header);
  const body = await writeFeedBody(jobs, settings, out, { now: options.now, maxJobs });
  return { ...body, expectedJobCount: options.expectedJobCount, bytes: body.bytes + Buffer.byteLength(header, 'utf8') };
}
