/**
 * Finding a job to share from the compose box: the tenant's open jobs whose title, company or location hold every
 * word typed, newest first. Free of I/O.
 */
import type { Job, JobState } from './job';

/** Jobs people may be pointed at: approved and on (or on their way to) LinkedIn. */
export const SHAREABLE_STATES: readonly JobState[] = ['queued', 'in_feed', 'posted'];

export const MAX_SEARCH_TEXT = 100;

function words(text: string): string[] {
  return text.toLocaleLowerCase().split(/[\s,]+/).filter(Boolean);
}

function haystack(job: Job): string {
  return [job.title, job.company, job.city, job.region, job.country, job.postalCode, job.workplaceType].filter(Boolean).join(' ').toLocaleLowerCase();
}

export function matchesSearch(job: Job, text: string): boolean {
  const wanted = words(text.slice(0, MAX_SEARCH_TEXT));
  if (wanted.length === 0) return true;
  const place = haystack(job);
  return wanted.every((word) => place.includes(word));
}

/** One page of matches, newest first; `onlyAuthor` limits a hiring manager to their own jobs. */
export function searchJobs(jobs: Iterable<Job>, text: string, options: { onlyAuthor?: string; skip: number; count: number }): Job[] {
  const found = [...jobs]
    .filter((job) => SHAREABLE_STATES.includes(job.state))
    .filter((job) => !options.onlyAuthor || job.author.aadObjectId === options.onlyAuthor)
    .filter((job) => matchesSearch(job, text))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return found.slice(options.skip, options.skip + options.count);
}
