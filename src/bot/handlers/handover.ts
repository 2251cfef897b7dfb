/**
 * "Send to hiring manager" on the candidate card (recruiters and admins), and the hiring manager's "Interested" /
 * "Not a fit". The candidate goes to one person of the caller's tenant, in their 1:1 chat with the bot; the answer
 * updates that card and the recruiters' export cards in place.
 */
import { AppError } from '../../domain/errors';
import { handoverAnswerSchema, handoverCandidates, handoverSubmitSchema, handoverThread, type Handover } from '../../domain/handover';
import { seesAllJobs, type Person } from '../../domain/settings';
import { candidateExportedCard, withCandidate, type HandoverForm } from '../../exports/exportCards';
import { EXPORT_NOTICE_KIND, exportThread, type ExportCardData } from '../../exports/exportNotice';
import { handoverCard, handoverCardData, handoverNotice, handoverStatus, HANDOVER_NOTICE_KIND } from '../../exports/handover';
import { removalText } from '../../privacy/candidateRemoval';
import { t, type StringKey } from '../../i18n/strings';
import type { SettledExport } from '../../storage/exportInbox';
import type { HandoverStore } from '../../storage/handoverStore';
import { noticeCard } from '../views';
import type { BotDeps, Caller, CardHandler } from '../types';
import type { Reply } from '../../shared/types';

function storeOf(deps: BotDeps): HandoverStore {
  if (!deps.handovers || !deps.exportInbox || !deps.candidates) throw new Error('hand-overs are not wired (BotDeps.handovers, exportInbox, candidates)');
  return deps.handovers;
}

function requireRecruiter(caller: Caller): void {
  if (!seesAllJobs(caller.role)) throw new AppError('FORBIDDEN', caller.role);
}

async function exportOf(deps: BotDeps, caller: Caller, eventId: unknown): Promise<SettledExport & { card: ExportCardData }> {
  const event = typeof eventId === 'string' && eventId ? await deps.exportInbox!.get(caller.tenantId, eventId) : undefined;
  if (!event?.card) throw new AppError('EXPORT_NOT_FOUND');
  return event as SettledExport & { card: ExportCardData };
}

/** The export card's data as every recipient should see it now: reviewed, and handed over. */
export async function currentExportCard(deps: BotDeps, event: SettledExport & { card: ExportCardData }): Promise<ExportCardData> {
  const handover = deps.handovers ? await deps.handovers.get(event.tenantId, event.eventId) : undefined;
  return {
    ...event.card,
    ...(event.reviewedBy ? { reviewedBy: event.reviewedBy.name, reviewedAt: event.reviewedAt } : {}),
    ...(handover ? { handover: handoverStatus(handover) } : {})
  };
}

/** Who the form offers: the job's author first, then the tenant's recruiters and admins. */
async function peopleFor(deps: BotDeps, caller: Caller, card: ExportCardData): Promise<{ people: Person[]; author?: Person }> {
  const [settings, job] = await Promise.all([deps.settings.get(caller.tenantId), card.job.id ? deps.jobs.get(caller.tenantId, card.job.id) : undefined]);
  const author = job ? { aadObjectId: job.author.aadObjectId, name: job.author.name } : undefined;
  return { people: handoverCandidates(author, [...settings.recruiters, ...settings.admins]), author };
}

async function formCard(deps: BotDeps, caller: Caller, card: ExportCardData, error?: StringKey, params: Record<string, string> = {}, picked = ''): Promise<Reply> {
  const full = await withCandidate(deps.candidates!, card);
  if (!full) return { card: noticeCard(removalText(caller.language, {})) };
  if (card.handover) return { card: candidateExportedCard(caller.language, full) };
  const { people, author } = await peopleFor(deps, caller, card);
  const form: HandoverForm = {
    people: people.map((person) => ({ title: person.name ?? person.aadObjectId, value: person.aadObjectId })),
    defaultTo: picked || author?.aadObjectId || '',
    error: error ? t(caller.language, error, params) : ''
  };
  return { card: candidateExportedCard(caller.language, full, form), refused: error ? true : undefined };
}

export const showHandoverForm: CardHandler = async (deps, caller, data) => {
  storeOf(deps);
  requireRecruiter(caller);
  const event = await exportOf(deps, caller, data.eventId);
  return formCard(deps, caller, await currentExportCard(deps, event));
};

/**
 * The picked person, if the bot can reach them: someone of the caller's tenant (the conversation store is per tenant)
 * with a 1:1 chat with the bot. A channel's or team's row is not a person.
 */
async function reachablePerson(deps: BotDeps, caller: Caller, aadObjectId: string, known: Person[]): Promise<{ aadObjectId: string; name: string } | undefined> {
  const conversation = await deps.conversations.get(caller.tenantId, aadObjectId);
  const reference = conversation?.reference as { conversation?: { conversationType?: string }; user?: { name?: string } } | undefined;
  const personal = !reference?.conversation?.conversationType || reference.conversation.conversationType === 'personal';
  if (!conversation?.active || !personal) return undefined;
  const name = known.find((person) => person.aadObjectId === aadObjectId)?.name || reference?.user?.name || aadObjectId;
  return { aadObjectId, name };
}

export const sendHandover: CardHandler = async (deps, caller, data) => {
  const store = storeOf(deps);
  requireRecruiter(caller);
  const event = await exportOf(deps, caller, data.eventId);
  const card = await currentExportCard(deps, event);
  const parsed = handoverSubmitSchema.safeParse(data);
  if (!parsed.success) return formCard(deps, caller, card, 'handover.pickPerson');
  if (!card.candidateId || !(await deps.candidates!.get(caller.tenantId, card.candidateId))) return { card: noticeCard(removalText(caller.language, {})) };
  const { people } = await peopleFor(deps, caller, card);
  const to = await reachablePerson(deps, caller, parsed.data.handoverTo, people);
  if (!to) {
    const name = people.find((person) => person.aadObjectId === parsed.data.handoverTo)?.name ?? parsed.data.handoverTo;
    return formCard(deps, caller, card, 'error.HANDOVER_UNREACHABLE', { id: name }, parsed.data.handoverTo);
  }
  const { handover } = await store.create({
    tenantId: caller.tenantId,
    eventId: event.eventId,
    candidateId: card.candidateId,
    to,
    by: { aadObjectId: caller.aadObjectId, name: caller.name },
    note: parsed.data.handoverNote,
    sentAt: deps.now().toISOString()
  });
  // A repeat after a crash finds the stored hand-over: the notice is keyed, so its person is still told once.
  await deps.notifier.enqueue([handoverNotice(handover, handoverCardData(handover, card))]);
  return updateEverywhere(deps, caller, event, handover);
};

export const answerHandover: CardHandler = async (deps, caller, data) => {
  const store = storeOf(deps);
  const eventId = typeof data.eventId === 'string' ? data.eventId : '';
  const handover = eventId ? await store.get(caller.tenantId, eventId) : undefined;
  if (!handover) throw new AppError('EXPORT_NOT_FOUND');
  if (handover.to.aadObjectId !== caller.aadObjectId) throw new AppError('HANDOVER_NOT_YOURS');
  const event = await exportOf(deps, caller, eventId);
  const parsed = handoverAnswerSchema.safeParse(data);
  if (!parsed.success) {
    const full = await withCandidate(deps.candidates!, { ...event.card, candidateId: handover.candidateId });
    if (!full) return { card: noticeCard(removalText(caller.language, {})) };
    const cardData = handoverCardData(handover, event.card);
    return { card: handoverCard(caller.language, { ...cardData, candidate: full.candidate }, t(caller.language, 'handover.reasonNeeded')), refused: true };
  }
  const answered = (await store.answer(caller.tenantId, eventId, parsed.data.verdict, parsed.data.handoverReason, deps.now())) ?? handover;
  const cardData = handoverCardData(answered, event.card);
  await deps.notifier.updateThread(caller.tenantId, handoverThread(eventId), { kind: HANDOVER_NOTICE_KIND, data: cardData });
  await updateEverywhere(deps, caller, event, answered);
  const full = await withCandidate(deps.candidates!, { ...event.card, candidateId: handover.candidateId });
  return { card: full ? handoverCard(caller.language, { ...cardData, candidate: full.candidate }) : noticeCard(removalText(caller.language, {})) };
};

/** The recruiters' export cards say who has the candidate and what they answered; a hand-over restarts retention. */
async function updateEverywhere(deps: BotDeps, caller: Caller, event: SettledExport & { card: ExportCardData }, handover: Handover): Promise<Reply> {
  const card: ExportCardData = { ...(await currentExportCard(deps, event)), handover: handoverStatus(handover) };
  await deps.notifier.updateThread(caller.tenantId, exportThread(event.eventId), { kind: EXPORT_NOTICE_KIND, data: card });
  await deps.candidates!.touch(caller.tenantId, handover.candidateId, deps.now());
  const full = await withCandidate(deps.candidates!, card);
  return { card: full ? candidateExportedCard(caller.language, full) : noticeCard(removalText(caller.language, {})) };
}
