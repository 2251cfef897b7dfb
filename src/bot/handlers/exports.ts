/** `export status` for admins, and "Mark reviewed" on a candidate card. */
import { AppError } from '../../domain/errors';
import { seesAllJobs } from '../../domain/settings';
import { candidateExportedCard, exportStatusCard, withCandidate } from '../../exports/exportCards';
import { EXPORT_NOTICE_KIND, exportThread, type CandidateView, type ExportCardData } from '../../exports/exportNotice';
import { removalText } from '../../privacy/candidateRemoval';
import { noticeCard } from '../views';
import type { ExportInbox, SettledExport } from '../../storage/exportInbox';
import { currentExportCard } from './handover';
import type { BotDeps, CardHandler, MessageHandler } from '../types';
import { requireRole } from './jobAccess';

function inboxOf(deps: BotDeps): ExportInbox {
  if (!deps.exportInbox) throw new Error('exports are not wired (BotDeps.exportInbox)');
  return deps.exportInbox;
}

export const showExportStatus: MessageHandler = async (deps, caller) => {
  requireRole(caller, 'admin');
  const [status, settings, purge] = await Promise.all([
    inboxOf(deps).status(caller.tenantId),
    deps.settings.get(caller.tenantId),
    deps.privacy?.purgeState(caller.tenantId)
  ]);
  const purgeOn = settings.rsc.status === 'enabled' || Boolean(purge?.lastAttemptAt);
  return { card: exportStatusCard(caller.language, status, settings.timeZone, purgeOn ? { ...purge, now: deps.now() } : undefined) };
};

/**
 * Records who reviewed the candidate (the first reviewer stays), updates the card in place for everyone who got it,
 * and returns the updated card to the one who pressed the button. Recruiters, admins and the people told may review.
 */
export const markCandidateReviewed: CardHandler = async (deps, caller, data) => {
  const eventId = typeof data.eventId === 'string' ? data.eventId : '';
  const inbox = inboxOf(deps);
  const event = eventId ? await inbox.get(caller.tenantId, eventId) : undefined;
  // Thrown, not answered: an action that found nothing is not recorded as done, so a later retry can still succeed.
  if (!event?.card) throw new AppError('EXPORT_NOT_FOUND');
  const told = event.recipients?.some((to) => to.kind === 'user' && to.aadObjectId === caller.aadObjectId) ?? false;
  if (!told && !seesAllJobs(caller.role)) throw new AppError('FORBIDDEN', caller.role);
  const reviewed = (await inbox.markReviewed(caller.tenantId, eventId, { aadObjectId: caller.aadObjectId, name: caller.name }, deps.now())) ?? event;
  const card: ExportCardData = await currentExportCard(deps, reviewed as SettledExport & { card: ExportCardData });
  await deps.notifier?.updateThread(caller.tenantId, exportThread(eventId), { kind: EXPORT_NOTICE_KIND, data: card });
  if (card.candidateId) await deps.candidates?.touch(caller.tenantId, card.candidateId, deps.now());
  const full = deps.candidates ? await withCandidate(deps.candidates, card) : card.candidate ? (card as ExportCardData & { candidate: CandidateView }) : undefined;
  return { card: full ? candidateExportedCard(caller.language, full) : noticeCard(removalText(caller.language, {})) };
};
