import type { Notice } from '../shared/types';
/**
 * The durable outbox behind the Notifier: one row per notice, partitioned by tenant, keyed by the notice's key.
 * Every state change is a compare-and-swap on the row's ETag, so several bot processes can share one outbox.
 *
 * Life of a notice:
 *   pending ─────────────────▶ sending ──▶ sent ◀──▶ updating (re-render in place after updateThread)
 *      │ ▲                        │
 *      │ └── retry later ─────────┤ (429, 412, 5xx)
 *      └──▶ claimed ─▶ retry later or failed (no conversation yet, no renderer)
 *                                 └──▶ failed (parked with a reason, visible; never retried by itself)
 * `claimed` and `updating` rows whose lease ran out are taken over by another worker; a `sending` row whose lease ran
 * out is parked as `unconfirmed`, never sent again (see deliveryWorker.ts for why).
 */

export type NoticeState = 'pending' | 'claimed' | 'sending' | 'sent' | 'updating' | 'failed';

/** Why a notice was parked. */
export type FailureReason =
  /** Crashed or timed out between "sending" and "sent": maybe delivered, so never resent (at most once). */
  | 'unconfirmed'
  /** No active conversation with the recipient for too long (app not installed, or removed). */
  | 'no_conversation'
  /** Teams answered 403/404: the bot was removed from the conversation or may not write there. */
  | 'recipient_gone'
  /** Transient errors (429, 412, 5xx) outlasted every retry. */
  | 'gave_up'
  /** Teams refused the message itself (other 4xx). */
  | 'rejected'
  /** No renderer registered for the message kind, or the renderer threw. */
  | 'unrenderable';

export interface SentActivity {
  activityId: string;
  /** The conversation reference it went to (JSON, framework-free), for later in-place updates. */
  reference: Record<string, unknown>;
  language: string;
  sentAt: string;
}

export interface OutboxNotice extends Notice {
  state: NoticeState;
  /** Bumped by every updateThread; a sent card older than the row's revision needs an in-place update. */
  revision: number;
  /** Send (or update) attempts since the last success. */
  attempts: number;
  createdAt: string;
  /** ISO time from which the row is due (pending send, or sent with an update pending). */
  dueAt: string;
  /** ISO time until which the claiming worker owns a claimed, sending or updating row. */
  leaseUntil?: string;
  /** Random per claim: tells a worker whether the row is still its own after an ETag conflict. */
  claimToken?: string;
  sent?: SentActivity;
  /** Revision of the message the recipient's card shows now. */
  sentRevision?: number;
  updatePending: boolean;
  failure?: { reason: FailureReason; detail: string; at: string };
  lastError?: string;
  etag: string;
}

/** What a caller may change on a row; the store writes the whole row (Replace) under the row's ETag. */
export type OutboxChange = Partial<Omit<OutboxNotice, 'tenantId' | 'key' | 'to' | 'thread' | 'createdAt' | 'etag'>>;

/** Another writer changed the row since it was read (ETag mismatch): re-read and decide again. */
export class OutboxConflictError extends Error {
  constructor(readonly tenantId: string, readonly key: string) {
    super(`outbox row ${tenantId}/${key} changed concurrently`);
    this.name = 'OutboxConflictError';
  }
}

export interface OutboxStore {
  /** Stores notices that are not there yet (same tenant and key = same notice; the first one wins). Returns how many were new. */
  add(notices: readonly Notice[], now: Date): Promise<number>;
  get(tenantId: string, key: string): Promise<OutboxNotice | undefined>;
  /** Compare-and-swap on `notice.etag`; throws OutboxConflictError when the row changed meanwhile. */
  update(notice: OutboxNotice, change: OutboxChange): Promise<OutboxNotice>;
  /** Rows that need work at `now`: due sends and updates, and rows whose claim lease ran out. Across tenants. */
  due(now: Date): AsyncIterable<OutboxNotice>;
  /** Every notice of a thread in a tenant. */
  inThread(tenantId: string, thread: string): Promise<OutboxNotice[]>;
  /** A tenant's notices in the given states (e.g. `failed`, for an admin's status card), oldest first, at most `limit`. */
  list(tenantId: string, states: readonly NoticeState[], limit?: number): Promise<OutboxNotice[]>;
}
