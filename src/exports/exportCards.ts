/** The candidate card (one template, both languages) and the `export status` card. */
import { renderCard } from '../bot/cards';
import { noticeCard } from '../bot/views';
import { dateText } from '../i18n/intlFormats';
import { removalText } from '../privacy/candidateRemoval';
import type { CandidateStore } from '../storage/candidateStore';
import type { PurgeCheckState } from '../storage/privacyStore';
import { isPurgeCheckStale, purgeCheckAgeDays } from '../domain/privacy';
import { cardStrings, t, type Language } from '../i18n/strings';
import type { ExportStatus } from '../storage/exportInbox';
import { candidateView, EXPORT_NOTICE_KIND, type CandidateView, type ExportCardData } from './exportNotice';
import type { AdaptiveCardJson, RendererRegistry } from '../shared/types';

function jobWarning(language: Language, job: ExportCardData['job']): string {
  if (job.state === 'closed') return t(language, 'export.jobClosed', { id: job.id });
  if (job.state === 'unknown') return job.id ? t(language, 'export.jobUnknown', { id: job.id }) : t(language, 'export.jobNone');
  return '';
}

type CardCandidate = CandidateView;

function yearsText(language: Language, position: NonNullable<CardCandidate['positions']>[number]): string {
  if (!position.startYear) return position.endYear ? String(position.endYear) : '';
  return `${position.startYear}–${position.endYear ?? t(language, 'export.now')}`;
}

/** "Tech lead, Fabrikam (2021–now)". */
function positionLines(language: Language, candidate: CardCandidate): { text: string }[] {
  return (candidate.positions ?? []).map((position) => {
    const what = [position.title, position.companyName].filter(Boolean).join(', ');
    const years = yearsText(language, position);
    return { text: years ? `${what} (${years})` : what };
  });
}

function educationText(candidate: CardCandidate): string {
  return (candidate.educations ?? [])
    .map((education) => [[education.degreeName, education.fieldOfStudy].filter(Boolean).join(', '), education.schoolName].filter(Boolean).join(' · '))
    .filter(Boolean)
    .join('; ');
}

/** Cards stored before emails were kept say nothing about them; newer ones say when the recruiter shared none. */
function emailText(language: Language, candidate: CardCandidate): string {
  if (!candidate.emails) return '';
  return candidate.emails.length ? candidate.emails.join(', ') : t(language, 'export.noEmail');
}

function experienceText(language: Language, years: string | undefined): string {
  if (!years) return '';
  return /^\d+(\.\d+)?$/.test(years) ? t(language, 'export.years', { years }) : years;
}

/** `data` with the person filled in (see `withCandidate`). */
export function candidateExportedCard(language: Language, data: ExportCardData & { candidate: CandidateView }, form?: HandoverForm): AdaptiveCardJson {
  const { candidate, job } = data;
  const facts = [
    [t(language, 'export.company'), candidate.company],
    [t(language, 'export.title'), candidate.title],
    [t(language, 'export.location'), candidate.location],
    [t(language, 'export.experience'), experienceText(language, candidate.yearsOfExperience)],
    [t(language, 'export.skills'), (candidate.skills ?? []).join(', ')],
    [t(language, 'export.education'), educationText(candidate)],
    [t(language, 'export.email'), emailText(language, candidate)],
    [t(language, 'export.job'), job.title ? `${job.title} (${job.id})` : job.id],
    [t(language, 'export.exportedBy'), data.exporter],
    [t(language, 'export.exportedAt'), dateText(language, data.exportedAt, data.timeZone)]
  ]
    .filter(([, value]) => value)
    .map(([title, value]) => ({ title, value }));
  const handover = handoverFields(language, data);
  const reviewed = data.reviewedBy ? t(language, 'export.reviewed', { name: data.reviewedBy, when: dateText(language, data.reviewedAt ?? data.exportedAt, data.timeZone) }) : '';
  return renderCard('candidate-exported', {
    s: cardStrings(language),
    heading: t(language, 'export.heading'),
    jobWarning: jobWarning(language, job),
    eventId: data.eventId,
    candidate,
    job,
    facts,
    positionsHeading: candidate.positions?.length ? t(language, 'export.positions') : '',
    positions: positionLines(language, candidate),
    reviewed,
    ...handover,
    handoverForm: form ? { ...form, error: form.error ?? '' } : ''
  });
}

/** The "Send to hiring manager" form on the card: who may be picked (the job's author first) and an error, if any. */
export interface HandoverForm {
  people: { title: string; value: string }[];
  defaultTo: string;
  error?: string;
}

function handoverFields(language: Language, data: ExportCardData): { handoverStatus: string; handoverStyle: string; handoverReason: string } {
  const handover = data.handover;
  if (!handover) return { handoverStatus: '', handoverStyle: 'default', handoverReason: '' };
  if (!handover.verdict) {
    return { handoverStatus: t(language, 'handover.sent', { to: handover.to, by: handover.by, when: dateText(language, handover.sentAt, data.timeZone) }), handoverStyle: 'emphasis', handoverReason: '' };
  }
  return {
    handoverStatus: t(language, `handover.answer.${handover.verdict}`, { to: handover.to, when: dateText(language, handover.answeredAt ?? handover.sentAt, data.timeZone) }),
    handoverStyle: handover.verdict === 'interested' ? 'good' : 'attention',
    handoverReason: handover.reason ? t(language, 'handover.reason', { reason: handover.reason }) : ''
  };
}

/**
 * The card data with the person read from the candidate row (stored card data holds only the candidate's id; data
 * from before that carries the person itself). Undefined when the candidate is gone.
 */
export async function withCandidate(candidates: Pick<CandidateStore, 'get'>, data: ExportCardData): Promise<(ExportCardData & { candidate: CandidateView }) | undefined> {
  if (data.candidate) return data as ExportCardData & { candidate: CandidateView };
  if (!data.candidateId || !data.tenantId) return undefined;
  const candidate = await candidates.get(data.tenantId, data.candidateId);
  return candidate ? { ...data, candidate: candidateView(candidate) } : undefined;
}

/**
 * Registered with the notifier by the composition root: renders each recipient's card in their language, from the
 * candidate row. A candidate removed meanwhile gets the removal card.
 */
export function exportRenderers(candidates: Pick<CandidateStore, 'get'>) {
  return {
    [EXPORT_NOTICE_KIND]: async (language: Language, data: Record<string, unknown>) => {
      const full = await withCandidate(candidates, data as ExportCardData);
      return { card: full ? candidateExportedCard(language, full) : noticeCard(removalText(language, {})) };
    }
  } satisfies RendererRegistry;
}

/** The purge check as `export status` shows it; undefined when Recruiter System Connect is off. */
export interface PurgeCheckView extends PurgeCheckState {
  now: Date;
}

function purgeFacts(language: Language, purge: PurgeCheckView | undefined, timeZone: string): { purgeChecked: string; purgeWarning: string } {
  if (!purge) return { purgeChecked: t(language, 'exportStatus.purgeOff'), purgeWarning: '' };
  const purgeChecked = purge.lastSuccessAt ? dateText(language, purge.lastSuccessAt, timeZone) : t(language, 'exportStatus.purgeNever');
  const stale = isPurgeCheckStale(purge.lastSuccessAt, purge.firstAttemptAt, purge.now);
  const days = purgeCheckAgeDays(purge.lastSuccessAt, purge.firstAttemptAt, purge.now);
  return { purgeChecked, purgeWarning: stale ? t(language, 'exportStatus.purgeStale', { days, error: purge.lastError || '—' }) : '' };
}

export function exportStatusCard(language: Language, status: ExportStatus, timeZone: string, purge?: PurgeCheckView): AdaptiveCardJson {
  const last = status.lastSettled
    ? `${dateText(language, status.lastSettled.settledAt, timeZone)} (${t(language, `exportStatus.outcome.${status.lastSettled.status}`)})`
    : t(language, 'exportStatus.never');
  return renderCard('export-status', {
    s: cardStrings(language),
    pending: String(status.pending),
    last,
    ...purgeFacts(language, purge, timeZone),
    problemsHeading: status.problems.length ? t(language, 'exportStatus.problems', { count: status.problems.length }) : t(language, 'exportStatus.noProblems'),
    problems: status.problems.map((problem) => ({
      title: t(language, `exportStatus.${problem.status === 'rejected' || problem.status === 'expired' ? problem.status : 'failed'}`, { id: problem.eventId }),
      reason: problem.reason ?? '',
      detail: t(language, 'exportStatus.detail', { requestId: problem.requestId, attempts: problem.attempts, when: dateText(language, problem.settledAt, timeZone) })
    }))
  });
}
