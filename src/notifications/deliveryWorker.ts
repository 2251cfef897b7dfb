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
 * (Learn asks bots to retry 502 and 504, and the connector client does; a 504 that Teams had in fact carried out
 * would show twice. We follow Learn there: those answers are rare, and dropping them would lose messages.)
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../bot/types';
import type { Language } from '../i18n/strings';
import type { Logger } from '../logger';
import type { ConversationStore } from '../storage/conversationStore';
import { OutboxConflictError, type FailureReason, type OutboxChange, type OutboxNotice, type OutboxStore } from '../storage/outboxStore';
import { DeliveryError, type ChatSender, type RendererRegistry } from './chat';
import type { Permit, TeamsRateLimiter } from './rateLimiter';
import { limiterKeyOf, resolveRecipient, storedIdOf, type Destination } from './recipients';
import type { TenantLanes } from './tenantLanes';
import { measure, traced } from '../telemetry';

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
  /**
   * How long a notice waits for its recipient's conversation (app not installed yet), or for a process that can
   * render its kind, before it is parked.
   */
  waitForConversationMs: number;
  /** First re-check for a missing conversation; later checks back off with the notice's age. */
  conversationRetryMs: number;
  /** Due rows read per outbox query. */
  scanSize: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  concurrency: 32,
  pollMs: 1_000,
  claimLeaseMs: 2 * 60_000,
  sendLeaseMs: 5 * 60_000,
  maxAttempts: 8,
  baseBackoffMs: 1_000,
  maxBackoffMs: 15 * 60_000,
  waitForConversationMs: 3 * 24 * 3_600_000,
  conversationRetryMs: 30_000,
  scanSize: 1_000
};

export interface DeliveryWorkerOptions {
  outbox: OutboxStore;
  conversations: ConversationStore;
  chat: ChatSender;
  renderers: RendererRegistry;
  limiter: TeamsRateLimiter;
  /**
   * With several processes on one storage account: only the holder of a tenant's lane sends its notices, so this
   * process's limiter sees every send of the tenant. Without lanes every worker sends (one process, tests).
   */
  lanes?: TenantLanes;
  logger: Logger;
  policy?: Partial<DeliveryPolicy>;
  clock?: () => Date;
}

interface Rendered {
  reply: Reply;
  revision: number;
}

const DESTINATION_CACHE_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DeliveryWorker {
  private readonly policy: DeliveryPolicy;
  private readonly clock: () => Date;
  private readonly inFlight = new Map<string, Promise<void>>();
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;
  private nudged = false;
  /** Due rows read from the outbox, not started yet. */
  private queue: OutboxNotice[] = [];
  private queuedAt = 0;
  private stale = true;
  /** Tasks in flight per conversation and per tenant: they will count against Teams' limits when they send. */
  private readonly lanesOf = new Map<string, number>();
  private readonly destinations = new Map<string, { destination: Destination; until: number }>();
  /** When the loop last went round (for /readyz). */
  lastTickAt: number | undefined;
  private measuredTenants = new Set<string>();

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
    this.clock = options.clock ?? (() => new Date());
  }

  get intervalMs(): number {
    return this.policy.pollMs;
  }

  /** Starts the background loop (its timers never keep the process alive). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** New work (an enqueue, a thread update): read the outbox again now rather than at the next poll. */
  wake(): void {
    this.stale = true;
    this.nudge();
  }

  /** Stops looking for work and waits (at most `graceMs`) for the notices in hand. */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loopDone;
    await Promise.race([Promise.all(this.inFlight.values()), sleep(graceMs)]);
    await this.options.lanes?.releaseAll();
  }

  /** One pass for tests and tools: handles every notice due now (and startable within the limits), waiting for them. */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      await this.refilling;
      await this.refill();
      const started = await this.startDue(this.policy.concurrency);
      handled += started;
      await Promise.all(this.inFlight.values());
      if (started === 0) return handled;
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.lastTickAt = Date.now();
      try {
        await this.startDue(this.policy.concurrency - this.inFlight.size);
      } catch (error) {
        this.options.logger.warn('outbox: could not read due notices', { error: (error as Error).message });
      }
      // Candidates held back by a rate limit are looked at again as soon as one fits; an empty outbox at the next poll.
      await this.idle(this.queue.length ? this.untilCapacity() : this.policy.pollMs);
    }
  }

  /** Resolves after `ms`, or earlier on wake(), stop(), or when half the lanes are free again. */
  private idle(ms: number): Promise<void> {
    if (this.nudged || !this.running) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.nudge(), ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private nudge(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    if (wakeUp) wakeUp();
    else this.nudged = true;
  }

  /**
   * Starts up to `free` due notices, skipping those whose conversation or tenant is at its Teams limit right now.
   * Due rows are read into a local queue (one outbox query per poll, not per notice); a stale candidate costs only
   * a failed claim.
   */
  private async startDue(free: number): Promise<number> {
    if (free <= 0) return 0;
    if (this.stale || this.queue.length === 0 || Date.now() - this.queuedAt > this.policy.pollMs) {
      // With notices in hand the outbox is read again in the background: sending goes on meanwhile.
      if (this.queue.length === 0) await this.refill();
      else this.refillInBackground();
    }
    const { limiter, lanes } = this.options;
    if (lanes) await this.maintainLanes(lanes);
    const kept: OutboxNotice[] = [];
    let started = 0;
    for (const row of this.queue) {
      const id = rowId(row);
      if (this.inFlight.has(id)) continue;
      if (started >= free) {
        kept.push(row);
        continue;
      }
      const conversation = `${row.tenantId}\u0000${limiterKeyOf(row.to)}`;
      const needsSend = row.state !== 'sending';
      if (needsSend && lanes && !lanes.holds(row.tenantId)) continue; // another process sends this tenant's notices
      if (needsSend && ((this.lanesOf.get(conversation) ?? 0) >= limiter.capacity(row.tenantId, limiterKeyOf(row.to)) ||
        (this.lanesOf.get(row.tenantId) ?? 0) >= limiter.tenantCapacity(row.tenantId))) {
        kept.push(row);
        continue;
      }
      this.startTask(row, needsSend ? [conversation, row.tenantId] : []);
      started++;
    }
    this.queue = kept;
    return started;
  }

  /** Milliseconds until one of the waiting notices fits Teams' limits (polled at least every 100 ms). */
  private untilCapacity(): number {
    let wait = Math.min(100, this.policy.pollMs);
    for (const row of this.queue.slice(0, 50)) wait = Math.min(wait, this.options.limiter.waitMs(row.tenantId, limiterKeyOf(row.to)));
    return Math.max(2, wait);
  }

  private refilling: Promise<void> | undefined;
  private maintaining: Promise<void> | undefined;

  private refillInBackground(): void {
    if (this.refilling) return;
    this.refilling = this.refill()
      .catch((error: Error) => this.options.logger.warn('outbox: could not read due notices', { error: error.message }))
      .finally(() => {
        this.refilling = undefined;
        this.nudge();
      });
  }

  /** Lane renewals and take-overs: awaited only while no lane is held yet, in the background afterwards. */
  private async maintainLanes(lanes: TenantLanes): Promise<void> {
    if (this.maintaining) return;
    const tenants = new Set(this.queue.filter((row) => row.state !== 'sending').map((row) => row.tenantId));
    const work = lanes.maintain(tenants).finally(() => (this.maintaining = undefined));
    this.maintaining = work;
    if (![...tenants].some((tenantId) => lanes.holds(tenantId))) await work;
  }

  private async refill(): Promise<void> {
    this.stale = false;
    this.queuedAt = Date.now();
    const rows: OutboxNotice[] = [];
    for await (const row of this.options.outbox.due(this.clock())) {
      if (!this.inFlight.has(rowId(row))) rows.push(row);
      if (rows.length >= this.policy.scanSize) break;
    }
    this.queue = rows;
    const depth = new Map<string, number>();
    for (const row of rows) depth.set(row.tenantId, (depth.get(row.tenantId) ?? 0) + 1);
    for (const [tenantId, count] of depth) measure.outboxDepth(tenantId, count);
    for (const tenantId of this.measuredTenants) if (!depth.has(tenantId)) measure.outboxDepth(tenantId, 0);
    this.measuredTenants = new Set(depth.keys());
  }

  /** `counts`: the conversation and tenant this task will send to, counted until it ends (see startDue). */
  private startTask(row: OutboxNotice, counts: string[]): void {
    const id = rowId(row);
    for (const key of counts) this.lanesOf.set(key, (this.lanesOf.get(key) ?? 0) + 1);
    const task = traced('outbox.deliver', { tenant: row.tenantId, 'outbox.notice_id': row.key, 'outbox.state': row.state }, () => this.handle(row))
      .catch((error: Error) => this.options.logger.error('outbox: notice handling failed', { tenantId: row.tenantId, noticeId: row.key, error: error.message }))
      .finally(() => {
        this.inFlight.delete(id);
        for (const key of counts) {
          const left = (this.lanesOf.get(key) ?? 1) - 1;
          if (left > 0) this.lanesOf.set(key, left);
          else this.lanesOf.delete(key);
        }
        if (this.inFlight.size <= this.policy.concurrency / 2) this.nudge();
      });
    this.inFlight.set(id, task);
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

  /**
   * Two writes per notice: "sending" (an ETag compare-and-swap on the row as read, which is also the claim: of two
   * workers only one gets it) and "sent". What comes before "sending" (the conversation lookup, rendering) writes
   * nothing, so whoever picks the row up next simply does it again.
   */
  private async deliver(row: OutboxNotice): Promise<void> {
    const token = randomUUID();
    const claimThen = async (then: (claimed: OutboxNotice) => Promise<void>) => {
      const claimed = await this.claim(row, { state: 'claimed', claimToken: token, leaseUntil: this.later(this.policy.claimLeaseMs) });
      if (claimed) await then(claimed);
    };
    const destination = await this.destinationOf(row);
    if (!destination) {
      return claimThen((claimed) => this.waitAndSee(claimed, token, 'no_conversation', 'waiting for a conversation with the recipient (app not installed or removed)'));
    }
    if (!this.options.renderers[row.message.kind]) {
      // Enqueued by a newer version of the bot (rolling deployment): leave it to a process that knows the kind.
      return claimThen((claimed) => this.waitAndSee(claimed, token, 'unrenderable', `no renderer registered for "${row.message.kind}" in this process`));
    }
    const firstRender = await this.render(row, destination.language);
    if (firstRender instanceof Error) return claimThen((claimed) => this.park(claimed, token, 'unrenderable', firstRender.message));
    let rendered: Rendered = firstRender;
    let notice = row;

    const needsNewChat = !(destination.reference.conversation as { id?: string } | undefined)?.id;
    // Opening the 1:1 chat is a request of its own, made before the message.
    const permits: Permit[] = needsNewChat ? [await this.options.limiter.acquire(notice.tenantId, destination.limiterKey)] : [];

    // "sending" is recorded when the connector client is ready, right before the request: the unknowable window is
    // that one request, not the SDK's setup. The limiter counts the send from after that write until its answer (see
    // TeamsRateLimiter.acquire); startDue started this task only with room in the windows, so the wait here is
    // normally none.
    let sending: OutboxNotice | undefined;
    let laneLost = false;
    const markSending = async (): Promise<Reply | undefined> => {
      if (this.options.lanes && !this.options.lanes.holds(notice.tenantId)) {
        laneLost = true;
        return undefined;
      }
      sending = await this.mine(notice, token, () => ({ state: 'sending', claimToken: token, leaseUntil: this.later(this.policy.sendLeaseMs) }));
      if (!sending) return undefined; // another worker (or a thread update) changed the row first: it is due again
      if (sending.revision !== rendered.revision) {
        // Already "sending": a storage hiccup now keeps the earlier rendering rather than leave the row half-done.
        const again = await this.render(sending, destination.language).catch((error: Error) => error);
        if (!(again instanceof Error)) rendered = again;
      }
      permits.push(await this.options.limiter.acquire(notice.tenantId, destination.limiterKey));
      if (this.options.lanes && !this.options.lanes.holds(notice.tenantId)) {
        // The lane ran out during the write or the wait: hand the notice back unsent.
        laneLost = true;
        await this.mine(sending, token, () => ({ state: 'pending', leaseUntil: undefined, claimToken: undefined }));
        return undefined;
      }
      return rendered.reply;
    };

    let delivered;
    try {
      delivered = await this.options.chat.send(destination.reference, markSending);
    } catch (error) {
      for (const permit of permits) permit.done();
      if (sending) return this.afterFailedSend(sending, token, destination, asDeliveryError(error));
      // Nothing was sent. A storage error while marking "sending": the row is still due and is tried again. A connector
      // error before that (e.g. opening the 1:1 chat): certainly nothing shown, so retry it.
      if (!(error instanceof DeliveryError)) throw error;
      const notShown = error.outcome === 'uncertain' ? new DeliveryError('transient', error.message, error.details) : error;
      return this.afterFailedSend(notice, token, destination, notShown);
    }
    for (const permit of permits) permit.done();
    // Lane lost (another process may send for the tenant now): nothing was written, the row is still due.
    if (laneLost || !delivered || !sending) return;
    notice = sending;
    const sentAt = this.clock().toISOString();
    const renderedRevision = rendered.revision;
    // Storage hiccups (Azurite restarting, a 5xx) are retried by the table client's own retry policy (storage/tables.ts).
    const recorded = await this.mine(notice, token, (current) => ({
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
      })).catch((error: Error) => void this.options.logger.warn('outbox: recording a send failed', { error: error.message }));
    if (!recorded) {
      // Stays "sending" and will be parked as unconfirmed: never sent twice.
      this.options.logger.error('outbox: sent but could not record it', { tenantId: notice.tenantId, noticeId: notice.key, activityId: delivered.activityId });
    }
    if (needsNewChat && notice.to.kind === 'user') await this.rememberOpenedChat(notice.tenantId, destination, delivered.reference);
  }

  /** The 1:1 chat just opened is the person's conversation from now on (one request less next time). */
  private async rememberOpenedChat(tenantId: string, destination: Destination, reference: Record<string, unknown>): Promise<void> {
    this.destinations.delete(`${tenantId}\u0000${destination.limiterKey}`);
    try {
      await this.options.conversations.save({
        tenantId, aadObjectId: destination.storedAs, reference, language: destination.language, active: true, updatedAt: this.clock().toISOString()
      });
    } catch (error) {
      this.options.logger.warn('outbox: could not store the opened chat', { tenantId, error: (error as Error).message });
    }
  }

  private async afterFailedSend(notice: OutboxNotice, token: string, destination: Destination, error: DeliveryError): Promise<void> {
    const { tenantId, key } = notice;
    this.options.logger.warn('outbox: send failed', { tenantId, noticeId: key, outcome: error.outcome, status: error.details.status, code: error.details.code });
    switch (error.outcome) {
      case 'throttled':
      case 'transient': {
        const delay = error.details.retryAfterMs ?? this.backoff(notice.attempts);
        if (error.outcome === 'throttled') {
          measure.teamsThrottled(tenantId);
          this.options.limiter.pause(tenantId, destination.limiterKey, delay);
        }
        return this.retryLater(notice, token, delay, error.message);
      }
      case 'gone':
        this.destinations.delete(`${tenantId}\u0000${limiterKeyOf(notice.to)}`);
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

  /**
   * Not deliverable yet, but may become so without anyone retrying by hand (the person installs the app, a newer
   * process renders the kind): look again later, less often as the notice ages; park it in the end.
   */
  private async waitAndSee(notice: OutboxNotice, token: string, reason: FailureReason, why: string): Promise<void> {
    const age = this.clock().getTime() - Date.parse(notice.createdAt);
    if (age >= this.policy.waitForConversationMs) return this.park(notice, token, reason, why);
    const delay = Math.min(this.policy.maxBackoffMs, Math.max(this.policy.conversationRetryMs, age / 2));
    await this.mine(notice, token, () => ({
      state: 'pending',
      dueAt: this.later(delay),
      leaseUntil: undefined,
      claimToken: undefined,
      lastError: why
    }));
  }

  private async park(notice: OutboxNotice, token: string, reason: FailureReason, detail: string): Promise<void> {
    this.options.logger.warn('outbox: notice parked', { tenantId: notice.tenantId, noticeId: notice.key, reason });
    measure.noticeParked(notice.tenantId, reason);
    await this.mine(notice, token, () => ({
      state: 'failed',
      failure: { reason, detail: detail.slice(0, 500), at: this.clock().toISOString() },
      leaseUntil: undefined
    }));
  }

  /** The sender died (or hung) between "sending" and "sent": maybe delivered, so at most once. */
  private async parkUnconfirmed(row: OutboxNotice): Promise<void> {
    this.options.logger.warn('outbox: send unconfirmed, not resending', { tenantId: row.tenantId, noticeId: row.key });
    measure.noticeParked(row.tenantId, 'unconfirmed');
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
    const rendered = await this.render(notice, sent.language as Language);
    if (rendered instanceof Error) return void (await done(() => ({ updatePending: false, lastError: rendered.message })));

    if (this.options.lanes && !this.options.lanes.holds(notice.tenantId)) return void (await done(() => ({})));
    const permit = await this.options.limiter.acquire(notice.tenantId, limiterKeyOf(notice.to));
    try {
      await this.options.chat.update(sent.reference, sent.activityId, rendered.reply);
    } catch (caught) {
      permit.done();
      const error = asDeliveryError(caught);
      // An update is idempotent (PUT of the whole card): an uncertain one is simply tried again.
      const retry = error.outcome === 'throttled' || error.outcome === 'transient' || error.outcome === 'uncertain';
      if (error.outcome === 'throttled') measure.teamsThrottled(notice.tenantId);
      if (error.outcome === 'throttled') this.options.limiter.pause(notice.tenantId, limiterKeyOf(notice.to), error.details.retryAfterMs ?? this.backoff(notice.attempts));
      if (error.outcome === 'gone') {
        this.destinations.delete(`${notice.tenantId}\u0000${limiterKeyOf(notice.to)}`);
        await this.options.conversations.markInactive(notice.tenantId, storedIdOf(notice.to));
      }
      const again = retry && notice.attempts + 1 < this.policy.maxAttempts;
      this.options.logger.warn('outbox: card update failed', { tenantId: notice.tenantId, noticeId: notice.key, outcome: error.outcome, retry: again });
      await done(() => ({
        updatePending: again,
        attempts: again ? notice.attempts + 1 : 0,
        dueAt: this.later(error.details.retryAfterMs ?? this.backoff(notice.attempts)),
        lastError: `update: ${error.message}`
      }));
      return;
    }
    permit.done();
    await done((current) => ({ sentRevision: rendered.revision, updatePending: current.revision !== rendered.revision, attempts: 0, dueAt: this.clock().toISOString(), lastError: undefined }));
  }

  // ---- helpers ----

  /**
   * The recipient's conversation, remembered for a few seconds: a burst to the same people reads each reference once.
   * Only found ones are remembered, so a newly installed app is seen at the next look.
   */
  private async destinationOf(notice: OutboxNotice): Promise<Destination | undefined> {
    const key = `${notice.tenantId}\u0000${limiterKeyOf(notice.to)}`;
    const now = Date.now();
    const cached = this.destinations.get(key);
    if (cached && cached.until > now) return cached.destination;
    const destination = await resolveRecipient(this.options.conversations, notice.tenantId, notice.to);
    if (destination) {
      if (this.destinations.size > 10_000) this.destinations.clear();
      this.destinations.set(key, { destination, until: now + DESTINATION_CACHE_MS });
    } else {
      this.destinations.delete(key);
    }
    return destination;
  }

  private async render(notice: OutboxNotice, language: Language): Promise<Rendered | Error> {
    const renderer = this.options.renderers[notice.message.kind];
    if (!renderer) return new Error(`no renderer registered for "${notice.message.kind}"`);
    try {
      return { reply: await renderer(language, notice.message.data), revision: notice.revision };
    } catch (error) {
      // Storage down or busy (a renderer reads candidates and settings): not the notice's fault, so it is not parked;
      // nothing is written before "sending", so the next pass renders it again.
      if (isPassingStorageError(error)) throw error;
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

  /** Exponential back-off with full jitter (Learn, "Rate limiting for bots": back off with random jitter). */
  private backoff(attempts: number): number {
    const ceiling = Math.min(this.policy.maxBackoffMs, this.policy.baseBackoffMs * 2 ** attempts);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private later(ms: number): string {
    return new Date(this.clock().getTime() + ms).toISOString();
  }
}

const rowId = (row: OutboxNotice) => `${row.tenantId}\u0000${row.key}`;

function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  // Anything else came from inside the send: we cannot tell whether Teams showed it.
  return new DeliveryError('uncertain', (error as Error)?.message ?? String(error));
}

const PASSING_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A storage call that failed for a reason that passes (connection refused or reset, a timeout, a 5xx or a 429). */
function isPassingStorageError(error: unknown): boolean {
  const e = error as { code?: unknown; statusCode?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  if (code && PASSING_NETWORK_CODES.has(code)) return true;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  return status !== undefined && (status >= 500 || status === 429 || status === 408);
}
