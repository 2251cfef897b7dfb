/** Cards of the privacy commands: help privacy, the people a forget or data request matches. */
import { displayName, jobIdsOf, type Candidate } from '../domain/candidate';
import { addMonths, lastActivityOf } from '../domain/privacy';
import { t, type Language } from '../i18n/strings';
import { renderCard } from './cards';
import { dateText } from '../i18n/intlFormats';
import type { AdaptiveCardJson } from '../shared/types';

export function privacyHelpCard(language: Language, retentionMonths: number): AdaptiveCardJson {
  return renderCard('privacy-help', {
    title: t(language, 'privacy.help.title'),
    paragraphs: [
      t(language, 'privacy.help.what'),
      t(language, 'privacy.help.where'),
      t(language, 'privacy.help.howLong', { months: retentionMonths }),
      t(language, 'privacy.help.erase'),
      t(language, 'privacy.help.access')
    ]
  });
}

function personView(language: Language, candidate: Candidate, retentionMonths: number, timeZone: string) {
  const lastActivity = lastActivityOf(candidate);
  const facts = [
    [t(language, 'privacy.field.emails'), candidate.emails.join(', ')],
    [t(language, 'privacy.field.profile'), candidate.profileUrl ?? ''],
    [t(language, 'privacy.field.headline'), candidate.headline ?? ''],
    [t(language, 'privacy.field.company'), [candidate.currentTitle, candidate.currentCompany].filter(Boolean).join(', ')],
    [t(language, 'privacy.field.exports'), `${candidate.exports.length} (${jobIdsOf(candidate).join(', ') || '—'})`],
    [t(language, 'privacy.field.lastActivity'), dateText(language, lastActivity.toISOString(), timeZone)],
    [t(language, 'privacy.field.deleteOn'), dateText(language, addMonths(lastActivity, retentionMonths).toISOString(), timeZone)]
  ]
    .filter(([, value]) => value)
    .map(([title, value]) => ({ title, value }));
  return { name: displayName(candidate), facts };
}

export interface PeopleCardView {
  language: Language;
  query: string;
  people: Candidate[];
  retentionMonths: number;
  timeZone: string;
}

/** What is held about the people matching a forget request, with the button that erases them. */
export function forgetCard(view: PeopleCardView): AdaptiveCardJson {
  const { language, people } = view;
  return renderCard('privacy-people', {
    title: t(language, 'privacy.forget.title', { count: people.length }),
    intro: t(language, 'privacy.forget.intro', { query: view.query }),
    people: people.map((person) => personView(language, person, view.retentionMonths, view.timeZone)),
    confirm: t(language, 'privacy.forget.button'),
    candidateIds: people.map((person) => person.id).join(','),
    downloadUrl: '',
    download: ''
  });
}

/** The people a data request matches, with the one-time download link. */
export function subjectDataCard(view: PeopleCardView & { downloadUrl: string; expiresAt: string }): AdaptiveCardJson {
  const { language, people } = view;
  return renderCard('privacy-people', {
    title: t(language, 'privacy.data.title', { count: people.length }),
    intro: t(language, 'privacy.data.intro', { query: view.query, expires: dateText(language, view.expiresAt, view.timeZone) }),
    people: people.map((person) => personView(language, person, view.retentionMonths, view.timeZone)),
    confirm: '',
    candidateIds: '',
    downloadUrl: view.downloadUrl,
    download: t(language, 'privacy.data.button')
  });
}
