/**
 * Card actions for a job on LinkedIn's Job Posting API: "Renew" (RENEW: 30 more days on LinkedIn) for a job about to
 * expire, and "Promote" (UPDATE with listingType PREMIUM under the tenant's contract) for recruiters and admins of a
 * tenant with a LinkedIn contract id. Both are checked here, whatever the card showed.
 */
import { canPromote, canRenew, promoteJob, renewJob } from '../../domain/apiChannel';
import { t } from '../../i18n/strings';
import type { CardHandler } from '../types';
import { wakeApiSender } from './approvals';
import { findChangeableJob, requireRole, withCardEtag } from './jobAccess';
import { jobCardReply } from './jobFeed';

export const renewApiJob: CardHandler = async (deps, caller, data) => {
  const job = withCardEtag(await findChangeableJob(deps, caller, data.jobId), data.etag);
  const now = deps.now();
  if (!canRenew(job, now)) return jobCardReply(deps, caller, job, t(caller.language, 'api.renew.notNow'));
  const renewed = await deps.jobs.update(renewJob(job, now));
  wakeApiSender(deps, renewed);
  return jobCardReply(deps, caller, renewed, t(caller.language, 'api.renew.queued', { id: renewed.id }));
};

export const promoteApiJob: CardHandler = async (deps, caller, data) => {
  requireRole(caller, 'recruiter', 'admin');
  const job = withCardEtag(await findChangeableJob(deps, caller, data.jobId), data.etag);
  const settings = await deps.settings.get(caller.tenantId);
  if (!settings.linkedInContractId) return jobCardReply(deps, caller, job, t(caller.language, 'api.promote.noContract'));
  if (job.promoted) return jobCardReply(deps, caller, job, t(caller.language, 'api.promote.already', { id: job.id }));
  if (!canPromote(job, settings, caller.role)) return jobCardReply(deps, caller, job, t(caller.language, 'api.promote.notApi'));
  const promoted = await deps.jobs.update(promoteJob(job, deps.now()));
  wakeApiSender(deps, promoted);
  return jobCardReply(deps, caller, promoted, t(caller.language, 'api.promote.queued', { id: promoted.id }));
};
