import type { Job } from './job';
import type { PostingPolicy, Role } from './settings';

/**
 * The approval path for hiring managers' jobs. Pure: the handler stores, the notifier tells.
 * Recruiters and admins post directly whatever the policy (Attract's roles: they post, repost and unpost).
 */
export function needsApproval(policy: PostingPolicy, role: Role): boolean {
  return policy === 'approval' && role === 'hiring_manager';
}

/** A submitted job: queued for the feed, or held for a recruiter when the policy asks for it. */
export function submitted(job: Job, needs: boolean, now: Date): Job {
  if (!needs) return { ...job, state: 'queued' };
  return { ...job, state: 'awaiting_approval', approval: { requestedAt: now.toISOString() } };
}

export type Decision = 'approve' | 'reject';

/** Approved jobs are queued; rejected ones go back to draft, so their author can edit and submit them again. */
export function decide(job: Job, decision: Decision, by: { aadObjectId: string; name: string }, reason: string | undefined, now: Date): Job {
  const stamp = now.toISOString();
  return {
    ...job,
    state: decision === 'approve' ? 'queued' : 'draft',
    updatedAt: stamp,
    approval: {
      requestedAt: job.approval?.requestedAt ?? stamp,
      decision: decision === 'approve' ? 'approved' : 'rejected',
      decidedBy: { aadObjectId: by.aadObjectId, name: by.name },
      decidedAt: stamp,
      ...(reason ? { reason } : {})
    }
  };
}

/** Notices about one approval share this thread, so every recruiter's card can be updated together. */
export function approvalThread(jobId: string): string {
  return `approval:${jobId}`;
}
