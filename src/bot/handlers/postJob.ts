import { applyEdit, createJob, validateJobInput } from '../../domain/job';
import { t } from '../../i18n/strings';
import type { BotDeps, Caller, CardHandler, MessageHandler, Reply } from '../types';
import { jobFormCard, jobFormValues } from '../views';
import { findChangeableJob, withCardEtag } from './jobAccess';
import { jobCardReply } from './jobFeed';

const today = (now: Date) => now.toISOString().slice(0, 10);

const emptyForm = (deps: BotDeps, caller: Caller): Reply => ({
  card: jobFormCard({ language: caller.language, values: {}, today: today(deps.now()) })
});

export const showJobForm: MessageHandler = async (deps, caller) => emptyForm(deps, caller);

export const showJobFormFromCard: CardHandler = async (deps, caller) => emptyForm(deps, caller);

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
    return { card: jobFormCard({ language: caller.language, values: raw, errors: validation.errors, job: existing, today: today(now) }) };
  }
  if (!existing) {
    const job = await deps.jobs.create(createJob(validation.value, { tenantId: caller.tenantId, aadObjectId: caller.aadObjectId, name: caller.name }, now));
    return jobCardReply(deps, caller, job, t(caller.language, 'job.posted', { id: job.id }));
  }
  const edit = applyEdit(existing, validation.value, now);
  if (!edit.ok) {
    return { card: jobFormCard({ language: caller.language, values: raw, errors: edit.errors, job: existing, today: today(now) }) };
  }
  const job = await deps.jobs.update(edit.job);
  return jobCardReply(deps, caller, job, t(caller.language, 'job.updated', { id: job.id }));
};
