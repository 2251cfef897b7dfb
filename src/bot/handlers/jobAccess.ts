import { AppError } from '../../domain/errors';
import { isJobId, normalizeJobId, type Job } from '../../domain/job';
import { seesAllJobs, type Role } from '../../domain/settings';
import type { BotDeps, Caller } from '../types';

/** A job may be seen and changed by its author, and by recruiters and admins; hiring managers see only their own. */
export function canChange(caller: Caller, job: Job): boolean {
  return job.author.aadObjectId === caller.aadObjectId || seesAllJobs(caller.role);
}

/** Server-side role check for a handler; a refusal is a coded, user-facing error. */
export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (!roles.includes(caller.role)) throw new AppError('FORBIDDEN', caller.role);
}

/**
 * The job with this id, if the caller may see it. Every path to a single job (show, edit, close, diagnose, approve)
 * goes through here, so a hiring manager never reads a colleague's job, whatever id a card or message carries.
 */
export async function findJob(deps: BotDeps, caller: Caller, rawId: unknown): Promise<Job> {
  const id = normalizeJobId(String(rawId ?? ''));
  if (!isJobId(id)) throw new AppError('BAD_JOB_ID', String(rawId ?? ''));
  const job = await deps.jobs.get(caller.tenantId, id);
  if (!job) throw new AppError('JOB_NOT_FOUND', id);
  if (!canChange(caller, job)) throw new AppError('NOT_YOUR_JOB', job.id);
  return job;
}

export async function findChangeableJob(deps: BotDeps, caller: Caller, rawId: unknown): Promise<Job> {
  const job = await findJob(deps, caller, rawId);
  if (job.state === 'closed') throw new AppError('JOB_CLOSED', job.id);
  return job;
}

/** A card carries the etag of the job it showed; acting on it must not overwrite a newer change. */
export function withCardEtag(job: Job, etag: unknown): Job {
  return typeof etag === 'string' && etag !== '' ? { ...job, etag } : job;
}
