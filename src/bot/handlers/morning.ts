/** `remind approvers <id>` for a job's author, and `digest on` / `digest off` for recruiters and admins. */
import { AppError } from '../../domain/errors';
import { approvalThread } from '../../domain/approval';
import type { Job } from '../../domain/job';
import { approversOf, daysWaiting, localDate, nudgeKey, nudgeRefusal, timeZoneOf, type DigestChoice } from '../../domain/morning';
import { t } from '../../i18n/strings';
import { APPROVAL_KINDS } from '../approvalNotices';
import { approvalData } from '../approvalViews';
import type { MessageHandler } from '../types';
import { findJob } from './jobAccess';

/**
 * The author asks the approvers again, at most once a (local) day per job. The reminders go out first, keyed by
 * job, person and date (a repeat the same day sends nothing); then the job remembers when, under its ETag.
 */
export const remindApprovers: MessageHandler = async (deps, caller, match) => {
  const rawId = match.groups?.id;
  if (!rawId) return { text: t(caller.language, 'remind.usage', { example: 'J0ABCDEFGHJ' }) };
  const job = await findJob(deps, caller, rawId);
  const settings = await deps.settings.get(caller.tenantId);
  const timeZone = caller.timeZone ?? settings.timeZone;
  const now = deps.now();
  const today = localDate(now, timeZone);
  const refusal = nudgeRefusal(job, caller.aadObjectId, today, timeZone);
  if (refusal) return { text: t(caller.language, `remind.${refusal}`, { id: job.id }) };
  const approvers = approversOf(settings, deps.bootstrapAdmins, job.author.aadObjectId);
  if (approvers.length === 0) return { text: t(caller.language, 'remind.noApprovers', { id: job.id }) };
  const data = { ...approvalData(job), reminder: { days: daysWaiting(job, now), askedBy: caller.name, requestedAt: job.approval?.requestedAt }, timeZone: settings.timeZone };
  await deps.notifier.enqueue(approvers.map((person) => ({
    tenantId: job.tenantId,
    key: nudgeKey(job, person.aadObjectId, today),
    to: { kind: 'user' as const, aadObjectId: person.aadObjectId },
    thread: approvalThread(job.id),
    message: { kind: APPROVAL_KINDS.requested, data: { ...data } }
  })));
  await rememberReminder(deps.jobs, job, now);
  return { text: t(caller.language, 'remind.sent', { count: approvers.length, id: job.id }) };
};

async function rememberReminder(jobs: { update(job: Job): Promise<Job> }, job: Job, now: Date): Promise<void> {
  try {
    await jobs.update({ ...job, approval: { ...job.approval!, remindedAt: now.toISOString() } });
  } catch (error) {
    // Changed meanwhile (a decision, an edit, the same command twice): the reminders are queued and keyed by day.
    if (!(error instanceof AppError && error.code === 'JOB_CONFLICT')) throw error;
  }
}

const CHOICES: Record<string, DigestChoice> = { on: 'on', 'på': 'on', pa: 'on', off: 'off', av: 'off' };

export const setDigest: MessageHandler = async (deps, caller, match) => {
  const choice = CHOICES[(match.groups?.choice ?? '').toLowerCase()];
  if (caller.role === 'hiring_manager') return { text: t(caller.language, 'digest.notForYou') };
  if (!deps.preferences || !choice) throw new Error('digest preferences are not available in this process');
  await deps.preferences.setDigest(caller.tenantId, caller.aadObjectId, choice, deps.now());
  // The zone the morning pass will use: the one stored with the person's conversation, else the tenant's.
  const stored = (await deps.conversations.get(caller.tenantId, caller.aadObjectId))?.timeZone;
  const timeZone = timeZoneOf(stored, await deps.settings.get(caller.tenantId));
  return { text: t(caller.language, choice === 'on' ? 'digest.on' : 'digest.off', { timeZone }) };
};
