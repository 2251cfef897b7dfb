import assert from 'node:assert/strict';
import { DeliveryError } from '../src/notifications/chat';
import { DEFAULT_DELIVERY_POLICY } from '../src/notifications/deliveryPolicy';
import * as outboxRow from '../src/notifications/outboxTransitions';
import type { OutboxNotice } from '../src/storage/outboxStore';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const policy = { ...DEFAULT_DELIVERY_POLICY, baseBackoffMs: 1_000, maxBackoffMs: 60_000, maxAttempts: 4 };
const inMs = (iso: string | undefined) => Date.parse(iso ?? '') - NOW.getTime();

function row(overrides: Partial<OutboxNotice> = {}): OutboxNotice {
  return {
    tenantId: 't', key: 'k', to: { kind: 'user', aadObjectId: 'u' }, message: { kind: 'notice', data: {} },
    state: 'pending', revision: 1, attempts: 0, createdAt: NOW.toISOString(), dueAt: NOW.toISOString(), updatePending: false, etag: 'e',
    ...overrides
  };
}

describe('outbox transitions', () => {
  it('each due state has its work: first delivery, in-place update, or parking a send that never confirmed', () => {
    assert.deepEqual(
      (['pending', 'claimed', 'sending', 'sent', 'updating', 'failed'] as const).map(outboxRow.workFor),
      ['deliver', 'deliver', 'park_unconfirmed', 'refresh', 'refresh', 'none']
    );
  });

  it('claim and sending hold the row under a token for their lease', () => {
    assert.deepEqual(outboxRow.claimed('tok', NOW, policy), { state: 'claimed', claimToken: 'tok', leaseUntil: new Date(NOW.getTime() + policy.claimLeaseMs).toISOString() });
    const sending = outboxRow.sending('tok', NOW, policy);
    assert.equal(sending.state, 'sending');
    assert.equal(inMs(sending.leaseUntil), policy.sendLeaseMs);
    assert.deepEqual(outboxRow.handedBack(), { state: 'pending', leaseUntil: undefined, claimToken: undefined });
  });

  it('sent records the activity, clears the claim and errors, and keeps an update pending when a newer revision came meanwhile', () => {
    const activity = { activityId: 'a1', reference: { conversation: { id: 'c' } }, language: 'nb' };
    const same = outboxRow.sent(row({ revision: 3, attempts: 2 }), activity, 3, NOW);
    assert.deepEqual(same.sent, { ...activity, sentAt: NOW.toISOString() });
    assert.equal(same.state, 'sent');
    assert.equal(same.updatePending, false);
    assert.equal(same.attempts, 0);
    assert.equal(same.claimToken, undefined);
    assert.ok('failure' in same && same.failure === undefined);
    assert.equal(outboxRow.sent(row({ revision: 4 }), activity, 3, NOW).updatePending, true);
  });

  it('a transient failure is retried later with one more attempt, and parked as gave_up when the attempts are spent', () => {
    const step = outboxRow.retry(row({ attempts: 1 }), 5_000, 'HTTP 503', NOW, policy);
    assert.ok('change' in step);
    assert.equal(step.change.state, 'pending');
    assert.equal(step.change.attempts, 2);
    assert.equal(inMs(step.change.dueAt), 5_000);
    assert.equal(step.change.lastError, 'HTTP 503');
    assert.deepEqual(outboxRow.retry(row({ attempts: 3 }), 5_000, 'HTTP 503', NOW, policy), { park: 'gave_up', detail: 'HTTP 503' });
  });

  it('a notice without a conversation waits, less often as it ages, and is parked after waitForConversationMs', () => {
    const young = outboxRow.waitAndSee(row(), 'no_conversation', 'waiting', NOW, policy);
    assert.ok('change' in young && inMs(young.change.dueAt) === policy.conversationRetryMs);
    const hourOld = row({ createdAt: new Date(NOW.getTime() - 3_600_000).toISOString() });
    const later = outboxRow.waitAndSee(hourOld, 'no_conversation', 'waiting', NOW, policy);
    assert.ok('change' in later && inMs(later.change.dueAt) === Math.min(policy.maxBackoffMs, 1_800_000));
    const old = row({ createdAt: new Date(NOW.getTime() - policy.waitForConversationMs).toISOString() });
    assert.deepEqual(outboxRow.waitAndSee(old, 'unrenderable', 'no renderer', NOW, policy), { park: 'unrenderable', detail: 'no renderer' });
  });

  it('parking keeps the reason, a short detail and the time; an unconfirmed send names its lease', () => {
    const parked = outboxRow.parked('rejected', 'x'.repeat(900), NOW);
    assert.equal(parked.state, 'failed');
    assert.equal(parked.failure?.detail.length, 500);
    assert.equal(parked.failure?.at, NOW.toISOString());
    const unconfirmed = outboxRow.unconfirmed(row({ state: 'sending', leaseUntil: '2026-03-02T08:55:00.000Z', claimToken: 'tok' }), NOW);
    assert.deepEqual(unconfirmed.failure, { reason: 'unconfirmed', detail: 'no confirmation since 2026-03-02T08:55:00.000Z', at: NOW.toISOString() });
    assert.ok(!('claimToken' in unconfirmed), 'the claim token stays: a late "sent" from the original sender still wins');
  });

  it('after a failed send: throttled pauses the conversation for Retry-After, gone forgets it, rejected and uncertain park', () => {
    const throttled = outboxRow.afterFailedSend(row(), new DeliveryError('throttled', '429', { retryAfterMs: 7_000 }), NOW, policy);
    assert.equal(throttled.pauseMs, 7_000);
    assert.ok('change' in throttled.step && inMs(throttled.step.change.dueAt) === 7_000);
    const transient = outboxRow.afterFailedSend(row({ attempts: 2 }), new DeliveryError('transient', '503'), NOW, policy, () => 1);
    assert.equal(transient.pauseMs, undefined);
    assert.ok('change' in transient.step && inMs(transient.step.change.dueAt) === 4_000, 'back-off: base × 2^attempts');
    const gone = outboxRow.afterFailedSend(row(), new DeliveryError('gone', '403'), NOW, policy);
    assert.deepEqual(gone, { step: { park: 'recipient_gone', detail: '403' }, recipientGone: true });
    assert.deepEqual(outboxRow.afterFailedSend(row(), new DeliveryError('rejected', '400'), NOW, policy).step, { park: 'rejected', detail: '400' });
    assert.deepEqual(outboxRow.afterFailedSend(row(), new DeliveryError('uncertain', 'socket hang up'), NOW, policy).step, { park: 'unconfirmed', detail: 'socket hang up' });
  });

  it('after a failed update the row is sent again; retryable outcomes (uncertain too: a PUT is idempotent) keep the update pending until attempts run out', () => {
    const sentRow = row({ state: 'updating', attempts: 1, claimToken: 'tok' });
    const uncertain = outboxRow.afterFailedUpdate(sentRow, new DeliveryError('uncertain', 'reset'), NOW, policy, () => 0);
    assert.equal(uncertain.again, true);
    assert.deepEqual(
      { state: uncertain.change.state, updatePending: uncertain.change.updatePending, attempts: uncertain.change.attempts, claimToken: uncertain.change.claimToken, lastError: uncertain.change.lastError },
      { state: 'sent', updatePending: true, attempts: 2, claimToken: undefined, lastError: 'update: reset' }
    );
    assert.equal(inMs(uncertain.change.dueAt), 1_000, 'half the ceiling at least (equal jitter)');
    const spent = outboxRow.afterFailedUpdate(row({ attempts: 3 }), new DeliveryError('transient', '503'), NOW, policy);
    assert.equal(spent.again, false);
    assert.equal(spent.change.attempts, 0);
    const gone = outboxRow.afterFailedUpdate(sentRow, new DeliveryError('gone', '404'), NOW, policy);
    assert.equal(gone.recipientGone, true);
    assert.equal(gone.change.updatePending, false);
    assert.equal(outboxRow.afterFailedUpdate(sentRow, new DeliveryError('throttled', '429', { retryAfterMs: 2_000 }), NOW, policy).pauseMs, 2_000);
  });

  it('a successful update records the revision shown; a drop leaves the row sent', () => {
    const done = outboxRow.updated(row({ revision: 5, attempts: 2 }), 5, NOW);
    assert.equal(done.sentRevision, 5);
    assert.equal(done.updatePending, false);
    assert.equal(done.attempts, 0);
    assert.equal(outboxRow.updated(row({ revision: 6 }), 5, NOW).updatePending, true);
    assert.deepEqual(outboxRow.updateDropped(), { state: 'sent', leaseUntil: undefined, claimToken: undefined });
    assert.equal(outboxRow.updateDropped('no renderer').updatePending, false);
  });
});
