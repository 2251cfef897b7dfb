/**
 * Composition of proactive notifications: the durable outbox, the delivery worker and the Notifier, over a chat
 * platform's ChatSender (Teams: src/teams/). buildApp (src/app.ts) creates one per process; the app starts the worker.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger';
import type { ConversationStore } from '../storage/conversationStore';
import type { LeaseStore } from '../storage/leaseStore';
import type { OutboxStore } from '../storage/outboxStore';
import { DeliveryWorker, type DeliveryPolicy } from './deliveryWorker';
import { OutboxNotifier } from './outboxNotifier';
import { TeamsRateLimiter } from './rateLimiter';
import { TenantLanes } from './tenantLanes';
import type { RendererRegistry } from '../shared/types';
import type { ChatSender } from './chat';

export interface NotificationsOptions {
  /** Sends and updates messages in the chat platform (Teams: `createTeamsChannel(...).chat`). */
  chat: ChatSender;
  outbox: OutboxStore;
  conversations: ConversationStore;
  renderers: RendererRegistry;
  logger: Logger;
  policy?: Partial<DeliveryPolicy>;
  /** Tenant lanes (one sending process per tenant); required when several processes share the storage account. */
  leases?: LeaseStore;
  laneTtlMs?: number;
  /** Lanes of one's own instead of those over `leases` (tests). */
  lanes?: TenantLanes;
  /** A limiter of one's own (tests share one between stacks). */
  limiter?: TeamsRateLimiter;
}

export interface Notifications {
  notifier: OutboxNotifier;
  worker: DeliveryWorker;
  /** Shared by every proactive send of this process. */
  limiter: TeamsRateLimiter;
}

export function createNotifications(options: NotificationsOptions): Notifications {
  const limiter = options.limiter ?? new TeamsRateLimiter();
  const worker = new DeliveryWorker({
    outbox: options.outbox,
    conversations: options.conversations,
    chat: options.chat,
    renderers: options.renderers,
    limiter,
    lanes: options.lanes ?? (options.leases
      ? new TenantLanes({ leases: options.leases, holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, ttlMs: options.laneTtlMs })
      : undefined),
    logger: options.logger,
    policy: options.policy
  });
  return { notifier: new OutboxNotifier(options.outbox, options.renderers, worker), worker, limiter };
}
