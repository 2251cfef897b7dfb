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
import type { OutboxNotice } from '../storage/outboxStore';
import { measure, traced } from '../telemetry';
import { PollingWorker } from '../workers/pollingWorker';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './deliveryPolicy';
import { NoticeDelivery, type NoticeDeliveryDeps } from './noticeDelivery';
import { limiterKeyOf } from './recipients';
import type { TenantLanes } from './tenantLanes';

export { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './deliveryPolicy';

export interface DeliveryWorkerOptions extends NoticeDeliveryDeps {
  policy?: Partial<DeliveryPolicy>;
  clock?: () => Date;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DeliveryWorker extends PollingWorker {
  private readonly policy: DeliveryPolicy;
  private readonly delivery: NoticeDelivery;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Due rows read from the outbox, not started yet. */
  private queue: OutboxNotice[] = [];
  private queuedAt = 0;
  private stale = true;
  /** Tasks in flight per conversation and per tenant: they will count against Teams' limits when they send. */
  private readonly lanesOf = new Map<string, number>();
  private measuredTenants = new Set<string>();
  private refilling: Promise<void> | undefined;
  private maintaining: Promise<void> | undefined;

  constructor(private readonly options: DeliveryWorkerOptions) {
    const policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
    super({ name: 'notifications', intervalMs: policy.pollMs, now: options.clock, logger: options.logger });
    this.policy = policy;
    this.delivery = new NoticeDelivery(options, policy, this.now);
  }

  /** New work (an enqueue, a thread update): read the outbox again now rather than at the next poll. */
  override wake(): void {
    this.stale = true;
    super.wake();
  }

  /** Stops looking for work and waits (at most `graceMs`) for the notices in hand. */
  override async stop(graceMs = 10_000): Promise<void> {
    await super.stop();
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

  /** Candidates held back by a rate limit are looked at again as soon as one fits; an empty outbox at the next poll. */
  protected async pass(): Promise<number | void> {
    try {
      await this.startDue(this.policy.concurrency - this.inFlight.size);
    } catch (error) {
      this.options.logger.warn('outbox: could not read due notices', { error: (error as Error).message });
    }
    if (this.queue.length) return this.untilCapacity();
  }

  /** Another pass right away (a task ended, a background read came in), without marking the outbox stale. */
  private nudge(): void {
    super.wake();
  }

  /**
   * Starts up to `free` due notices, skipping those whose conversation or tenant is at its Teams limit right now.
   * Due rows are read into a local queue (one outbox query per poll, not per notice); a stale candidate costs only
   * a failed claim.
   */
  private async startDue(free: number): Promise<number> {
    if (free <= 0) return 0;
    if (this.stale || this.queue.length === 0 || this.now().getTime() - this.queuedAt > this.policy.pollMs) {
      // With notices in hand the outbox is read again in the background: sending goes on meanwhile.
      if (this.queue.length === 0) await this.refill();
      else this.refillInBackground();
    }
    const { limiter, lanes } = this.options;
    if (lanes) await this.maintainLanes(lanes);
    const kept: OutboxNotice[] = [];
    let started = 0;
    for (const row of this.queue) {
      if (this.inFlight.has(rowId(row))) continue;
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
    this.queuedAt = this.now().getTime();
    const rows: OutboxNotice[] = [];
    for await (const row of this.options.outbox.due(this.now())) {
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
    const task = traced('outbox.deliver', { tenant: row.tenantId, 'outbox.notice_id': row.key, 'outbox.state': row.state }, () => this.delivery.handle(row))
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
}

const rowId = (row: OutboxNotice) => `${row.tenantId}\u0000${row.key}`;
