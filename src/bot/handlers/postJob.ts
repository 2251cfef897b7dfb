import { applyEdit, createJob, validateJobInput, type Job } from '../../domain/job';
import { t } from '../../i18n/strings';
import type { BotDeps, Caller, CardHandler, MessageHandler, Reply } from '../types';
import { jobFormCard, jobFormValues } from '../views';
import { announceChange, submitJobForPosting } from './approvals';
import { findChangeableJob, withCardEtag } from './jobAccess';
import { jobCardReply } from './jobFeed';

const today = (now: Date) => now.toISOString().slice(0, 10);

/** A new job's form, with the company name from the tenant's settings. */
async function emptyForm(deps: BotDeps, caller: Caller): Promise<Reply> {
  const { companyName } = await deps.settings.get(caller.tenantId);
  return { card: jobFormCard({ language: caller.language, values: { company: companyName }, today: today(deps.now()) }) };
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
  const validation = validateJobInput(raw, now);
  if (!validation.ok) {
    return { card: jobFormCard({ language: caller.language, values: raw, errors: validation.errors, job: existing, today: today(now) }), refused: true };
  }
  if (!existing) {
    const author = { tenantId: caller.tenantId, aadObjectId: caller.aadObjectId, name: caller.name };
    const job = await submitJobForPosting(deps, caller, createJob(validation.value, author, now), (j) => deps.jobs.create(j));
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
  const job = await deps.jobs.update(edit.job);
  if (job.state === 'awaiting_approval') await announceChange(deps, caller, job);
  return jobCardReply(deps, caller, job, t(caller.language, 'job.updated', { id: job.id }));
};

function submittedNotice(caller: Caller, job: Job): string {
  return t(caller.language, job.state === 'awaiting_approval' ? 'approval.requested' : 'job.posted', { id: job.id });
}
