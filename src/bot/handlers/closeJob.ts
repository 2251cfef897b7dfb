import { closeJob } from '../../domain/job';
import { routeClosed, usesApi } from '../../domain/apiChannel';
import { wakeApiSender } from './approvals';
import { t } from '../../i18n/strings';
import type { BotDeps, CardHandler, Caller, MessageHandler } from '../types';
import { closeConfirmCard } from '../views';
import { jobCardReply } from './jobFeed';
import { findChangeableJob, findJob, withCardEtag } from './jobAccess';
import type { Reply } from '../../shared/types';

async function askToClose(deps: BotDeps, caller: Caller, rawId: unknown): Promise<Reply> {
  const job = await findJob(deps, caller, rawId);
  if (job.state === 'closed') return { text: t(caller.language, 'close.already', { id: job.id }) };
  await findChangeableJob(deps, caller, job.id);
  return { card: closeConfirmCard(caller.language, job) };
}

export const askCloseJob: MessageHandler = (deps, caller, match) => askToClose(deps, caller, match.groups?.id);

export const askCloseJobFromCard: CardHandler = (deps, caller, data) => askToClose(deps, caller, data.jobId);

/** Confirmed on the card: closing uses the etag the card was shown with, so a newer edit is never lost. */
export const confirmCloseJob: CardHandler = async (deps, caller, data) => {
  const current = await findJob(deps, caller, data.jobId);
  if (current.state === 'closed') return { text: t(caller.language, 'close.already', { id: current.id }) };
  const job = withCardEtag(await findChangeableJob(deps, caller, current.id), data.etag);
  const now = deps.now();
  const closed = await deps.jobs.update(routeClosed(closeJob(job, now), now));
  wakeApiSender(deps, closed);
  return jobCardReply(deps, caller, closed, t(caller.language, usesApi(job) ? 'close.doneApi' : 'close.done', { id: closed.id }));
};
