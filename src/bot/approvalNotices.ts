import { approvalCard, type ApprovalCardData } from './approvalViews';
import { escapeMarkdown } from './markdown';
import { approvalThread } from '../domain/approval';
import type { Job } from '../domain/job';
import type { Person } from '../domain/settings';
import { t } from '../i18n/strings';
import type { Notice, RendererRegistry } from '../shared/types';

/** Kinds of the approval notices; the notify helper renders each with `approvalRenderers`. */
export const APPROVAL_KINDS = {
  requested: 'approval.requested',
  decided: 'approval.decided',
  result: 'approval.result'
} as const;

/** One approval card per approver, all in the job's thread so a decision can update them together. */
export function approvalRequestNotices(job: Job, data: ApprovalCardData, approvers: readonly Person[]): Notice[] {
  return approvers.map((person) => ({
    tenantId: job.tenantId,
    key: `approval-requested:${job.id}:${job.approval?.requestedAt ?? ''}:${person.aadObjectId}`,
    to: { kind: 'user', aadObjectId: person.aadObjectId },
    message: { kind: APPROVAL_KINDS.requested, data: { ...data } },
    thread: approvalThread(job.id)
  }));
}

/** The decided card that replaces every approver's card in the thread. */
export function approvalDecidedMessage(data: ApprovalCardData): Notice['message'] {
  return { kind: APPROVAL_KINDS.decided, data: { ...data } };
}

/** Tells the hiring manager what was decided. */
export function approvalResultNotice(job: Job, data: ApprovalCardData): Notice {
  return {
    tenantId: job.tenantId,
    key: `approval-result:${job.id}:${data.decidedAt ?? ''}`,
    to: { kind: 'user', aadObjectId: job.author.aadObjectId },
    message: { kind: APPROVAL_KINDS.result, data: { ...data } }
  };
}

const asData = (data: Record<string, unknown>) => data as unknown as ApprovalCardData;

export const approvalRenderers: RendererRegistry = {
  [APPROVAL_KINDS.requested]: (language, data) => ({ card: approvalCard(language, asData(data)) }),
  [APPROVAL_KINDS.decided]: (language, data) => ({ card: approvalCard(language, asData(data)) }),
  [APPROVAL_KINDS.result]: (language, data) => {
    const d = asData(data);
    const approved = d.channel === 'api' ? 'approval.result.approvedApi' : 'approval.result.approved';
    const key = d.decision === 'approved' ? approved : 'approval.result.rejected';
    // Teams reads a bot's text message as Markdown too.
    const params = { title: d.title, id: d.jobId, name: d.deciderName ?? '', reason: d.reason ?? '' };
    return { text: t(language, key, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, escapeMarkdown(v)]))) };
  }
};
