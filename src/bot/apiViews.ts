/**
 * How a job's channel and its life on LinkedIn's Job Posting API read on the job card and in `my jobs`: states in
 * words, LinkedIn's reasons in words (its field names mapped to the form's), the status LinkedIn last reported.
 */
import { channelOf, usesApi } from '../domain/apiChannel';
import type { Job } from '../domain/job';
import { linkedInReason } from '../domain/jobPosting';
import { hasString, t, type Language } from '../i18n/strings';
import { dateText } from '../i18n/intlFormats';

/** LinkedIn's field names (simpleJobPostings) → our words for the form field, in each language. */
const FIELD_KEYS: Record<string, string> = {
  title: 'title', description: 'description', companyApplyUrl: 'applyUrl', companyName: 'company', company: 'company',
  location: 'location', city: 'city', country: 'country', state: 'region', region: 'region', postalCode: 'postalCode',
  employmentStatus: 'employmentType', experienceLevel: 'experienceLevel', categories: 'jobFunctions', jobFunctions: 'jobFunctions',
  workplaceTypes: 'workplaceType', workRemoteAllowed: 'workplaceType', expireAt: 'expirationDate', salaryInsights: 'salary',
  compensation: 'salary', listingType: 'listingType', contract: 'contract', integrationContext: 'companyId', industries: 'industries'
};

/** "LinkedIn did not accept the city" from "Invalid Field: /city"; LinkedIn's own words otherwise. */
export function linkedInReasonText(language: Language, error: string): string {
  const reason = linkedInReason(error);
  if (reason.kind === 'text') return t(language, 'api.reason.text', { text: reason.text });
  const key = `api.field.${FIELD_KEYS[reason.field] ?? ''}`;
  if (hasString(key)) return t(language, 'api.reason.field', { field: t(language, key) });
  return t(language, 'api.reason.unknownField', { field: reason.field });
}

export interface ApiStateView {
  short: string;
  text: string;
  style: 'default' | 'accent' | 'good' | 'attention' | 'warning' | 'emphasis';
  color: string;
}

/** The job's API state in words; `moving` when it is still in the feed while LinkedIn confirms it. */
export function apiStateView(language: Language, job: Job, timeZone = 'UTC'): ApiStateView {
  const api = job.api;
  const moving = channelOf(job) === 'feed' ? ` ${t(language, 'api.movingFromFeed')}` : '';
  if (!api) return { short: t(language, 'api.short.waiting'), text: t(language, 'api.state.waiting') + moving, style: 'accent', color: 'Accent' };
  switch (api.state) {
    case 'waiting': {
      const held = api.waitingUntil ? ` ${t(language, 'api.heldBackUntil', { time: dateText(language, api.waitingUntil, timeZone) })}` : '';
      return { short: t(language, 'api.short.waiting'), text: t(language, `api.state.waiting.${api.operation}`) + held + moving, style: 'accent', color: 'Accent' };
    }
    case 'sent':
      return { short: t(language, 'api.short.sent'), text: t(language, `api.state.sent.${api.operation}`) + moving, style: 'accent', color: 'Accent' };
    case 'on_linkedin':
      return { short: t(language, 'api.short.on_linkedin'), text: t(language, 'api.state.on_linkedin'), style: 'good', color: 'Good' };
    case 'rejected': {
      const reason = api.error ? linkedInReasonText(language, api.error) : t(language, 'api.reason.none');
      return { short: t(language, 'api.short.rejected'), text: `${reason} ${t(language, 'api.state.rejected')}`, style: 'attention', color: 'Attention' };
    }
    case 'closed': {
      const reason = api.status?.reason ? ` ${t(language, 'api.closedByLinkedIn', { reason: api.status.reason })}` : '';
      return { short: t(language, 'api.short.closed'), text: t(language, 'api.state.closed') + reason, style: 'emphasis', color: 'Default' };
    }
  }
}

/** LinkedIn's enum values as a reader sees them: "NOT_PROMOTED" → "Not promoted". */
export function statusWords(value: string | undefined): string {
  if (!value) return '';
  const words = value.replace(/_/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What LinkedIn last reported of the job, as facts: only those it gave. */
export function apiStatusFacts(language: Language, job: Job): Array<[string, string]> {
  const status = job.api?.status;
  const facts: Array<[string, string]> = [
    [t(language, 'api.fact.listingStatus'), statusWords(status?.listingStatus)],
    [t(language, 'api.fact.linkedInApplyStatus'), statusWords(status?.linkedInApplyStatus)],
    [t(language, 'api.fact.promotionStatus'), statusWords(status?.promotionStatus)]
  ];
  if (job.promoted) facts.push([t(language, 'api.fact.listingType'), t(language, 'api.promoted')]);
  return facts.filter(([, value]) => value);
}

/** The channel line of the card: what it means for timing. */
export function channelTimingText(language: Language, job: Job): string {
  return t(language, usesApi(job) ? 'channel.timing.api' : 'channel.timing.feed');
}

/** LinkedIn's link to the job, only when it is an https address. */
export function jobPostingUrl(job: Job): string {
  const url = job.api?.status?.jobPostingUrl ?? '';
  try {
    return new URL(url).protocol === 'https:' ? url : '';
  } catch {
    return '';
  }
}

/** Whether the card speaks of the job's API life rather than the feed's. */
export function showsApiState(job: Job): boolean {
  return usesApi(job) && job.state !== 'draft' && job.state !== 'awaiting_approval';
}
