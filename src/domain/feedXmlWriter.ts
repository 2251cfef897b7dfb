/**
 * LinkedIn's daily XML job feed written as a stream with xmlbuilder2: the header, one `<job>` per fed job, the footer.
 * Which jobs go in and what each field becomes is decided in feedRules.ts; this file only writes XML. Free of I/O: the
 * caller supplies the jobs and the sink. "The guide": https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { Job } from './job';
import { FeedTooLargeError, MAX_FEED_JOBS, feedDecision, settingsReasons, type FeedEntry, type FeedSalary, type FeedSettings, type HoldReason } from './feedRules';
import { cdata, cdataPieces, sanitizeText } from './feedText';

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

function addSalaryEnd(salary: XMLBuilder, name: 'highEnd' | 'lowEnd', amount: string | undefined, currencyCode: string): void {
  if (amount === undefined) return;
  const end = salary.ele(name);
  addText(end, 'amount', amount);
  addText(end, 'currencyCode', currencyCode);
}

/** Guide: salaries/salary/{highEnd,lowEnd}/{amount,currencyCode}, period, type. */
function addSalaries(parent: XMLBuilder, value: FeedSalary | undefined): XMLBuilder | undefined {
  if (!value) return undefined;
  const salaries = parent.ele('salaries');
  const salary = salaries.ele('salary');
  addSalaryEnd(salary, 'highEnd', value.highEnd, value.currencyCode);
  addSalaryEnd(salary, 'lowEnd', value.lowEnd, value.currencyCode);
  addText(salary, 'period', value.period);
  addText(salary, 'type', 'BASE_SALARY');
  return salaries;
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

function text(name: string, value: Value): string {
  const key = String(value ?? '').length <= CACHEABLE_VALUE_MAX ? `${name}\u0000${value ?? ''}` : undefined;
  return rendered(key, (parent) => addText(parent, name, value));
}

function list(listName: string, itemName: string, values: ReadonlyArray<string | number>): string {
  return rendered(`${listName}\u0000${JSON.stringify(values)}`, (parent) => addList(parent, listName, itemName, values));
}

function salaries(value: FeedSalary | undefined): string {
  return rendered(`salaries\u0000${JSON.stringify(value ?? null)}`, (parent) => addSalaries(parent, value));
}

/**
 * partnerJobId, company, title, description, applyUrl: values unique to the job, so nothing to reuse. Written as
 * xmlbuilder2 writes an element holding CDATA sections (test/feed.test.ts holds the two equal), without building the
 * element: at 100,000 jobs, the elements xmlbuilder2 made and dropped per job were much of the build's garbage.
 */
function uniqueElements(entry: FeedEntry): string {
  let xml = '';
  for (const name of UNIQUE_ELEMENTS) {
    const value = entry[name];
    if (value !== undefined && value !== '') xml += `<${name}>${cdata(String(value))}</${name}>`;
  }
  return xml;
}

const UNIQUE_ELEMENTS = ['partnerJobId', 'company', 'title', 'description', 'applyUrl'] as const;

/**
 * One `<job>` on one line, in the order of the guide's field table.
 * Unindented inside on purpose: a `]]>` split into two CDATA sections must not get whitespace between them.
 */
function renderJob(entry: FeedEntry): string {
  const elements = [
    uniqueElements(entry),
    text('companyId', entry.companyId),
    text('location', entry.location),
    text('city', entry.city),
    text('state', entry.state),
    text('country', entry.country),
    text('postalCode', entry.postalCode),
    text('workplaceTypes', entry.workplaceTypes),
    text('jobtype', entry.jobtype),
    text('experienceLevel', entry.experienceLevel),
    list('jobFunctions', 'jobFunction', entry.jobFunctions),
    list('industryCodes', 'industryCode', entry.industryCodes),
    salaries(entry.salary),
    text('listDate', entry.listDate),
    text('expirationDate', entry.expirationDate),
    text('posterEmail', entry.posterEmail)
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

  for await (const job of jobs) {
    const decision = feedDecision(job, settings, options.now, settingsProblems);
    if (decision.kind === 'not_open') result.notOpenCount++;
    else if (decision.kind === 'expired') result.expiredJobIds.push(job.id);
    else if (decision.kind === 'held_back') result.heldBack.push({ jobId: job.id, reasons: decision.reasons });
    if (decision.kind !== 'fed') continue;
    if (result.jobCount >= maxJobs) throw new FeedTooLargeError(maxJobs);
    await emit(renderJob(decision.entry));
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
