import { t } from '../i18n/strings';
import { buildFeedNow, buildFeedNowFromCard, feedStatus, feedStatusFromCard } from './handlers/feed';
import { decideApproval } from './handlers/approvals';
import { askCloseJob, askCloseJobFromCard, confirmCloseJob } from './handlers/closeJob';
import { answerOrFallback, showFaqList, showFaqListFromCard, showFaqTopic } from './handlers/faq';
import { showHelp } from './handlers/help';
import { markCandidateReviewed, showExportStatus } from './handlers/exports';
import { answerHandover, sendHandover, showHandoverForm } from './handlers/handover';
import { askForgetCandidate, confirmForgetCandidate, showCandidateData, showPrivacyHelp } from './handlers/privacy';
import { listJobs, listJobsFromCard } from './handlers/listJobs';
import { showEditForm, showEditFormFromCard, showJobForm, showJobFormFromCard, submitJob } from './handlers/postJob';
import { rotateFeedUrl, saveSettings, showSettings, showSettingsFromCard, showSettingsHistory, showSettingsHistoryFromCard } from './handlers/settings';
import { showJobFromCard } from './handlers/showJob';
import { promoteApiJob, renewApiJob } from './handlers/apiJob';
import { connectLinkedIn, rotateCallbackUrl, testJobPostingAccess, testLinkedInConnection } from './handlers/rscConnection';
import { whyNotOnLinkedIn, whyNotOnLinkedInFromCard } from './handlers/whyNotOnLinkedIn';
import { remindApprovers, setDigest } from './handlers/morning';
import type { CardRoute, MessageHandler, MessageRoute } from './types';

/**
 * "why isn't job <id> on LinkedIn?", "why is job <id> not showing on LinkedIn", "hvorfor er ikke jobb <id> på LinkedIn?",
 * "hvorfor vises ikke jobb <id> på LinkedIn": a why-question, about LinkedIn, with a negation, about one job. The id
 * follows "job"/"jobb", or stands alone as J + 10 characters; without one, the handler says how to ask.
 */
const WHY_NOT_ON_LINKEDIN = new RegExp(
  [
    String.raw`^(?:why|hvorfor)\b`,
    String.raw`(?=.*\blinked ?in\b)`,
    String.raw`(?=.*(?:\b(?:isn|aren|doesn|don|hasn|haven|can|won)['’]?t\b|\bnot\b|\bcannot\b|\bikke\b))`,
    String.raw`(?=.*\b(?:job|jobb|jobben|stillingen)\b|.*\bj[0-9a-z]{10}\b)`,
    String.raw`(?:.*?\b(?:job|jobb|jobben)\s+(?:id\s+|#)?(?<id>[0-9a-z]{10,11})\b|.*?\b(?<bareId>j[0-9a-z]{10})\b)?`,
    String.raw`.*$`
  ].join(''),
  'i'
);

/**
 * Commands are anchored (^…$): teams-ai's string routes are substring matches, and "please don't post a job"
 * must not open the form. Routes are tried in order; the fallback is registered after all of them.
 */
export const messageRoutes: MessageRoute[] = [
  { name: 'post job', pattern: /^(post (a )?(new )?job( to linkedin)?|new job|poster( en)? jobb( på linkedin)?|ny jobb)[.!]?$/i, handler: showJobForm },
  { name: 'my jobs', pattern: /^(my jobs|list jobs|mine jobber|list jobber|vis jobber)$/i, handler: listJobs },
  { name: 'close job', pattern: /^(close job|avslutt jobb)(\s+(?<id>\S+))?$/i, handler: requireId('usage.closeJob', askCloseJob) },
  { name: 'edit job', pattern: /^(edit job|rediger jobb)(\s+(?<id>\S+))?$/i, handler: requireId('usage.editJob', showEditForm) },
  { name: 'build feed now', pattern: /^(build (the )?feed( now)?|bygg feed(en)?( nå)?)[.!]?$/i, handler: buildFeedNow },
  { name: 'feed status', pattern: /^(feed ?status|status (for|of) (the )?feed(en)?|feed-status)\??$/i, handler: feedStatus },
  { name: 'export status', pattern: /^(exports? status|eksportstatus|status for eksport(er)?)$/i, handler: showExportStatus },
  { name: 'help', pattern: /^(help|hjelp|\?)$/i, handler: showHelp },
  { name: 'help privacy', pattern: /^((help|hjelp)( with| med| om)? (privacy|personvern|gdpr)|privacy|personvern)[.!?]?$/i, handler: showPrivacyHelp },
  { name: 'forget candidate', pattern: /^(forget candidate|glem kandidat(en)?)(\s+(?<query>.+))?$/i, handler: askForgetCandidate },
  { name: 'candidate data', pattern: /^(candidate data|kandidatdata|kandidat data)(\s+(?<query>.+))?$/i, handler: showCandidateData },
  {
    name: 'linkedin questions',
    pattern: /^((help|hjelp)( with| med| om)? linked ?in|linked ?in (faq|questions|spørsmål)|faq)[.!?]?$/i,
    handler: showFaqList
  },
  { name: "why isn't job on linkedin", pattern: WHY_NOT_ON_LINKEDIN, handler: whyNotOnLinkedIn },
  { name: 'remind approvers', pattern: /^(remind (the )?approvers|p(å|a)minn (godkjennere|godkjennerne))(\s+(?<id>\S+))?[.!]?$/i, handler: remindApprovers },
  { name: 'digest on/off', pattern: /^(morning )?(digest|sammendrag(et)?|morgensammendrag(et)?)\s+(?<choice>on|off|på|pa|av)[.!]?$/i, handler: setDigest },
  { name: 'settings history', pattern: /^(settings history|innstillinger historikk|innstillingshistorikk|endringslogg)$/i, handler: showSettingsHistory },
  { name: 'settings', pattern: /^(settings|innstillinger)$/i, handler: showSettings }
];

/** Text no command matched: an FAQ answer when the question is clear, else the generic reply. */
export const fallbackRoute: MessageHandler = answerOrFallback;

/** Adaptive Card `Action.Execute` verbs. */
export const cardRoutes: CardRoute[] = [
  { verb: 'job.new', handler: showJobFormFromCard },
  { verb: 'job.submit', handler: submitJob, once: true, reservesId: (data) => !data.jobId },
  { verb: 'job.show', handler: showJobFromCard },
  { verb: 'job.edit', handler: showEditFormFromCard },
  { verb: 'job.closeAsk', handler: askCloseJobFromCard },
  { verb: 'job.close', handler: confirmCloseJob, once: true },
  { verb: 'job.list', handler: listJobsFromCard },
  { verb: 'job.renew', handler: renewApiJob, once: true },
  { verb: 'job.promote', handler: promoteApiJob, once: true },
  { verb: 'feed.build', handler: buildFeedNowFromCard },
  { verb: 'feed.status', handler: feedStatusFromCard },
  { verb: 'faq.list', handler: showFaqListFromCard },
  { verb: 'faq.show', handler: showFaqTopic },
  { verb: 'job.diagnose', handler: whyNotOnLinkedInFromCard },
  { verb: 'settings.open', handler: showSettingsFromCard },
  { verb: 'settings.save', handler: saveSettings, once: true },
  { verb: 'settings.history', handler: showSettingsHistoryFromCard },
  { verb: 'settings.rotateFeed', handler: rotateFeedUrl, once: true },
  { verb: 'settings.linkedInConnect', handler: connectLinkedIn, once: true },
  { verb: 'settings.linkedInTest', handler: testLinkedInConnection },
  { verb: 'settings.callbackRotate', handler: rotateCallbackUrl, once: true },
  { verb: 'settings.jobPostingTest', handler: testJobPostingAccess },
  { verb: 'approval.decide', handler: decideApproval, once: true },
  { verb: 'candidate.review', handler: markCandidateReviewed, once: true },
  { verb: 'privacy.forget', handler: confirmForgetCandidate, once: true },
  { verb: 'candidate.handoverForm', handler: showHandoverForm },
  { verb: 'candidate.handover', handler: sendHandover, once: true },
  { verb: 'candidate.handoverAnswer', handler: answerHandover, once: true }
];

function requireId(usage: 'usage.editJob' | 'usage.closeJob', handler: MessageHandler): MessageHandler {
  return (deps, caller, match) =>
    match.groups?.id ? handler(deps, caller, match) : Promise.resolve({ text: t(caller.language, usage, { example: 'J0ABCDEFGHJ' }) });
}
