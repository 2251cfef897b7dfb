import type { Cause, CauseCode } from '../domain/diagnosis';
import { FAQ_TOPICS, faqTopic, type FaqAudience, type FaqTopicId } from '../domain/faq';
import type { Job } from '../domain/job';
import type { TenantSettings } from '../domain/settings';
import { cardStrings, hasString, t, type Language, type StringKey } from '../i18n/strings';
import { renderCard } from './cards';
import { locationText } from './views';
import { dateText } from '../i18n/intlFormats';
import type { AdaptiveCardJson } from '../shared/types';

const topicButton = (language: Language, id: FaqTopicId) => ({ id, title: t(language, `faq.${id}.q`) });

const SECTION_TITLES: Record<FaqAudience, StringKey> = { everyone: 'faq.list.everyone', admins: 'faq.list.admins' };

/** `help linkedin`: every question, in the seed's two sections. */
export function faqListCard(language: Language): AdaptiveCardJson {
  const sections = (['everyone', 'admins'] as const).map((audience) => ({
    title: t(language, SECTION_TITLES[audience]),
    topics: FAQ_TOPICS.filter((topic) => topic.audience === audience).map((topic) => topicButton(language, topic.id))
  }));
  return renderCard('faq-topics', {
    heading: t(language, 'faq.list.title'),
    intro: t(language, 'faq.list.intro'),
    sections,
    footer: t(language, 'faq.list.whyNot')
  });
}

/** A question that could be one of a few topics. */
export function faqSuggestCard(language: Language, topics: readonly FaqTopicId[]): AdaptiveCardJson {
  return renderCard('faq-topics', {
    heading: t(language, 'faq.suggest.title'),
    intro: t(language, 'faq.suggest.intro'),
    sections: [{ title: '', topics: topics.map((id) => topicButton(language, id)) }],
    footer: t(language, 'faq.list.whyNot')
  });
}

const TABLE_ROWS = ['how', 'type', 'promote', 'frequency', 'recommended', 'needs', 'more'] as const;

/** The options table: a header row, then one row per aspect, one column per way of posting. */
function optionsTable(language: Language) {
  const row = (key: (typeof TABLE_ROWS)[number]) => ({
    label: t(language, `faq.table.${key}`),
    feed: t(language, `faq.table.${key}.feed`),
    wrapping: t(language, `faq.table.${key}.wrapping`),
    rsc: t(language, `faq.table.${key}.rsc`)
  });
  const header = {
    label: '',
    feed: t(language, 'faq.table.col.feed'),
    wrapping: t(language, 'faq.table.col.wrapping'),
    rsc: t(language, 'faq.table.col.rsc')
  };
  return [header, ...TABLE_ROWS.map(row)];
}

export function faqAnswerCard(language: Language, id: FaqTopicId, settings: Pick<TenantSettings, 'buildTime' | 'timeZone'>): AdaptiveCardJson {
  return renderCard('faq-answer', {
    s: cardStrings(language),
    question: t(language, `faq.${id}.q`),
    answer: t(language, `faq.${id}.a`, { buildTime: settings.buildTime, timeZone: settings.timeZone }),
    table: id === 'options_table' ? optionsTable(language) : [],
    related: faqTopic(id).related.map((related) => topicButton(language, related))
  });
}

// ---- why isn't job <id> on LinkedIn? -----------------------------------------------------------------------------

/** Warnings in amber; what only needs waiting in the accent colour. */
const WAITING: ReadonlySet<CauseCode> = new Set<CauseCode>(['fixed_since_build', 'not_yet_built', 'not_yet_downloaded', 'downloaded_recently']);

/** Each reason in words; a reason the feed learned after these strings were written shows as its code. */
function holdList(language: Language, reasons: readonly string[]): string {
  const inWords = (reason: string) => {
    const key = `diag.hold.${reason}`;
    return hasString(key) ? t(language, key) : reason;
  };
  return reasons.map(inWords).join('; ');
}

function causeParams(language: Language, job: Job, cause: Cause, timeZone: string): Record<string, string> {
  const when = (date: Date | undefined) => (date ? dateText(language, date.toISOString(), timeZone) : t(language, 'diag.never'));
  switch (cause.code) {
    case 'company_id_not_numeric':
      return { companyId: cause.companyId };
    case 'held_back':
    case 'fixed_since_build':
      return { reasons: holdList(language, cause.reasons), next: when(cause.nextBuildAt), id: job.id };
    case 'not_yet_built':
      return { next: when(cause.nextBuildAt) };
    case 'not_yet_downloaded':
      return { builtAt: when(cause.builtAt), lastRead: when(cause.lastDownloadAt) };
    case 'downloaded_recently':
      return { at: when(cause.downloadedAt), until: when(cause.expectedBy) };
    case 'possible_duplicate':
      return { ids: cause.jobIds.join(', ') };
    default:
      return { id: job.id };
  }
}

export interface DiagnosisView {
  language: Language;
  job: Job;
  causes: readonly Cause[];
  /** The tenant's time zone, for build and download times. */
  timeZone: string;
}

export function diagnosisCard({ language, job, causes, timeZone }: DiagnosisView): AdaptiveCardJson {
  return renderCard('job-diagnosis', {
    s: cardStrings(language),
    heading: t(language, 'diag.title', { id: job.id }),
    job: { id: job.id, title: job.title, location: locationText(job) || '—', state: t(language, `stateShort.${job.state}`) },
    causes: causes.map((cause) => {
      const params = { id: job.id, ...causeParams(language, job, cause, timeZone) };
      return {
        style: WAITING.has(cause.code) ? 'accent' : 'warning',
        title: t(language, `diag.${cause.code}.title`, params),
        todo: t(language, 'diag.todo', { todo: t(language, `diag.${cause.code}.todo`, params) })
      };
    })
  });
}
