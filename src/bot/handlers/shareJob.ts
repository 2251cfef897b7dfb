/**
 * "Share a job" from the compose box (a search-based message extension): the tenant's open jobs by title or
 * location; hiring managers find only their own, recruiters and admins every one.
 */
import { z } from 'zod';
import { isJobId, normalizeJobId, type Job } from '../../domain/job';
import { MAX_SEARCH_TEXT, SHAREABLE_STATES, searchJobs } from '../../domain/jobSearch';
import { seesAllJobs } from '../../domain/settings';
import type { BotDeps, Caller } from '../types';

export const SHARE_JOB_COMMAND = 'shareJob';

/** Teams asks for at most 25 results a page; a tenant scan stops here. */
const MAX_SCANNED = 5000;

export const shareQuerySchema = z.object({
  text: z.string().max(1000).transform((value) => value.trim().slice(0, MAX_SEARCH_TEXT)),
  count: z.number().int().min(1).max(25).catch(10),
  skip: z.number().int().min(0).max(1000).catch(0)
});

async function tenantJobs(deps: BotDeps, caller: Caller): Promise<Job[]> {
  const jobs: Job[] = [];
  for await (const job of deps.jobs.streamTenant(caller.tenantId, { states: SHAREABLE_STATES })) {
    jobs.push(job);
    if (jobs.length >= MAX_SCANNED) break;
  }
  return jobs;
}

export async function findJobsToShare(deps: BotDeps, caller: Caller, query: z.input<typeof shareQuerySchema>): Promise<Job[]> {
  const { text, count, skip } = shareQuerySchema.parse(query);
  return searchJobs(await tenantJobs(deps, caller), text, { onlyAuthor: seesAllJobs(caller.role) ? undefined : caller.aadObjectId, skip, count });
}

/** The job picked from the list, checked again: still open, and the caller's to share. */
export async function jobToShare(deps: BotDeps, caller: Caller, rawId: unknown): Promise<Job | undefined> {
  const id = normalizeJobId(String(rawId ?? ''));
  if (!isJobId(id)) return undefined;
  const job = await deps.jobs.get(caller.tenantId, id);
  if (!job || !SHAREABLE_STATES.includes(job.state)) return undefined;
  return seesAllJobs(caller.role) || job.author.aadObjectId === caller.aadObjectId ? job : undefined;
}
