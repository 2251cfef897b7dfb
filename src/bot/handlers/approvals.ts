import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { approvalThread, decide, needsApproval, submitted } from '../../domain/approval';
import type { Job } from '../../domain/job';
import { routeSubmitted } from '../../domain/apiChannel';
import { approversOf } from '../../domain/morning';
import { t } from '../../i18n/strings';
import { APPROVAL_KINDS, approvalDecidedMessage, approvalRequestNotices, approvalResultNotice } from '../approvalNotices';
import { approvalCard, approvalData } from '../approvalViews';
import type { BotDeps, Caller, CardHandler } from '../types';
import { findJob, requireRole } from './jobAccess';

/**
 * A submitted job (new, or a rejected draft submitted again): queued, or stored as awaiting approval with an
 * approval card sent to each recruiter. Storing comes first: a notice is only ever about a job that exists.
 */
export async function submitJobForPosting(deps: BotDeps, caller: Caller, job: Job, store: (job: Job) => Promise<Job>): Promise<Job> {
  const settings = await deps.settings.get(caller.tenantId);
  const needs = needsApproval(settings.postingPolicy, caller.role);
  const now = deps.now();
  // On a tenant that posts through the API, a job that needs no approval goes there at once, and only there.
  const saved = await store(routeSubmitted(submitted(job, needs, now), settings.postingChannel, now));
  wakeApiSender(deps, saved);
  if (needs && deps.notifier) {
    await deps.notifier.enqueue(approvalRequestNotices(saved, approvalData(saved), approversOf(settings, deps.bootstrapAdmins, saved.author.aadObjectId)));
  }
  return saved;
}

/** A job row with an API operation waiting: the sender may look at once instead of at its next round. */
export function wakeApiSender(deps: BotDeps, job: Job): void {
  if (job.api?.state === 'waiting') deps.apiWaker?.wake(job.tenantId);
}

const decisionInput = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(500))
});

const ATTEMPTS = 3;

/**
 * Approve or Reject on an approval card. Only recruiters and admins (checked here, whatever the card says). The
 * first decision wins through the job's ETag; a later click gets the decided card, and every approver's card is
 * updated in place.
 */
export const decideApproval: CardHandler = async (deps, caller, data) => {
  requireRole(caller, 'recruiter', 'admin');
  const parsed = decisionInput.safeParse(data);
  let job = await findJob(deps, caller, data.jobId);
  if (!parsed.success) throw new AppError('NOT_AWAITING_APPROVAL', job.id);
  const { decision, reason } = parsed.data;
  if (decision === 'reject' && reason === '' && job.state === 'awaiting_approval') {
    return { card: approvalCard(caller.language, approvalData(job), { reasonError: t(caller.language, 'approval.reasonRequired') }) };
  }
  for (let attempt = 1; ; attempt++) {
    if (job.state !== 'awaiting_approval') return alreadyDecided(caller, job);
    try {
      const now = deps.now();
      const { postingChannel } = await deps.settings.get(caller.tenantId);
      // Approved: only now is the job sent to LinkedIn (by API on an API tenant).
      const decided = await deps.jobs.update(routeSubmitted(decide(job, decision, caller, reason || undefined, now), postingChannel, now));
      wakeApiSender(deps, decided);
      await announce(deps, decided);
      return { card: approvalCard(caller.language, approvalData(decided)) };
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'JOB_CONFLICT') || attempt === ATTEMPTS) throw error;
      // Someone else decided, or the author edited the job meanwhile: look again.
      job = await findJob(deps, caller, job.id);
    }
  }
};

function alreadyDecided(caller: Caller, job: Job) {
  if (!job.approval?.decision) throw new AppError('NOT_AWAITING_APPROVAL', job.id);
  const note = t(caller.language, 'approval.alreadyDecided', { name: job.approval.decidedBy?.name ?? '' });
  return { card: approvalCard(caller.language, approvalData(job), { note }) };
}

async function announce(deps: BotDeps, job: Job): Promise<void> {
  if (!deps.notifier) return;
  const data = approvalData(job);
  await deps.notifier.updateThread(job.tenantId, approvalThread(job.id), approvalDecidedMessage(data));
  await deps.notifier.enqueue([approvalResultNotice(job, data)]);
}

/** A job edited while it waits: every approval card already sent (reminders too) shows the new text and says it changed. */
export async function announceChange(deps: BotDeps, caller: Caller, job: Job): Promise<void> {
  if (!deps.notifier) return;
  // One card text for every approver: times in the tenant's zone.
  const { timeZone } = await deps.settings.get(job.tenantId);
  const data = { ...approvalData(job), changed: { by: caller.name, at: deps.now().toISOString() }, timeZone };
  await deps.notifier.updateThread(job.tenantId, approvalThread(job.id), { kind: APPROVAL_KINDS.requested, data: { ...data } });
}
