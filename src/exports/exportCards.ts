/** The candidate card (one template, both languages) and the `export status` card. */
import { renderCard, type AdaptiveCardJson } from '../bot/cards';
import { dateText } from '../bot/views';
import { cardStrings, t, type Language } from '../i18n/strings';
import type { ExportStatus } from '../storage/exportInbox';
import { EXPORT_NOTICE_KIND, type ExportCardData } from './exportNotice';

function jobWarning(language: Language, job: ExportCardData['job']): string {
  if (job.state === 'closed') return t(language, 'export.jobClosed', { id: job.id });
  if (job.state === 'unknown') return job.id ? t(language, 'export.jobUnknown', { id: job.id }) : t(language, 'export.jobNone');
  return '';
}

export function candidateExportedCard(language: Language, data: ExportCardData): AdaptiveCardJson {
  const { candidate, job } = data;
  const facts = [
    [t(language, 'export.company'), candidate.company],
    [t(language, 'export.title'), candidate.title],
    [t(language, 'export.job'), job.title ? `${job.title} (${job.id})` : job.id],
    [t(language, 'export.exportedBy'), data.exporter],
    [t(language, 'export.exportedAt'), dateText(language, data.exportedAt, data.timeZone)]
  ]
    .filter(([, value]) => value)
    .map(([title, value]) => ({ title, value }));
  const reviewed = data.reviewedBy ? t(language, 'export.reviewed', { name: data.reviewedBy, when: dateText(language, data.reviewedAt ?? data.exportedAt, data.timeZone) }) : '';
  return renderCard('candidate-exported', {
    s: cardStrings(language),
    heading: t(language, 'export.heading'),
    jobWarning: jobWarning(language, job),
    eventId: data.eventId,
    candidate,
    job,
    facts,
    reviewed
  });
}

/** Registered with the notifier by the composition root: renders each recipient's card in their language. */
export const exportRenderers = {
  [EXPORT_NOTICE_KIND]: (language: Language, data: Record<string, unknown>) => ({ card: candidateExportedCard(language, data as ExportCardData) })
};

export function exportStatusCard(language: Language, status: ExportStatus, timeZone: string): AdaptiveCardJson {
  const last = status.lastSettled
    ? `${dateText(language, status.lastSettled.settledAt, timeZone)} (${t(language, `exportStatus.outcome.${status.lastSettled.status}`)})`
    : t(language, 'exportStatus.never');
  return renderCard('export-status', {
    s: cardStrings(language),
    pending: String(status.pending),
    last,
    problemsHeading: status.problems.length ? t(language, 'exportStatus.problems', { count: status.problems.length }) : t(language, 'exportStatus.noProblems'),
    problems: status.problems.map((problem) => ({
      title: t(language, problem.status === 'rejected' ? 'exportStatus.rejected' : 'exportStatus.failed', { id: problem.eventId }),
      reason: problem.reason ?? '',
      detail: t(language, 'exportStatus.detail', { requestId: problem.requestId, attempts: problem.attempts, when: dateText(language, problem.settledAt, timeZone) })
    }))
  });
}
