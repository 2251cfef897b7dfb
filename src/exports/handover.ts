/**
 * The candidate card a hiring manager gets when a recruiter hands a candidate over: one notice to one person, in its
 * own thread (so the answer updates that card in place), rendered from the candidate row like the export card. What
 * is stored in the outbox holds ids and names, never the candidate.
 */
import { renderCard } from '../bot/cards';
import { noticeCard } from '../bot/views';
import { dateText } from '../i18n/intlFormats';
import { handoverKey, handoverThread, type Handover } from '../domain/handover';
import { cardStrings, t, type Language } from '../i18n/strings';
import { removalText } from '../privacy/candidateRemoval';
import type { CandidateStore } from '../storage/candidateStore';
import { withCandidate } from './exportCards';
import type { CandidateView, ExportCardData, HandoverStatus } from './exportNotice';
import type { AdaptiveCardJson, Notice, RendererRegistry } from '../shared/types';

export const HANDOVER_NOTICE_KIND = 'candidate.handover';

export interface HandoverCardData extends Record<string, unknown> {
  eventId: string;
  tenantId: string;
  candidateId: string;
  job: ExportCardData['job'];
  by: string;
  to: string;
  note: string;
  timeZone: string;
  verdict?: Handover['verdict'];
  reason?: string;
  answeredAt?: string;
}

export function handoverCardData(handover: Handover, export_: ExportCardData): HandoverCardData {
  return {
    eventId: handover.eventId,
    tenantId: handover.tenantId,
    candidateId: handover.candidateId,
    job: export_.job,
    by: handover.by.name,
    to: handover.to.name,
    note: handover.note,
    timeZone: export_.timeZone,
    ...(handover.verdict ? { verdict: handover.verdict, reason: handover.reason ?? '', answeredAt: handover.answeredAt } : {})
  };
}

/** What the recruiters' export card says about the hand-over. */
export function handoverStatus(handover: Handover): HandoverStatus {
  return {
    to: handover.to.name,
    by: handover.by.name,
    sentAt: handover.sentAt,
    ...(handover.verdict ? { verdict: handover.verdict, reason: handover.reason ?? '', answeredAt: handover.answeredAt } : {})
  };
}

export function handoverNotice(handover: Handover, data: HandoverCardData): Notice {
  return {
    tenantId: handover.tenantId,
    key: handoverKey(handover.eventId, handover.to.aadObjectId),
    to: { kind: 'user', aadObjectId: handover.to.aadObjectId },
    message: { kind: HANDOVER_NOTICE_KIND, data },
    thread: handoverThread(handover.eventId)
  };
}

export function handoverCard(language: Language, data: HandoverCardData & { candidate: CandidateView }, error = ''): AdaptiveCardJson {
  const { candidate, job } = data;
  const facts = [
    [t(language, 'export.company'), candidate.company],
    [t(language, 'export.title'), candidate.title],
    [t(language, 'export.location'), candidate.location],
    [t(language, 'export.skills'), (candidate.skills ?? []).join(', ')],
    [t(language, 'export.email'), (candidate.emails ?? []).join(', ')],
    [t(language, 'export.job'), job.title ? `${job.title} (${job.id})` : job.id]
  ]
    .filter(([, value]) => value)
    .map(([title, value]) => ({ title, value }));
  const answer = data.verdict
    ? [t(language, `handover.answer.${data.verdict}`, { to: data.to, when: dateText(language, data.answeredAt ?? new Date().toISOString(), data.timeZone) }), data.reason ? t(language, 'handover.reason', { reason: data.reason }) : '']
        .filter(Boolean)
        .join('\n\n')
    : '';
  return renderCard('candidate-handover', {
    s: cardStrings(language),
    heading: job.title ? t(language, 'handover.heading', { by: data.by, job: job.title }) : t(language, 'handover.headingNoJob', { by: data.by }),
    noteHeading: t(language, 'handover.noteHeading', { by: data.by }),
    note: data.note,
    eventId: data.eventId,
    candidate,
    facts,
    answer,
    answerStyle: data.verdict === 'interested' ? 'good' : 'attention',
    error
  });
}

/** Registered with the notifier: the candidate from their row; a candidate removed meanwhile gets the removal card. */
export function handoverRenderers(candidates: Pick<CandidateStore, 'get'>) {
  return {
    [HANDOVER_NOTICE_KIND]: async (language: Language, data: Record<string, unknown>) => {
      const full = await withCandidate(candidates, data as unknown as ExportCardData);
      return { card: full ? handoverCard(language, { ...(data as HandoverCardData), candidate: full.candidate }) : noticeCard(removalText(language, {})) };
    }
  } satisfies RendererRegistry;
}
