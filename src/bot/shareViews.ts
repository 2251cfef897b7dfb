/** The job card a message extension inserts into any chat or channel, and its entry in the search results. */
import type { Job } from '../domain/job';
import { cardStrings, t, type Language } from '../i18n/strings';
import { renderCard } from './cards';
import { locationText } from './views';
import type { AdaptiveCardJson } from '../shared/types';

export function sharedJobCard(language: Language, job: Job): AdaptiveCardJson {
  const facts = [
    [t(language, 'share.location'), locationText(job)],
    [t(language, 'job.workplaceType'), t(language, `workplace.${job.workplaceType}`)],
    [t(language, 'job.employmentType'), t(language, `employment.${job.employmentType}`)]
  ].map(([title, value]) => ({ title, value }));
  return renderCard('job-share', {
    s: cardStrings(language),
    heading: t(language, 'share.heading'),
    title: job.title,
    company: job.company,
    facts,
    applyUrl: job.applyUrl
  });
}

/** What the search list shows for a job: its title, and company and place. */
export function sharedJobPreview(job: Job): { title: string; text: string } {
  return { title: job.title, text: [job.company, locationText(job)].filter(Boolean).join(' · ') };
}
