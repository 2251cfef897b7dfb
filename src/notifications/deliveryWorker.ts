/**
 * Delivers the outbox: claims due notices, renders each in its recipient's language, sends it through the shared
 * rate limiter, records the sent activity, and re-renders sent cards in place after `updateThread`.
 *
 * Several processes may run workers against one storage account: every state change is an ETag compare-and-swap
 * (outboxStore.ts), so exactly one worker wins each claim, and a worker that lost its claim (lease expired, taken
 * over) notices it at its next write and stops before sending.
 *
 * Exactly once, and the one window where that cannot be known. The send itself is the only step that cannot be
 * made conditional: Teams' Bot Connector has no idempotency key and no way to list a chat's messages, so a worker
 * that dies after Teams accepted a message but before it recorded the activity id leaves no trace to check. We narrow
 * that window to the single HTTP request: "sending" is written (under the claim's ETag) right before the request, and
 * "sent" with the activity id right after. A row found still "sending" after its lease ran out is parked as
 * `unconfirmed` (visible, with the time) and never sent again: at most once in that window, because a second card
 * about the same export is the failure the product must not have. Everything before "sending" (claim, conversation
 * lookup, rendering, waiting for the rate limiter) is safe to redo and is redone by whoever takes the claim over.
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../bot/types';
import type { Language } from '../i18n/strings';
import type { Logger } from '../logger';
import type { ConversationStore } from '../storage/conversationStore';
import { OutboxConflictError, type FailureReason, type OutboxChange, type OutboxNotice, type OutboxStore } from '../storage/outboxStore';
import { DeliveryError, type ChatSender, type RendererRegistry } from './chat';
import type { TeamsRateLimiter } from './rateLimiter';
import { limiterKeyOf, resolveRecipient, storedIdOf, type Destination } from './recipients';

export interface DeliveryPolicy {
  /** Notices handled at once by this process. */
  concurrency: number;
  /** How often to look for due notices when nothing wakes the worker. */
  pollMs: number;
  /** How long a claim protects a notice before the conversation lookup and rate limiter wait are taken over. */
  claimLeaseMs: number;
  /** How long one send may take (the connector's own retries included) before it counts as unconfirmed. */
  sendLeaseMs: number;
  /** Transient failures (429, 412, 5xx) before a notice is parked as `gave_up`. */
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** How long a notice waits for its recipient's conversation (app not installed yet) before it is parked. */
  waitForConversationMs: number;
  /** First re-check for a missing conversation; later checks back off with the notice's age. */
  conversationRetryMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  concurrency: 16,
  pollMs: 1_000,
  claimLeaseMs: 2 * 60_000,
  sendLeaseMs: 5 * 60_000,
  maxAttempts: 8,
  baseBackoffMs: 1_000,
  maxBackoffMs: 15 * 60_000,
  waitForConversationMs: 3 * 24 * 3_600_000,
  conversationRetryMs: 30_000
};

export interface DeliveryWorkerOptions {
  outbox: OutboxStore;
  conversations: ConversationStore;
  chat: ChatSender;
  renderers: RendererRegistry;
  limiter: TeamsRateLimiter;
  logger: Logger;
  policy?: Partial<DeliveryPolicy>;
  clock?: () => Date;
}

interface Rendered {
  reply: Reply;
  revision: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DeliveryWorker {
  private readonly policy: DeliveryPolicy;
  private readonly clock: () => Date;
  private readonly inFlight = new Map<string, Promise<void>>();
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private nudge: (() => void) | undefined;
  private wakeRequested = false;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
    this.clock = options.clock ?? (() => new Date());
  }

  /** Starts the background loop (its timers never keep the process alive). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Look now rather than at the next poll (after an enqueue or a thread update). */
  wake(): void {
    this.wakeRequested = true;
    this.nudge?.();
  }

  /** Stops looking for work and waits (at most `graceMs`) for the notices in hand. */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    this.wake();
    await this.loopDone;
    await Promise.race([Promise.all(this.inFlight.values()), sleep(graceMs)]);
  }

  /** One pass for tests and tools: handles every notice due now, waiting for them to finish. */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const started = await this.startDue(this.policy.concurrency);
      handled += started;
      await Promise.all(this.inFlight.values());
      if (started === 0) return handled;
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.startDue(this.policy.concurrency - this.inFlight.size);
      } catch (error) {
        this.options.logger.warn('outbox: could not read due notices', { error: (error as Error).message });
      }
      await this.idle();
    }
  }

  /** Resolves at the next poll, on wake(), or as soon as half the lanes are free again. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.wakeRequested) {
        this.wakeRequested = false;
        return resolve();
      }
      const timer = setTimeout(done, this.policy.pollMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.nudge = () => {
        this.nudge = undefined;
        this.wakeRequested = false;
        done();
      };
    });
  }

  /** Starts up to `free` due notices, skipping those whose conversation or tenant is at its Teams limit right now. */
  private async startDue(free: number): Promise<number> {
    if (free <= 0) return 0;
    const { limiter } = this.options;
    const taken = new Map<string, number>();
    const take = (key: string) => taken.set(key, (taken.get(key) ?? 0) + 1);
    let started = 0;
    for await (const row of this.options.outbox.due(this.clock())) {
      const id = `${row.tenantId}\u0000${row.key}`;
      if (this.inFlight.has(id)) continue;
      if (row.state !== 'sending') {
        const conversation = `${row.tenantId}\u0000${limiterKeyOf(row.to)}`;
        if ((taken.get(conversation) ?? 0) >= limiter.capacity(row.tenantId, limiterKeyOf(row.to))) continue;
        if ((taken.get(row.tenantId) ?? 0) >= limiter.tenantCapacity(row.tenantId)) continue;
        take(conversation);
        take(row.tenantId);
      }
      const task = this.handle(row)
        .catch((error: Error) => this.options.logger.error('outbox: notice handling failed', { tenantId: row.tenantId, key: row.key, error: error.message }))
        .finally(() => {
          this.inFlight.delete(id);
          if (this.inFlight.size <= this.policy.concurrency / 2) this.wake();
        });
      this.inFlight.set(id, task);
      if (++started >= free) break;
    }
    return started;
  }

  private handle(row: OutboxNotice): Promise<void> {
    switch (row.state) {
      case 'sending':
        return this.parkUnconfirmed(row);
      case 'pending':
      case 'claimed':
        return this.deliver(row);
      case 'sent':
      case 'updating':
        return this.refresh(row);
      default:
        return Promise.resolve();
    }
  }

  // ---- first delivery ----

  private async deliver(row: OutboxNotice): Promise<void> {
    const token = randomUUID();
    let notice = await this.claim(row, { state: 'claimed', claimToken: token, leaseUntil: this.later(this.policy.claimLeaseMs) });
    if (!notice) return;
    const destination = await resolveRecipient(this.options.conversations, notice.tenantId, notice.to);
    if (!destination) return this.waitForConversation(notice, token);
    let rendered = this.render(notice, destination.language);
    if (rendered instanceof Error) return this.park(notice, token, 'unrenderable', rendered.message);

    const needsNewChat = !(destination.reference.conversation as { id?: string } | undefined)?.id;
    for (let i = 0; i < (needsNewChat ? 2 : 1); i++) await this.options.limiter.acquire(notice.tenantId, destination.limiterKey);

    notice = await this.mine(notice, token, () => ({ state: 'sending', leaseUntil: this.later(this.policy.sendLeaseMs) }));
    if (!notice) return; // the claim was taken over while we waited: the new holder sends it
    if (notice.revision !== rendered.revision) {
      const again = this.render(notice, destination.language);
      if (!(again instanceof Error)) rendered = again;
    }

    let delivered;
    try {
      delivered = await this.options.chat.send(destination.reference, rendered.reply);
    } catch (error) {
      return this.afterFailedSend(notice, token, destination, asDeliveryError(error));
    }
    const sentAt = this.clock().toISOString();
    const renderedRevision = rendered.revision;
    const recorded = await this.withStorageRetries(() =>
      this.mine(notice!, token, (current) => ({
        state: 'sent',
        sent: { activityId: delivered.activityId, reference: delivered.reference, language: destination.language, sentAt },
        sentRevision: renderedRevision,
        updatePending: current.revision !== renderedRevision,
        dueAt: sentAt,
        attempts: 0,
        leaseUntil: undefined,
        claimToken: undefined,
        failure: undefined,
        lastError: undefined
      }))
    );
    if (!recorded) {
      // Stays "sending" and will be parked as unconfirmed: never sent twice.
      this.options.logger.error('outbox: sent but could not record it', { tenantId: notice.tenantId, key: notice.key, activityId: delivered.activityId });
    }
  }

  private async afterFailedSend(notice: OutboxNotice, token: string, destination: Destination, error: DeliveryError): Promise<void> {
    const { tenantId, key } = notice;
    this.options.logger.warn('outbox: send failed', { tenantId, key, outcome: error.outcome, status: error.details.status, code: error.details.code });
    switch (error.outcome) {
      case 'throttled':
      case 'transient': {
        const delay = error.details.retryAfterMs ?? this.backoff(notice.attempts);
        if (error.outcome === 'throttled') this.options.limiter.pause(tenantId, destination.limiterKey, delay);
        return this.retryLater(notice, token, delay, error.message);
      }
      case 'gone':
        await this.options.conversations.markInactive(tenantId, destination.storedAs);
        return this.park(notice, token, 'recipient_gone', error.message);
      case 'rejected':
        return this.park(notice, token, 'rejected', error.message);
      case 'uncertain':
        return this.park(notice, token, 'unconfirmed', error.message);
    }
  }

  private async retryLater(notice: OutboxNotice, token: string, delayMs: number, reason: string): Promise<void> {
    if (notice.attempts + 1 >= this.policy.maxAttempts) return this.park(notice, token, 'gave_up', reason);
    await this.mine(notice, token, () => ({
      state: 'pending',
      dueAt: this.later(delayMs),
      attempts: notice.attempts + 1,
      leaseUntil: undefined,
      claimToken: undefined,
      lastError: reason
    }));
  }

  /** No active conversation yet: look again later, less often as the notice ages; park it in the end. */
  private async waitForConversation(notice: OutboxNotice, token: string): Promise<void> {
    const age = this.clock().getTime() - Date.parse(notice.createdAt);
    if (age >= this.policy.waitForConversationMs) {
      return this.park(notice, token, 'no_conversation', 'the recipient has no active conversation with the bot (app not installed or removed)');
    }
    const delay = Math.min(this.policy.maxBackoffMs, Math.max(this.policy.conversationRetryMs, age / 2));
    await this.mine(notice, token, () => ({
      state: 'pending',
      dueAt: this.later(delay),
      leaseUntil: undefined,
      claimToken: undefined,
      lastError: 'waiting for a conversation with the recipient'
    }));
  }

  private async park(notice: OutboxNotice, token: string, reason: FailureReason, detail: string): Promise<void> {
    this.options.logger.warn('outbox: notice parked', { tenantId: notice.tenantId, key: notice.key, reason });
    await this.mine(notice, token, () => ({
      state: 'failed',
      failure: { reason, detail: detail.slice(0, 500), at: this.clock().toISOString() },
      leaseUntil: undefined
    }));
  }

  /** The sender died (or hung) between "sending" and "sent": maybe delivered, so at most once. */
  private async parkUnconfirmed(row: OutboxNotice): Promise<void> {
    this.options.logger.warn('outbox: send unconfirmed, not resending', { tenantId: row.tenantId, key: row.key });
    try {
      // The claim token stays: should the original sender still record its success, that record wins.
      await this.options.outbox.update(row, {
        state: 'failed',
        failure: { reason: 'unconfirmed', detail: `no confirmation since ${row.leaseUntil}`, at: this.clock().toISOString() },
        leaseUntil: undefined
      });
    } catch (error) {
      if (!(error instanceof OutboxConflictError)) throw error;
    }
  }

  // ---- in-place updates after updateThread ----

  private async refresh(row: OutboxNotice): Promise<void> {
    const token = randomUUID();
    const notice = await this.claim(row, { state: 'updating', claimToken: token, leaseUntil: this.later(this.policy.claimLeaseMs) });
    if (!notice?.sent) return;
    const sent = notice.sent;
    const done = (change: (current: OutboxNotice) => OutboxChange) =>
      this.mine(notice, token, (current) => ({ state: 'sent', leaseUntil: undefined, claimToken: undefined, ...change(current) }));
    const rendered = this.render(notice, sent.language as Language);
    if (rendered instanceof Error) return void (await done(() => ({ updatePending: false, lastError: rendered.message })));

    await this.options.limiter.acquire(notice.tenantId, limiterKeyOf(notice.to));
    try {
      await this.options.chat.update(sent.reference, sent.activityId, rendered.reply);
    } catch (caught) {
      const error = asDeliveryError(caught);
      // An update is idempotent (PUT of the whole card): an uncertain one is simply tried again.
      const retry = error.outcome === 'throttled' || error.outcome === 'transient' || error.outcome === 'uncertain';
      if (error.outcome === 'throttled') this.options.limiter.pause(notice.tenantId, limiterKeyOf(notice.to), error.details.retryAfterMs ?? this.backoff(notice.attempts));
      if (error.outcome === 'gone') await this.options.conversations.markInactive(notice.tenantId, storedIdOf(notice.to));
      const again = retry && notice.attempts + 1 < this.policy.maxAttempts;
      this.options.logger.warn('outbox: card update failed', { tenantId: notice.tenantId, key: notice.key, outcome: error.outcome, retry: again });
      await done(() => ({
        updatePending: again,
        attempts: again ? notice.attempts + 1 : 0,
        dueAt: this.later(error.details.retryAfterMs ?? this.backoff(notice.attempts)),
        lastError: `update: ${error.message}`
      }));
      return;
    }
    await done((current) => ({ sentRevision: rendered.revision, updatePending: current.revision !== rendered.revision, attempts: 0, dueAt: this.clock().toISOString(), lastError: undefined }));
  }

  // ---- helpers ----

  private render(notice: OutboxNotice, language: Language): Rendered | Error {
    const renderer = this.options.renderers[notice.message.kind];
    if (!renderer) return new Error(`no renderer registered for "${notice.message.kind}"`);
    try {
      return { reply: renderer(language, notice.message.data), revision: notice.revision };
    } catch (error) {
      return new Error(`renderer for "${notice.message.kind}" failed: ${(error as Error).message}`);
    }
  }

  /** Takes a due row (ETag): undefined when another worker (or a thread update) got there first. */
  private async claim(row: OutboxNotice, change: OutboxChange): Promise<OutboxNotice | undefined> {
    try {
      return await this.options.outbox.update(row, change);
    } catch (error) {
      if (error instanceof OutboxConflictError) return undefined;
      throw error;
    }
  }

  /**
   * Writes a change to a row this worker has claimed. On an ETag conflict it re-reads: if the claim token is still
   * ours, the other writer was a thread update (new message or revision), so the change is applied to the fresh row;
   * otherwise the claim was taken over and this worker lets go (undefined).
   */
  private async mine(notice: OutboxNotice, token: string, change: (current: OutboxNotice) => OutboxChange): Promise<OutboxNotice | undefined> {
    let current = notice;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        return await this.options.outbox.update(current, change(current));
      } catch (error) {
        if (!(error instanceof OutboxConflictError)) throw error;
        const fresh = await this.options.outbox.get(notice.tenantId, notice.key);
        if (!fresh || fresh.claimToken !== token) return undefined;
        current = fresh;
      }
    }
    return undefined;
  }

  /** Recording a send must survive a storage hiccup: a few tries, then give up (the row is parked as unconfirmed). */
  private async withStorageRetries<T>(work: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await work();
      } catch (error) {
        this.options.logger.warn('outbox: storage write failed, retrying', { error: (error as Error).message });
        await sleep(200 * 2 ** attempt);
      }
    }
    return undefined;
  }

  /** Exponential back-off with full jitter (Learn, "Rate limiting for bots": back off with random jitter). */
  private backoff(attempts: number): number {
    const ceiling = Math.min(this.policy.maxBackoffMs, this.policy.baseBackoffMs * 2 ** attempts);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private later(ms: number): string {
    return new Date(this.clock().getTime() + ms).toISOString();
  }
}

function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  // Anything else came from inside the send: we cannot tell whether Teams showed it.
  return new DeliveryError('uncertain', (error as Error)?.message ?? String(error));
}
