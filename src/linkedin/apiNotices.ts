/**
 * The Job Posting API engine's notices to a job's author, and their renderers: on LinkedIn (with the link), not accepted
 * (LinkedIn's reason in words: "LinkedIn did not accept the city"), closed by LinkedIn. One notice per job version and
 * event, so a repeated pass or a replayed webhook tells nobody twice.
 */
import { z } from 'zod';
import { feedNoticeCard } from '../bot/feedViews';
import type { ApiChange } from '../domain/jobPostingElements';
import { linkedInReason } from '../domain/jobPosting';
import { hasString, t, type Language } from '../i18n/strings';
import type { Notice, RendererRegistry } from '../shared/types';

export const API_NOTICE_KINDS = { live: 'api.live', rejected: 'api.rejected', closed_by_linkedin: 'api.closed' } as const;

const data = z.object({ jobId: z.string().min(1), title: z.string().optional(), url: z.string().optional(), reason: z.string().optional() });

/** The notice an engine step calls for, if any. */
export function apiNotice(change: ApiChange): Notice | undefined {
  const { job, notice } = change;
  if (!notice || !job.api) return undefined;
  const event = notice === 'closed_by_linkedin' ? `closed:${job.api.status?.checkedAt ?? job.closedAt}` : `${notice}:${job.api.version}`;
  const reason = notice === 'rejected' ? job.api.error : job.api.status?.reason;
  return {
    tenantId: job.tenantId,
    key: `api-${event}:${job.id}`,
    to: { kind: 'user', aadObjectId: job.author.aadObjectId },
    message: { kind: API_NOTICE_KINDS[notice], data: { jobId: job.id, title: job.title, ...(job.api.status?.jobPostingUrl ? { url: job.api.status.jobPostingUrl } : {}), ...(reason ? { reason } : {}) } }
  };
}

/** "LinkedIn did not accept the city": the field LinkedIn named, in the reader's words, or LinkedIn's own. */
export function rejectionSentence(language: Language, title: string, error: string): string {
  const reason = linkedInReason(error);
  if (reason.kind === 'text') return t(language, 'notice.api.rejectedText', { title, reason: reason.text });
  const key = `api.field.${reason.field}`;
  const field = hasString(key) ? t(language, key) : t(language, 'api.field.other', { field: reason.field });
  return t(language, 'notice.api.rejectedField', { title, field });
}

export const apiNoticeRenderers: RendererRegistry = {
  [API_NOTICE_KINDS.live]: (language, raw) => {
    const { jobId, title, url } = data.parse(raw);
    const text = url ? t(language, 'notice.api.live', { title: title || jobId, url }) : t(language, 'notice.api.liveNoLink', { title: title || jobId });
    return { card: feedNoticeCard(language, text, jobId) };
  },
  [API_NOTICE_KINDS.rejected]: (language, raw) => {
    const { jobId, title, reason } = data.parse(raw);
    return { card: feedNoticeCard(language, rejectionSentence(language, title || jobId, reason ?? ''), jobId) };
  },
  [API_NOTICE_KINDS.closed_by_linkedin]: (language, raw) => {
    const { jobId, title, reason } = data.parse(raw);
    const text = reason ? t(language, 'notice.api.closedReason', { title: title || jobId, reason }) : t(language, 'notice.api.closedByLinkedIn', { title: title || jobId });
    return { card: feedNoticeCard(language, text, jobId) };
  }
};
