import { t } from '../i18n/strings';
import { askCloseJob, askCloseJobFromCard, confirmCloseJob } from './handlers/closeJob';
import { markCandidateReviewed, showExportStatus } from './handlers/exports';
import { fallback, showHelp, showHelpFromCard } from './handlers/help';
import { listJobs, listJobsFromCard } from './handlers/listJobs';
import { showEditForm, showEditFormFromCard, showJobForm, showJobFormFromCard, submitJob } from './handlers/postJob';
import { showJobFromCard } from './handlers/showJob';
import type { CardRoute, MessageHandler, MessageRoute } from './types';

/**
 * Commands are anchored (^…$): teams-ai's string routes are substring matches, and "please don't post a job"
 * must not open the form. Routes are tried in order; the fallback is registered after all of them.
 */
export const messageRoutes: MessageRoute[] = [
  { name: 'post job', pattern: /^(post (a )?(new )?job( to linkedin)?|new job|poster( en)? jobb( på linkedin)?|ny jobb)[.!]?$/i, handler: showJobForm },
  { name: 'my jobs', pattern: /^(my jobs|list jobs|mine jobber|list jobber|vis jobber)$/i, handler: listJobs },
  { name: 'close job', pattern: /^(close job|avslutt jobb)(\s+(?<id>\S+))?$/i, handler: requireId('usage.closeJob', askCloseJob) },
  { name: 'edit job', pattern: /^(edit job|rediger jobb)(\s+(?<id>\S+))?$/i, handler: requireId('usage.editJob', showEditForm) },
  { name: 'export status', pattern: /^(exports? status|eksportstatus|status for eksport(er)?)$/i, handler: showExportStatus },
  { name: 'help', pattern: /^(help|hjelp|\?)$/i, handler: showHelp }
];

export const fallbackRoute: MessageHandler = fallback;

/** Adaptive Card `Action.Execute` verbs. */
export const cardRoutes: CardRoute[] = [
  { verb: 'job.new', handler: showJobFormFromCard },
  { verb: 'job.submit', handler: submitJob },
  { verb: 'job.show', handler: showJobFromCard },
  { verb: 'job.edit', handler: showEditFormFromCard },
  { verb: 'job.closeAsk', handler: askCloseJobFromCard },
  { verb: 'job.close', handler: confirmCloseJob },
  { verb: 'job.list', handler: listJobsFromCard },
  { verb: 'candidate.review', handler: markCandidateReviewed },
  { verb: 'help', handler: showHelpFromCard }
];

function requireId(usage: 'usage.editJob' | 'usage.closeJob', handler: MessageHandler): MessageHandler {
  return (deps, caller, match) =>
    match.groups?.id ? handler(deps, caller, match) : Promise.resolve({ text: t(caller.language, usage, { example: 'J0ABCDEFGHJ' }) });
}
