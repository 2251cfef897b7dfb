import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ApiPosting, PostingChannel } from './jobPosting';
import { titleLockedByApi } from './apiChannel';

/** Values LinkedIn accepts; the feed and the form both read from these lists. */
export const WORKPLACE_TYPES = ['On-site', 'Hybrid', 'Remote'] as const;
export const EMPLOYMENT_TYPES = ['FULL_TIME', 'PART_TIME', 'CONTRACT', 'TEMPORARY', 'INTERNSHIP', 'VOLUNTEER'] as const;
export const EXPERIENCE_LEVELS = [
  'ENTRY_LEVEL', 'ASSOCIATE', 'MID_SENIOR_LEVEL', 'DIRECTOR', 'EXECUTIVE', 'INTERNSHIP', 'NOT_APPLICABLE'
] as const;
/** LinkedIn job function codes (https://learn.microsoft.com/linkedin/shared/references/reference-tables/job-function-codes). */
export const JOB_FUNCTIONS = [
  'acct', 'adm', 'advr', 'anls', 'art', 'bd', 'cnsl', 'cust', 'dist', 'edu', 'eng', 'fin', 'genb', 'hcpr', 'hr',
  'it', 'lgl', 'mgmt', 'mnfc', 'mrkt', 'othr', 'pr', 'prch', 'prdm', 'prjm', 'prod', 'qa', 'rsch', 'sale', 'sci',
  'stra', 'supl', 'trng', 'wrt'
] as const;
export const SALARY_PERIODS = ['YEARLY', 'MONTHLY', 'SEMIMONTHLY', 'BIWEEKLY', 'WEEKLY', 'DAILY', 'HOURLY', 'ONCE'] as const;

export const JOB_STATES = ['draft', 'awaiting_approval', 'queued', 'in_feed', 'posted', 'closed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** LinkedIn's feed guide: partnerJobId "String (max. 40 chars)"; our ids fit, and the feed holds back any that does not. */
export const PARTNER_JOB_ID_MAX = 40;
const JOB_ID_PATTERN = /^J[0-9A-HJKMNP-TV-Z]{10}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const ID_EPOCH_SECONDS = Date.UTC(2024, 0, 1) / 1000;
const TIME_CHARS = 7; // 35 bits of seconds: a thousand years
const RANDOM_CHARS = 3;

/**
 * Short, URL-safe, unambiguous when read aloud: `J` + 7 characters of *inverted* time + 3 random, in Crockford base32.
 * The alphabet is in ASCII order, so Table Storage's key order lists the newest job first.
 */
export function newJobId(now: Date = new Date()): string {
  const seconds = Math.max(0, Math.floor(now.getTime() / 1000 - ID_EPOCH_SECONDS));
  let inverted = 2 ** (5 * TIME_CHARS) - 1 - seconds;
  let time = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    time = CROCKFORD[inverted % 32] + time;
    inverted = Math.floor(inverted / 32);
  }
  const random = [...randomBytes(RANDOM_CHARS)].map((byte) => CROCKFORD[byte & 31]).join('');
  return `J${time}${random}`;
}

export function isJobId(value: string): boolean {
  return JOB_ID_PATTERN.test(value);
}

/** When an id from newJobId was made (to the second). */
export function jobIdTime(id: string): Date {
  let inverted = 0;
  for (const char of id.slice(1, 1 + TIME_CHARS)) inverted = inverted * 32 + CROCKFORD.indexOf(char);
  return new Date((2 ** (5 * TIME_CHARS) - 1 - inverted + ID_EPOCH_SECONDS) * 1000);
}

/** How long a new-job form's id stays usable as the job's id; an older form's submit gets a fresh id. */
export const FORM_ID_MAX_AGE_MS = 30 * 24 * 3_600_000;
const FORM_ID_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A new-job form carries the id its job will have, made when the form was shown: every submit of that form creates
 * under it, so a repeat collides instead of making a second job. The id comes back from a client, so only a
 * well-formed id made recently counts; anything else is ignored (undefined).
 */
export function formJobId(value: unknown, now: Date): string | undefined {
  if (typeof value !== 'string' || !isJobId(value)) return undefined;
  const age = now.getTime() - jobIdTime(value).getTime();
  return age >= -FORM_ID_CLOCK_SKEW_MS && age <= FORM_ID_MAX_AGE_MS ? value : undefined;
}

/** Accepts what people type: lower case, and the letters O/I/L that Crockford maps to 0/1/1. */
export function normalizeJobId(value: string): string {
  return value.trim().toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1').replace(/^J?/, 'J');
}

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().max(max).optional());
const requiredText = (max: number, code: string) =>
  z.preprocess(blankToUndefined, z.string({ required_error: code }).min(1, code).max(max, `${code}_too_long`));

/** An absolute https URL on a dotted host name (the feed guide's applyUrl; also the publisher URL). */
export function isAbsoluteHttps(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/** The UTC calendar day of `now`, YYYY-MM-DD. */
export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Adaptive Card multi-select ChoiceSets submit one comma-joined string. */
const commaList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value ?? []),
  z.array(z.enum(JOB_FUNCTIONS)).max(3, 'job_functions_too_many')
);

const amount = z.preprocess(
  (value) => (blankToUndefined(value) === undefined ? undefined : Number(value)),
  z.number({ invalid_type_error: 'salary_amount_invalid' }).positive('salary_amount_invalid').finite().optional()
);

/** The schema depends on the day only (the earliest expiration date): built once a day, not on every submit. */
let schemaOfToday: { today: string; schema: ReturnType<typeof buildJobInputSchema> } | undefined;

/**
 * What a person may submit for a job. Limits are LinkedIn's own:
 * https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide
 * Error messages are codes; the bot turns them into sentences in the user's language.
 */
export function jobInputSchema(now: Date = new Date()) {
  const today = todayUtc(now);
  if (schemaOfToday?.today !== today) schemaOfToday = { today, schema: buildJobInputSchema(today) };
  return schemaOfToday.schema;
}

function buildJobInputSchema(today: string) {
  const notPast = (value: string | undefined) => value === undefined || value >= today;
  return z
    .object({
      title: requiredText(200, 'title_required'),
      company: requiredText(200, 'company_required'),
      city: requiredText(100, 'city_required'),
      country: z.preprocess(
        (v) => (typeof blankToUndefined(v) === 'string' ? (blankToUndefined(v) as string).toUpperCase() : undefined),
        z.string({ required_error: 'country_required' }).regex(/^[A-Z]{2}$/, 'country_invalid')
      ),
      region: optionalText(100),
      postalCode: optionalText(20),
      workplaceType: z.enum(WORKPLACE_TYPES, { errorMap: () => ({ message: 'workplace_type_required' }) }),
      employmentType: z.enum(EMPLOYMENT_TYPES, { errorMap: () => ({ message: 'employment_type_required' }) }),
      experienceLevel: z.enum(EXPERIENCE_LEVELS, { errorMap: () => ({ message: 'experience_level_required' }) }),
      jobFunctions: commaList,
      description: z.preprocess(
        blankToUndefined,
        z
          .string({ required_error: 'description_too_short' })
          .min(100, 'description_too_short')
          .max(25000, 'description_too_long')
      ),
      applyUrl: z.preprocess(
        blankToUndefined,
        z.string({ required_error: 'apply_url_invalid' }).max(2000, 'apply_url_invalid').refine(isAbsoluteHttps, 'apply_url_invalid')
      ),
      salaryMin: amount,
      salaryMax: amount,
      salaryCurrency: z.preprocess(
        (v) => (typeof blankToUndefined(v) === 'string' ? (blankToUndefined(v) as string).toUpperCase() : undefined),
        z.string().regex(/^[A-Z]{3}$/, 'salary_currency_invalid').optional()
      ),
      salaryPeriod: z.preprocess(blankToUndefined, z.enum(SALARY_PERIODS).optional()),
      expirationDate: z.preprocess(
        blankToUndefined,
        z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expiration_date_invalid').refine(notPast, 'expiration_date_past').optional()
      )
    })
    .superRefine((job, ctx) => {
      const hasSalary = job.salaryMin !== undefined || job.salaryMax !== undefined;
      if (hasSalary && !job.salaryCurrency) ctx.addIssue({ code: 'custom', path: ['salaryCurrency'], message: 'salary_currency_required' });
      if (hasSalary && !job.salaryPeriod) ctx.addIssue({ code: 'custom', path: ['salaryPeriod'], message: 'salary_period_required' });
      if (job.salaryMin !== undefined && job.salaryMax !== undefined && job.salaryMin > job.salaryMax) {
        ctx.addIssue({ code: 'custom', path: ['salaryMax'], message: 'salary_range_inverted' });
      }
    });
}

export type JobInput = z.infer<ReturnType<typeof jobInputSchema>>;
export type JobField = keyof JobInput;

export interface Author {
  aadObjectId: string;
  name: string;
  tenantId: string;
}

export interface Job extends JobInput {
  id: string;
  tenantId: string;
  state: JobState;
  author: Author;
  createdAt: string;
  updatedAt: string;
  /** Set once the job has been part of a built feed; LinkedIn then forbids title changes. */
  firstFedAt?: string;
  /** When LinkedIn first downloaded a feed holding the job (the first download after the build that fed it). */
  postedAt?: string;
  closedAt?: string;
  /** Set when the tenant's posting policy sent the job to a recruiter for approval (see domain/approval.ts). */
  approval?: JobApproval;
  /** Which channel carries the job to LinkedIn; absent means the daily feed. Never both. */
  channel?: PostingChannel;
  /** The job's life on LinkedIn's Job Posting API, once it has used that channel. */
  api?: ApiPosting;
  /** A recruiter chose "Promote" (API channel, tenant with a LinkedIn contract id): `listingType: PREMIUM`. */
  promoted?: boolean;
  /** When "Renew" last extended the job's LinkedIn listing (API channel): its listing runs 30 days from then. */
  renewedAt?: string;
  /** Storage concurrency token; absent on a job not yet stored. */
  etag?: string;
}

export interface JobApproval {
  requestedAt: string;
  decision?: 'approved' | 'rejected';
  decidedBy?: { aadObjectId: string; name: string };
  decidedAt?: string;
  /** Why it was rejected, for the hiring manager. */
  reason?: string;
  /** When the author last asked the approvers again (`remind approvers`): at most once a day. */
  remindedAt?: string;
}

/** Field → error code, for showing each error next to its field. */
export type FieldErrors = Partial<Record<JobField, string>>;

export type ValidationResult =
  | { ok: true; value: JobInput }
  | { ok: false; errors: FieldErrors };

export function validateJobInput(raw: unknown, now: Date = new Date()): ValidationResult {
  const parsed = jobInputSchema(now).safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: fieldErrorCodes<JobField>(parsed.error.issues) };
}

/** A card form's errors: one code per field, its first issue's. */
export function fieldErrorCodes<F extends string>(issues: readonly z.ZodIssue[]): Partial<Record<F, string>> {
  const errors: Partial<Record<F, string>> = {};
  for (const issue of issues) {
    const field = issue.path[0] as F | undefined;
    // Our own messages are codes; zod's built-in ones (sentences) become `<field>_invalid`.
    if (field && !errors[field]) errors[field] = /^[a-z_]+$/.test(issue.message) ? issue.message : `${field}_invalid`;
  }
  return errors;
}

export function createJob(input: JobInput, author: Author, now: Date = new Date(), id: string = newJobId(now)): Job {
  const stamp = now.toISOString();
  return { ...input, id, tenantId: author.tenantId, state: 'queued', author, createdAt: stamp, updatedAt: stamp };
}

/** LinkedIn forbids title changes once it has the job: fed once, or given by the Job Posting API. */
export function isTitleLocked(job: Job): boolean {
  return job.firstFedAt !== undefined || titleLockedByApi(job);
}

export function isOpen(job: Job): boolean {
  return job.state !== 'closed' && job.state !== 'draft';
}

export type EditResult = { ok: true; job: Job } | { ok: false; errors: FieldErrors };

/** Applies an edit; a title change on a job LinkedIn has already seen is refused. */
export function applyEdit(job: Job, input: JobInput, now: Date = new Date()): EditResult {
  if (job.state === 'closed') return { ok: false, errors: { title: 'job_closed' } };
  if (isTitleLocked(job) && input.title !== job.title) return { ok: false, errors: { title: 'title_locked' } };
  const edited: Job = { ...job, ...input, updatedAt: now.toISOString() };
  return { ok: true, job: edited };
}

export function closeJob(job: Job, now: Date = new Date()): Job {
  const stamp = now.toISOString();
  return { ...job, state: 'closed' as const, closedAt: stamp, updatedAt: stamp };
}
