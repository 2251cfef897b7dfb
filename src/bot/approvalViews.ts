import type { Job } from '../domain/job';
import { cardStrings, t, type Language } from '../i18n/strings';
import { renderCard } from './cards';
import { locationText } from './views';
import { dateText } from '../i18n/intlFormats';
import type { AdaptiveCardJson } from '../shared/types';

/** What an approval card shows, free of language: it travels in a Notice and is rendered per recipient. */
export interface ApprovalCardData {
  jobId: string;
  title: string;
  company: string;
  location: string;
  authorName: string;
  description: string;
  decision?: 'approved' | 'rejected';
  deciderName?: string;
  decidedAt?: string;
  reason?: string;
  /** Set when the job goes to LinkedIn's Job Posting API rather than the daily feed. */
  channel?: 'api';
  /** A reminder: how long the job has waited, and why this person is told (see domain/morning.ts). */
  reminder?: { days: number; escalated?: boolean; askedBy?: string; requestedAt?: string };
  /** Set when the author edited the job while it waited: every approver's card says so. */
  changed?: { by: string; at: string };
  /** Time zone the card's times are shown in. */
  timeZone?: string;
}

const DESCRIPTION_PREVIEW = 400;

export function approvalData(job: Job): ApprovalCardData {
  const description = job.description.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return {
    jobId: job.id,
    title: job.title,
    company: job.company,
    location: locationText(job),
    authorName: job.author.name,
    description: description.length > DESCRIPTION_PREVIEW ? `${description.slice(0, DESCRIPTION_PREVIEW)}…` : description,
    ...(job.channel === 'api' ? { channel: 'api' as const } : {}),
    ...(job.approval?.decision
      ? { decision: job.approval.decision, deciderName: job.approval.decidedBy?.name, decidedAt: job.approval.decidedAt, reason: job.approval.reason }
      : {})
  };
}

export interface ApprovalCardExtras {
  /** Shown above the outcome on a card whose button lost the race. */
  note?: string;
  reason?: string;
  reasonError?: string;
}

export function approvalCard(language: Language, data: ApprovalCardData, extras: ApprovalCardExtras = {}): AdaptiveCardJson {
  const decided = data.decision !== undefined;
  const params = { name: data.deciderName ?? '', date: data.decidedAt ? dateText(language, data.decidedAt) : '', reason: data.reason ?? '' };
  const outcome = decided ? t(language, data.decision === 'approved' ? (data.channel === 'api' ? 'approval.approvedApi' : 'approval.approved') : 'approval.rejected', params) : '';
  return renderCard('approval', {
    s: cardStrings(language),
    heading: t(language, 'approval.title', { title: data.title }),
    intro: t(language, 'approval.intro', { name: data.authorName }),
    facts: [
      { title: t(language, 'job.id'), value: data.jobId },
      { title: t(language, 'form.company'), value: data.company },
      { title: t(language, 'approval.location'), value: data.location }
    ].filter((fact) => fact.value),
    description: data.description,
    decided,
    outcome: extras.note ? `${extras.note} ${outcome}` : outcome,
    outcomeColor: data.decision === 'approved' ? 'Good' : 'Attention',
    reason: extras.reason ?? '',
    reasonError: extras.reasonError ?? '',
    notice: decided ? '' : waitingNotice(language, data),
    jobId: data.jobId
  });
}

/** Above an undecided card: that the job changed since it was first shown, or why this reminder came. */
function waitingNotice(language: Language, data: ApprovalCardData): string {
  const zone = data.timeZone ?? 'UTC';
  if (data.changed) return t(language, 'reminder.changed', { name: data.changed.by, date: dateText(language, data.changed.at, zone) });
  const reminder = data.reminder;
  if (!reminder) return '';
  if (reminder.askedBy) {
    return t(language, 'reminder.asked', { name: reminder.askedBy, date: reminder.requestedAt ? dateText(language, reminder.requestedAt, zone) : '' });
  }
  return t(language, reminder.escalated ? 'reminder.escalated' : 'reminder.waiting', { days: reminder.days });
}
