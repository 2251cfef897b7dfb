/**
 * The outbox row's life, as pure functions: given a row (and what just happened), the change to write. The delivery
 * worker does the I/O around them (reads, the ETag writes, the send); every rule about states, leases, attempts and
 * back-off is here.
 *
 *   pending ──claim──▶ claimed ──▶ sending ──▶ sent ──updateThread──▶ (due again) ──▶ updating ──▶ sent
 *      ▲                 │           │  ╰──(found after its lease)──▶ failed: unconfirmed (never resent)
 *      ╰──retry/wait─────┴───────────╯──park──▶ failed: gave_up, rejected, recipient_gone, no_conversation, unrenderable
 */
import type { FailureReason, NoticeState, OutboxChange, OutboxNotice } from '../storage/outboxStore';
import { backoffMs } from '../workers/backoff';
import type { DeliveryError } from './chat';
import type { DeliveryPolicy } from './deliveryPolicy';

/** What the worker does with a due row, by its state. */
export type RowWork = 'deliver' | 'refresh' | 'park_unconfirmed' | 'none';

export function workFor(state: NoticeState): RowWork {
  switch (state) {
    case 'sending':
      return 'park_unconfirmed';
    case 'pending':
    case 'claimed':
      return 'deliver';
    case 'sent':
    case 'updating':
      return 'refresh';
    default:
      return 'none';
  }
}

/** Either a change to write on a row the worker holds, or the row is to be parked as failed. */
export type Step = { change: OutboxChange } | { park: FailureReason; detail: string };

const later = (now: Date, ms: number) => new Date(now.getTime() + ms).toISOString();
const released = { leaseUntil: undefined, claimToken: undefined } as const;

/** Takes a due row for a first delivery (the claim: an ETag compare-and-swap on the row as read). */
export function claimed(token: string, now: Date, policy: Pick<DeliveryPolicy, 'claimLeaseMs'>): OutboxChange {
  return { state: 'claimed', claimToken: token, leaseUntil: later(now, policy.claimLeaseMs) };
}

/** Takes a sent row for an in-place update of its card. */
export function updating(token: string, now: Date, policy: Pick<DeliveryPolicy, 'claimLeaseMs'>): OutboxChange {
  return { state: 'updating', claimToken: token, leaseUntil: later(now, policy.claimLeaseMs) };
}

/** Written right before the one request whose outcome cannot be known after a crash. */
export function sending(token: string, now: Date, policy: Pick<DeliveryPolicy, 'sendLeaseMs'>): OutboxChange {
  return { state: 'sending', claimToken: token, leaseUntil: later(now, policy.sendLeaseMs) };
}

/** Nothing was sent (the tenant's lane was lost): the row is due again for whoever holds the lane. */
export function handedBack(): OutboxChange {
  return { state: 'pending', ...released };
}

/** Teams took the message: its activity is recorded; a revision newer than the one sent needs an update. */
export function sent(current: OutboxNotice, activity: { activityId: string; reference: Record<string, unknown>; language: string }, renderedRevision: number, now: Date): OutboxChange {
  const sentAt = now.toISOString();
  return {
    state: 'sent',
    sent: { ...activity, sentAt },
    sentRevision: renderedRevision,
    updatePending: current.revision !== renderedRevision,
    dueAt: sentAt,
    attempts: 0,
    ...released,
    failure: undefined,
    lastError: undefined
  };
}

/** A transient failure: due again after `delayMs`, or parked as `gave_up` once the attempts are spent. */
export function retry(notice: OutboxNotice, delayMs: number, reason: string, now: Date, policy: Pick<DeliveryPolicy, 'maxAttempts'>): Step {
  if (notice.attempts + 1 >= policy.maxAttempts) return { park: 'gave_up', detail: reason };
  return { change: { state: 'pending', dueAt: later(now, delayMs), attempts: notice.attempts + 1, ...released, lastError: reason } };
}

/**
 * Not deliverable yet, but may become so without anyone retrying by hand (the person installs the app, a newer
 * process renders the kind): look again later, less often as the notice ages; park it in the end.
 */
export function waitAndSee(notice: OutboxNotice, reason: FailureReason, why: string, now: Date, policy: Pick<DeliveryPolicy, 'waitForConversationMs' | 'conversationRetryMs' | 'maxBackoffMs'>): Step {
  const age = now.getTime() - Date.parse(notice.createdAt);
  if (age >= policy.waitForConversationMs) return { park: reason, detail: why };
  const delay = Math.min(policy.maxBackoffMs, Math.max(policy.conversationRetryMs, age / 2));
  return { change: { state: 'pending', dueAt: later(now, delay), ...released, lastError: why } };
}

/** Parked: visible to admins with its reason, never tried again by the worker. */
export function parked(reason: FailureReason, detail: string, now: Date): OutboxChange {
  return { state: 'failed', failure: { reason, detail: detail.slice(0, 500), at: now.toISOString() }, leaseUntil: undefined };
}

/**
 * The sender died (or hung) between "sending" and "sent": maybe delivered, so at most once. The claim token stays:
 * should the original sender still record its success, that record wins.
 */
export function unconfirmed(row: OutboxNotice, now: Date): OutboxChange {
  return parked('unconfirmed', `no confirmation since ${row.leaseUntil}`, now);
}

/** Retry delay after a failed send or update: Teams' Retry-After when given, else back-off with jitter. */
export function retryDelayMs(notice: OutboxNotice, error: DeliveryError, policy: Pick<DeliveryPolicy, 'baseBackoffMs' | 'maxBackoffMs'>, random?: () => number): number {
  return error.details.retryAfterMs ?? backoffMs(notice.attempts, { baseMs: policy.baseBackoffMs, maxMs: policy.maxBackoffMs }, random);
}

/** After a failed send: what to write, and what Teams' answer says about the conversation. */
export function afterFailedSend(notice: OutboxNotice, error: DeliveryError, now: Date, policy: DeliveryPolicy, random?: () => number): { step: Step; pauseMs?: number; recipientGone?: boolean } {
  switch (error.outcome) {
    case 'throttled':
    case 'transient': {
      const delay = retryDelayMs(notice, error, policy, random);
      return { step: retry(notice, delay, error.message, now, policy), pauseMs: error.outcome === 'throttled' ? delay : undefined };
    }
    case 'gone':
      return { step: { park: 'recipient_gone', detail: error.message }, recipientGone: true };
    case 'rejected':
      return { step: { park: 'rejected', detail: error.message } };
    case 'uncertain':
      return { step: { park: 'unconfirmed', detail: error.message } };
  }
}

/**
 * After a failed in-place update (back to `sent` either way). An update is idempotent (PUT of the whole card): an
 * uncertain one is simply tried again, until the attempts are spent.
 */
export function afterFailedUpdate(notice: OutboxNotice, error: DeliveryError, now: Date, policy: DeliveryPolicy, random?: () => number): { change: OutboxChange; again: boolean; pauseMs?: number; recipientGone?: boolean } {
  const retryable = error.outcome === 'throttled' || error.outcome === 'transient' || error.outcome === 'uncertain';
  const again = retryable && notice.attempts + 1 < policy.maxAttempts;
  const delay = retryDelayMs(notice, error, policy, random);
  return {
    change: { state: 'sent', ...released, updatePending: again, attempts: again ? notice.attempts + 1 : 0, dueAt: later(now, delay), lastError: `update: ${error.message}` },
    again,
    pauseMs: error.outcome === 'throttled' ? delay : undefined,
    recipientGone: error.outcome === 'gone'
  };
}

/** The card now shows `renderedRevision`; a newer revision written meanwhile keeps the update pending. */
export function updated(current: OutboxNotice, renderedRevision: number, now: Date): OutboxChange {
  return { state: 'sent', ...released, sentRevision: renderedRevision, updatePending: current.revision !== renderedRevision, attempts: 0, dueAt: now.toISOString(), lastError: undefined };
}

/** An update that cannot be made (no renderer, or this process no longer holds the tenant's lane): back to `sent`. */
export function updateDropped(lastError?: string): OutboxChange {
  return lastError === undefined ? { state: 'sent', ...released } : { state: 'sent', ...released, updatePending: false, lastError };
}
