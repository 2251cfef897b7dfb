/**
 * Delivers one outbox row: the I/O around the transitions in outboxTransitions.ts (see deliveryWorker.ts for the
 * exactly-once argument). Two writes per first delivery: "sending" (an ETag compare-and-swap on the row as read, so of
 * two workers only one gets it) and "sent". What comes before "sending" (the conversation lookup, rendering) writes
 * nothing but the claim, so whoever picks the row up next simply does it again.
 */
import { randomUUID } from 'node:crypto';
import type { RendererRegistry, Reply } from '../shared/types';
import type { Language } from '../i18n/strings';
import type { Logger } from '../logger';
import type { ConversationStore } from '../storage/conversationStore';
import { OutboxConflictError, type FailureReason, type OutboxChange, type OutboxNotice, type OutboxStore } from '../storage/outboxStore';
import { measure } from '../telemetry';
import { DeliveryError, type ChatSender } from './chat';
import type { DeliveryPolicy } from './deliveryPolicy';
import * as outboxRow from './outboxTransitions';
import type { Permit, TeamsRateLimiter } from './rateLimiter';
import { limiterKeyOf, resolveRecipient, storedIdOf, type Destination } from './recipients';
import type { TenantLanes } from './tenantLanes';

export interface NoticeDeliveryDeps {
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
}

interface Rendered {
  reply: Reply;
  revision: number;
}

const DESTINATION_CACHE_MS = 10_000;

export class NoticeDelivery {
  private readonly destinations = new Map<string, { destination: Destination; until: number }>();

  constructor(private readonly deps: NoticeDeliveryDeps, private readonly policy: DeliveryPolicy, private readonly clock: () => Date) {}

  handle(row: OutboxNotice): Promise<void> {
    switch (outboxRow.workFor(row.state)) {
      case 'park_unconfirmed':
        return this.parkUnconfirmed(row);
      case 'deliver':
        return this.deliver(row);
      case 'refresh':
        return this.refresh(row);
      default:
        return Promise.resolve();
    }
  }

  // ---- first delivery ----

  private async deliver(row: OutboxNotice): Promise<void> {
    const token = randomUUID();
    const claimThen = async (then: (claimed: OutboxNotice) => Promise<void>) => {
      const claimed = await this.claim(row, outboxRow.claimed(token, this.clock(), this.policy));
      if (claimed) await then(claimed);
    };
    const destination = await this.destinationOf(row);
    if (!destination) {
      return claimThen((claimed) => this.waitAndSee(claimed, token, 'no_conversation', 'waiting for a conversation with the recipient (app not installed or removed)'));
    }
    if (!this.deps.renderers[row.message.kind]) {
      // Enqueued by a newer version of the bot (rolling deployment): leave it to a process that knows the kind.
      return claimThen((claimed) => this.waitAndSee(claimed, token, 'unrenderable', `no renderer registered for "${row.message.kind}" in this process`));
    }
    const firstRender = await this.render(row, destination.language);
    if (firstRender instanceof Error) return claimThen((claimed) => this.park(claimed, token, 'unrenderable', firstRender.message));
    let rendered: Rendered = firstRender;
    const { limiter, lanes } = this.deps;

    const needsNewChat = !(destination.reference.conversation as { id?: string } | undefined)?.id;
    // Opening the 1:1 chat is a request of its own, made before the message.
    const permits: Permit[] = needsNewChat ? [await limiter.acquire(row.tenantId, destination.limiterKey)] : [];

    // "sending" is recorded when the connector client is ready, right before the request: the unknowable window is
    // that one request, not the SDK's setup. The limiter counts the send from after that write until its answer (see
    // TeamsRateLimiter.acquire); the worker started this task only with room in the windows, so the wait here is
    // normally none.
    let marked: OutboxNotice | undefined;
    let laneLost = false;
    const markSending = async (): Promise<Reply | undefined> => {
      if (lanes && !lanes.holds(row.tenantId)) return void (laneLost = true);
      marked = await this.mine(row, token, () => outboxRow.sending(token, this.clock(), this.policy));
      if (!marked) return undefined; // another worker (or a thread update) changed the row first: it is due again
      if (marked.revision !== rendered.revision) {
        // Already "sending": a storage hiccup now keeps the earlier rendering rather than leave the row half-done.
        const again = await this.render(marked, destination.language).catch((error: Error) => error);
        if (!(again instanceof Error)) rendered = again;
      }
      permits.push(await limiter.acquire(row.tenantId, destination.limiterKey));
      if (lanes && !lanes.holds(row.tenantId)) {
        // The lane ran out during the write or the wait: hand the notice back unsent.
        laneLost = true;
        await this.mine(marked, token, outboxRow.handedBack);
        return undefined;
      }
      return rendered.reply;
    };

    let delivered;
    try {
      delivered = await this.deps.chat.send(destination.reference, markSending);
    } catch (error) {
      for (const permit of permits) permit.done();
      if (marked) return this.afterFailedSend(marked, token, destination, asDeliveryError(error));
      // Nothing was sent. A storage error while marking "sending": the row is still due and is tried again. A connector
      // error before that (e.g. opening the 1:1 chat): certainly nothing shown, so retry it.
      if (!(error instanceof DeliveryError)) throw error;
      const notShown = error.outcome === 'uncertain' ? new DeliveryError('transient', error.message, error.details) : error;
      return this.afterFailedSend(row, token, destination, notShown);
    }
    for (const permit of permits) permit.done();
    // Lane lost (another process may send for the tenant now): nothing was written, the row is still due.
    if (laneLost || !delivered || !marked) return;
    const sendingRow: OutboxNotice = marked;
    const activity = { activityId: delivered.activityId, reference: delivered.reference, language: destination.language };
    // Storage hiccups (Azurite restarting, a 5xx) are retried by the table client's own retry policy (storage/tables.ts).
    const recorded = await this.mine(sendingRow, token, (current) => outboxRow.sent(current, activity, rendered.revision, this.clock()))
      .catch((error: Error) => void this.deps.logger.warn('outbox: recording a send failed', { error: error.message }));
    if (!recorded) {
      // Stays "sending" and will be parked as unconfirmed: never sent twice.
      this.deps.logger.error('outbox: sent but could not record it', { tenantId: row.tenantId, noticeId: row.key, activityId: delivered.activityId });
    }
    if (needsNewChat && row.to.kind === 'user') await this.rememberOpenedChat(row.tenantId, destination, delivered.reference);
  }

  /** The 1:1 chat just opened is the person's conversation from now on (one request less next time). */
  private async rememberOpenedChat(tenantId: string, destination: Destination, reference: Record<string, unknown>): Promise<void> {
    this.destinations.delete(`${tenantId}\u0000${destination.limiterKey}`);
    try {
      await this.deps.conversations.save({
        tenantId, aadObjectId: destination.storedAs, reference, language: destination.language, active: true, updatedAt: this.clock().toISOString()
      });
    } catch (error) {
      this.deps.logger.warn('outbox: could not store the opened chat', { tenantId, error: (error as Error).message });
    }
  }

  private async afterFailedSend(notice: OutboxNotice, token: string, destination: Destination, error: DeliveryError): Promise<void> {
    const { tenantId, key } = notice;
    this.deps.logger.warn('outbox: send failed', { tenantId, noticeId: key, outcome: error.outcome, status: error.details.status, code: error.details.code });
    const next = outboxRow.afterFailedSend(notice, error, this.clock(), this.policy);
    if (next.pauseMs !== undefined) {
      measure.teamsThrottled(tenantId);
      this.deps.limiter.pause(tenantId, destination.limiterKey, next.pauseMs);
    }
    if (next.recipientGone) {
      this.destinations.delete(`${tenantId}\u0000${limiterKeyOf(notice.to)}`);
      await this.deps.conversations.markInactive(tenantId, destination.storedAs);
    }
    await this.apply(notice, token, next.step);
  }

  private waitAndSee(notice: OutboxNotice, token: string, reason: FailureReason, why: string): Promise<void> {
    return this.apply(notice, token, outboxRow.waitAndSee(notice, reason, why, this.clock(), this.policy));
  }

  private async apply(notice: OutboxNotice, token: string, step: outboxRow.Step): Promise<void> {
    if ('park' in step) return this.park(notice, token, step.park, step.detail);
    await this.mine(notice, token, () => step.change);
  }

  private async park(notice: OutboxNotice, token: string, reason: FailureReason, detail: string): Promise<void> {
    this.deps.logger.warn('outbox: notice parked', { tenantId: notice.tenantId, noticeId: notice.key, reason });
    measure.noticeParked(notice.tenantId, reason);
    await this.mine(notice, token, () => outboxRow.parked(reason, detail, this.clock()));
  }

  /** The sender died (or hung) between "sending" and "sent": maybe delivered, so at most once. */
  private async parkUnconfirmed(row: OutboxNotice): Promise<void> {
    this.deps.logger.warn('outbox: send unconfirmed, not resending', { tenantId: row.tenantId, noticeId: row.key });
    measure.noticeParked(row.tenantId, 'unconfirmed');
    await this.claim(row, outboxRow.unconfirmed(row, this.clock()));
  }

  // ---- in-place updates after updateThread ----

  private async refresh(row: OutboxNotice): Promise<void> {
    const token = randomUUID();
    const notice = await this.claim(row, outboxRow.updating(token, this.clock(), this.policy));
    if (!notice?.sent) return;
    const sent = notice.sent;
    const done = (change: (current: OutboxNotice) => OutboxChange) => this.mine(notice, token, change);
    const rendered = await this.render(notice, sent.language as Language);
    if (rendered instanceof Error) return void (await done(() => outboxRow.updateDropped(rendered.message)));

    if (this.deps.lanes && !this.deps.lanes.holds(notice.tenantId)) return void (await done(() => outboxRow.updateDropped()));
    const permit = await this.deps.limiter.acquire(notice.tenantId, limiterKeyOf(notice.to));
    try {
      await this.deps.chat.update(sent.reference, sent.activityId, rendered.reply);
    } catch (caught) {
      permit.done();
      const error = asDeliveryError(caught);
      const next = outboxRow.afterFailedUpdate(notice, error, this.clock(), this.policy);
      if (next.pauseMs !== undefined) {
        measure.teamsThrottled(notice.tenantId);
        this.deps.limiter.pause(notice.tenantId, limiterKeyOf(notice.to), next.pauseMs);
      }
      if (next.recipientGone) {
        this.destinations.delete(`${notice.tenantId}\u0000${limiterKeyOf(notice.to)}`);
        await this.deps.conversations.markInactive(notice.tenantId, storedIdOf(notice.to));
      }
      this.deps.logger.warn('outbox: card update failed', { tenantId: notice.tenantId, noticeId: notice.key, outcome: error.outcome, retry: next.again });
      await done(() => next.change);
      return;
    }
    permit.done();
    await done((current) => outboxRow.updated(current, rendered.revision, this.clock()));
  }

  // ---- helpers ----

  /**
   * The recipient's conversation, remembered for a few seconds: a burst to the same people reads each reference once.
   * Only found ones are remembered, so a newly installed app is seen at the next look.
   */
  private async destinationOf(notice: OutboxNotice): Promise<Destination | undefined> {
    const key = `${notice.tenantId}\u0000${limiterKeyOf(notice.to)}`;
    const now = this.clock().getTime();
    const cached = this.destinations.get(key);
    if (cached && cached.until > now) return cached.destination;
    const destination = await resolveRecipient(this.deps.conversations, notice.tenantId, notice.to);
    if (destination) {
      if (this.destinations.size > 10_000) this.destinations.clear();
      this.destinations.set(key, { destination, until: now + DESTINATION_CACHE_MS });
    } else {
      this.destinations.delete(key);
    }
    return destination;
  }

  private async render(notice: OutboxNotice, language: Language): Promise<Rendered | Error> {
    const renderer = this.deps.renderers[notice.message.kind];
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
      return await this.deps.outbox.update(row, change);
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
        return await this.deps.outbox.update(current, change(current));
      } catch (error) {
        if (!(error instanceof OutboxConflictError)) throw error;
        const fresh = await this.deps.outbox.get(notice.tenantId, notice.key);
        if (!fresh || fresh.claimToken !== token) return undefined;
        current = fresh;
      }
    }
    return undefined;
  }
}

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
