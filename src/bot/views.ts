import { EMPLOYMENT_TYPES, EXPERIENCE_LEVELS, JOB_FUNCTIONS, SALARY_PERIODS, WORKPLACE_TYPES, isTitleLocked } from '../domain/job';
import type { FieldErrors, Job, JobField, JobState } from '../domain/job';
import { JOB_FUNCTION_NAMES } from '../i18n/jobFunctions';
import { cardStrings, hasString, t, type Language } from '../i18n/strings';
import { dateText, localeOf, numberFormat } from '../i18n/intlFormats';
import { renderCard } from './cards';
import { usesApi } from '../domain/apiChannel';
import type { PostingChannel } from '../domain/jobPosting';
import { apiStateView, apiStatusFacts, channelTimingText, jobPostingUrl, showsApiState } from './apiViews';
import type { AdaptiveCardJson } from '../shared/types';

const FORM_FIELDS: JobField[] = [
  'title', 'company', 'city', 'country', 'region', 'postalCode', 'workplaceType', 'employmentType', 'experienceLevel',
  'jobFunctions', 'description', 'applyUrl', 'salaryMin', 'salaryMax', 'salaryCurrency', 'salaryPeriod', 'expirationDate'
];

/** Raw form values as the card submitted them (or as a stored job holds them). */
export type FormValues = Partial<Record<JobField, unknown>>;

export interface JobFormView {
  language: Language;
  values: FormValues;
  errors?: FieldErrors;
  /** Set when editing an existing job. */
  job?: Job;
  today: string;
  /** The tenant's posting channel, for a new job's intro (an existing job's own channel wins). */
  channel?: PostingChannel;
  /** A new job's form: the id its job will be created under (see formJobId). */
  formId?: string;
}

function choices(language: Language, prefix: 'workplace' | 'employment' | 'experience' | 'period', values: readonly string[]) {
  return values.map((value) => ({ value, title: t(language, `${prefix}.${value}` as Parameters<typeof t>[1]) }));
}

/** Templating leaves an unresolved `${x}` in place, so every field gets a string, empty when unset. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}

export function errorText(language: Language, field: JobField, code: string, values: FormValues): string {
  const length = asText(values.description).trim().length;
  const key = `fieldError.${code}`;
  return hasString(key) ? t(language, key, { length }) : t(language, 'fieldError.unknown');
}

export function jobFormCard(view: JobFormView): AdaptiveCardJson {
  const { language, job } = view;
  const values = Object.fromEntries(FORM_FIELDS.map((field) => [field, asText(view.values[field])]));
  const errors = Object.fromEntries(
    FORM_FIELDS.map((field) => [field, view.errors?.[field] ? errorText(language, field, view.errors[field], view.values) : ''])
  );
  const onApi = job ? usesApi(job) : view.channel === 'api';
  return renderCard('job-form', {
    s: cardStrings(language),
    intro: t(language, onApi ? 'form.introApi' : 'form.intro'),
    heading: job ? t(language, 'form.title.edit', { id: job.id }) : t(language, 'form.title.new'),
    submitTitle: t(language, job ? 'form.submit.edit' : 'form.submit.new'),
    values,
    errors,
    hasErrors: Object.values(errors).some(Boolean),
    titleLocked: job ? isTitleLocked(job) : false,
    jobId: job?.id ?? '',
    etag: job?.etag ?? '',
    formId: job ? '' : view.formId ?? '',
    today: view.today,
    choices: {
      workplaceType: choices(language, 'workplace', WORKPLACE_TYPES),
      employmentType: choices(language, 'employment', EMPLOYMENT_TYPES),
      experienceLevel: choices(language, 'experience', EXPERIENCE_LEVELS),
      salaryPeriod: choices(language, 'period', SALARY_PERIODS),
      jobFunctions: JOB_FUNCTIONS.map((value) => ({ value, title: JOB_FUNCTION_NAMES[value][language] }))
    }
  });
}

export function jobFormValues(job: Job): FormValues {
  return Object.fromEntries(FORM_FIELDS.map((field) => [field, job[field]]));
}

const STATE_STYLE: Record<JobState, { style: string; color: string }> = {
  draft: { style: 'default', color: 'Default' },
  awaiting_approval: { style: 'warning', color: 'Warning' },
  queued: { style: 'accent', color: 'Accent' },
  in_feed: { style: 'accent', color: 'Accent' },
  posted: { style: 'good', color: 'Good' },
  closed: { style: 'emphasis', color: 'Default' }
};

export function locationText(job: Pick<Job, 'city' | 'region' | 'country' | 'postalCode'>): string {
  return [job.postalCode ? `${job.postalCode} ${job.city}` : job.city, job.region, job.country].filter(Boolean).join(', ');
}

function salaryText(language: Language, job: Job): string {
  if (job.salaryMin === undefined && job.salaryMax === undefined) return '';
  const amount = (n: number | undefined) => (n === undefined ? '' : numberFormat(localeOf(language)).format(n));
  const range = [amount(job.salaryMin), amount(job.salaryMax)].filter(Boolean).join(' – ');
  const period = job.salaryPeriod ? ` / ${t(language, `period.${job.salaryPeriod}`).toLowerCase()}` : '';
  return `${range} ${job.salaryCurrency ?? ''}${period}`.trim();
}

/** Where a job stands with LinkedIn's feed, already in the reader's words and time zone. */
export interface JobFeedView {
  /** When the next feed build is, e.g. "Sat, 28 Nov 2026, 03:00 (Europe/Oslo)". */
  nextBuild?: string;
  /** Why the job is held back from the feed (one sentence each); shown only to those who may change the job. */
  heldBack?: string[];
}

/** The API actions the caller may take on this job now (decided by the handler from settings and role). */
export interface JobApiActions {
  canRenew?: boolean;
  canPromote?: boolean;
}

export interface JobCardView {
  language: Language;
  job: Job;
  canEdit: boolean;
  notice?: string;
  feed?: JobFeedView;
  api?: JobApiActions;
  /** For times on the card (e.g. until when LinkedIn's limits hold a job back). */
  timeZone?: string;
}

export function jobCard({ language, job, canEdit, notice, feed, api, timeZone }: JobCardView): AdaptiveCardJson {
  const onApi = showsApiState(job);
  const facts = [
    [t(language, 'job.id'), job.id],
    [t(language, 'job.workplaceType'), t(language, `workplace.${job.workplaceType}`)],
    [t(language, 'job.employmentType'), t(language, `employment.${job.employmentType}`)],
    [t(language, 'job.experienceLevel'), t(language, `experience.${job.experienceLevel}`)],
    [t(language, 'job.jobFunctions'), job.jobFunctions.map((code) => JOB_FUNCTION_NAMES[code][language]).join(', ')],
    [t(language, 'job.salary'), salaryText(language, job)],
    [t(language, 'job.expirationDate'), job.expirationDate ?? ''],
    [t(language, 'job.applyUrl'), job.applyUrl],
    [t(language, 'job.author'), job.author.name],
    [t(language, 'job.created'), dateText(language, job.createdAt)],
    [t(language, 'job.nextBuild'), onApi ? '' : feed?.nextBuild ?? ''],
    ...apiStatusFacts(language, job)
  ]
    .filter(([, value]) => value)
    .map(([title, value]) => ({ title, value }));
  const apiState = onApi ? apiStateView(language, job, timeZone) : undefined;
  const open = canEdit && job.state !== 'closed';
  return renderCard('job', {
    s: cardStrings(language),
    notice: notice ?? '',
    job: { id: job.id, title: job.title, company: job.company, location: locationText(job) },
    stateShort: job.state === 'closed' || !apiState ? t(language, `stateShort.${job.state}`) : apiState.short,
    stateText: apiState ? apiState.text : t(language, `state.${job.state}`),
    stateStyle: apiState && job.state !== 'closed' ? apiState.style : STATE_STYLE[job.state].style,
    facts,
    heldBack: onApi ? [] : feed?.heldBack ?? [],
    timing: channelTimingText(language, job),
    channel: t(language, onApi ? 'channel.name.api' : 'channel.name.feed'),
    linkedInUrl: jobPostingUrl(job),
    resubmit: open && job.api?.state === 'rejected',
    canEdit: open && job.api?.state !== 'rejected',
    canClose: open,
    canRenew: open && api?.canRenew === true,
    canPromote: open && api?.canPromote === true,
    etag: job.etag ?? ''
  });
}

export interface JobListView {
  language: Language;
  jobs: Job[];
  everyone: boolean;
  next?: string;
  /** When the next feed build is, in the reader's time zone. */
  nextBuild?: string;
  /** Ids of listed jobs that the current feed holds back. */
  heldBack?: ReadonlySet<string>;
}

export function jobListCard({ language, jobs, everyone, next, nextBuild, heldBack }: JobListView): AdaptiveCardJson {
  return renderCard('job-list', {
    s: cardStrings(language),
    heading: t(language, everyone ? 'list.titleAll' : 'list.title'),
    jobs: jobs.map((job) => {
      const apiState = showsApiState(job) && job.state !== 'closed' ? apiStateView(language, job) : undefined;
      const held = !apiState && (heldBack?.has(job.id) ?? false);
      return {
        id: job.id,
        title: job.title,
        location: locationText(job),
        created: dateText(language, job.createdAt),
        channel: t(language, showsApiState(job) ? 'channel.name.api' : 'channel.name.feed'),
        state: apiState ? apiState.short : held ? t(language, 'stateShort.heldBack') : t(language, `stateShort.${job.state}`),
        stateColor: apiState ? apiState.color : held ? 'Attention' : STATE_STYLE[job.state].color
      };
    }),
    nextBuild: nextBuild ? t(language, 'list.nextBuild', { time: nextBuild }) : '',
    channelTimes: jobs.some((job) => showsApiState(job)) ? t(language, 'channel.listHint') : '',
    next: next ?? ''
  });
}

export function closeConfirmCard(language: Language, job: Job): AdaptiveCardJson {
  return renderCard('job-close-confirm', {
    s: cardStrings(language),
    heading: t(language, 'close.title', { id: job.id }),
    body: t(language, showsApiState(job) ? 'close.bodyApi' : 'close.body', { title: job.title }),
    jobId: job.id,
    etag: job.etag ?? ''
  });
}

export function helpCard(language: Language): AdaptiveCardJson {
  return renderCard('help', { s: cardStrings(language) });
}

export function noticeCard(text: string, tone: 'good' | 'attention' | 'default' = 'default'): AdaptiveCardJson {
  return renderCard('notice', { text, color: tone === 'good' ? 'Good' : tone === 'attention' ? 'Attention' : 'Default' });
}
