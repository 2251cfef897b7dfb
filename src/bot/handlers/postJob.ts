import { applyEdit, createJob, formJobId, newJobId, validateJobInput, type Job } from '../../domain/job';
import { t } from '../../i18n/strings';
import type { BotDeps, Caller, CardHandler, MessageHandler } from '../types';
import { jobFormCard, jobFormValues } from '../views';
import { announceChange, submitJobForPosting, wakeApiSender } from './approvals';
import { routeEdited, usesApi } from '../../domain/apiChannel';
import { findChangeableJob, withCardEtag } from './jobAccess';
import { jobCardReply } from './jobFeed';
import type { Reply } from '../../shared/types';

const today = (now: Date) => now.toISOString().slice(0, 10);

/** A new job's form, with the company name from the tenant's settings. */
async function emptyForm(deps: BotDeps, caller: Caller): Promise<Reply> {
  const { companyName, postingChannel } = await deps.settings.get(caller.tenantId);
  const now = deps.now();
  return {
    card: jobFormCard({ language: caller.language, values: { company: companyName }, today: today(now), channel: postingChannel, formId: newJobId(now) })
  };
}

export const showJobForm: MessageHandler = (deps, caller) => emptyForm(deps, caller);

export const showJobFormFromCard: CardHandler = (deps, caller) => emptyForm(deps, caller);

export const showEditForm: MessageHandler = async (deps, caller, match) => editForm(deps, caller, match.groups?.id);

export const showEditFormFromCard: CardHandler = async (deps, caller, data) => editForm(deps, caller, data.jobId);

async function editForm(deps: BotDeps, caller: Caller, rawId: unknown): Promise<Reply> {
  const job = await findChangeableJob(deps, caller, rawId);
  return { card: jobFormCard({ language: caller.language, values: jobFormValues(job), job, today: today(deps.now()) }) };
}

/** The form's submit, for a new job or an edit: validate everything, store nothing unless all is valid. */
export const submitJob: CardHandler = async (deps, caller, data) => {
  const now = deps.now();
  const existing = data.jobId ? withCardEtag(await findChangeableJob(deps, caller, data.jobId), data.etag) : undefined;
  // A locked title is not on the card, so it is not submitted: keep the stored one.
  const raw = existing && data.title === undefined ? { ...data, title: existing.title } : data;
  // A new job's form carries the id the job will have (see formJobId).
  const formId = existing ? undefined : formJobId(data.formId, now);
  const validation = validateJobInput(raw, now);
  if (!validation.ok) {
    const channel = existing ? undefined : (await deps.settings.get(caller.tenantId)).postingChannel;
    return { card: jobFormCard({ language: caller.language, values: raw, errors: validation.errors, job: existing, today: today(now), channel, formId }), refused: true };
  }
  if (!existing) {
    const author = { tenantId: caller.tenantId, aadObjectId: caller.aadObjectId, name: caller.name };
    // The form's own id when it has one (no round trip); else one reserved for this action.
    const id = formId ?? (deps.reserveId ? await deps.reserveId(newJobId(now)) : undefined);
    const store = id ? (j: Job) => createUnlessStoredBefore(deps, j, formId !== undefined) : (j: Job) => deps.jobs.create(j);
    let job: Job;
    try {
      job = await submitJobForPosting(deps, caller, createJob(validation.value, author, now, id), store);
    } catch (error) {
      if (!(error instanceof StoredBefore)) throw error;
      job = error.job;
    }
    return jobCardReply(deps, caller, job, submittedNotice(caller, job), true);
  }
  const edit = applyEdit(existing, validation.value, now);
  if (!edit.ok) {
    return { card: jobFormCard({ language: caller.language, values: raw, errors: edit.errors, job: existing, today: today(now) }), refused: true };
  }
  // A draft (a rejected job) is submitted again by its edit; other jobs keep their state.
  if (edit.job.state === 'draft') {
    const job = await submitJobForPosting(deps, caller, edit.job, (j) => deps.jobs.update(j));
    return jobCardReply(deps, caller, job, submittedNotice(caller, job));
  }
  // On the API, the edit is sent to LinkedIn (UPDATE, or CREATE again for a job LinkedIn refused: "edit and resubmit").
  const job = await deps.jobs.update(routeEdited(edit.job, now));
  wakeApiSender(deps, job);
  if (job.state === 'awaiting_approval') await announceChange(deps, caller, job);
  return jobCardReply(deps, caller, job, t(caller.language, usesApi(job) ? 'job.updatedApi' : 'job.updated', { id: job.id }));
};

/** An earlier attempt of this same submit stored the job: this one answers with it and does nothing more. */
class StoredBefore extends Error {
  constructor(readonly job: Job) {
    super(`job ${job.id} was stored by an earlier attempt`);
  }
}

/**
 * Creates a job under its reserved id; the id taken by its own author's job means an earlier attempt made it. A form's
 * id taken by someone else's job (the form was answered by two people in a group chat, or the id was made up) gives
 * this job an id of its own.
 */
async function createUnlessStoredBefore(deps: BotDeps, job: Job, idFromForm: boolean): Promise<Job> {
  try {
    return await deps.jobs.create(job);
  } catch (error) {
    const earlier = await deps.jobs.get(job.tenantId, job.id).catch(() => undefined);
    if (earlier && earlier.author.aadObjectId === job.author.aadObjectId) throw new StoredBefore(earlier);
    if (earlier && idFromForm) return deps.jobs.create({ ...job, id: newJobId(deps.now()) });
    throw error;
  }
}

function submittedNotice(caller: Caller, job: Job): string {
  return t(caller.language, job.state === 'awaiting_approval' ? 'approval.requested' : 'job.posted', { id: job.id });
}
