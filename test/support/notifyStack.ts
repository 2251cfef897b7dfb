/**
 * The real notification stack for tests: Table outbox and conversation store (on a given Azurite), the botbuilder
 * sender through a TeamsAdapter without credentials (as for the Agents Playground), the Teams rate limiter, and two
 * tiny renderers. Used in-process by the integration tests and as a child process by the SIGKILL test.
 */
import { createTeamsChannel } from '../../src/teams';
import type { Logger } from '../../src/logger';
import { silentLogger } from '../../src/logger';
import type { RendererRegistry } from '../../src/shared/types';
import { buildStores, ensureTables, tableClients } from '../../src/app';
import { createNotifications } from '../../src/notifications';
import type { DeliveryWorker, DeliveryPolicy } from '../../src/notifications/deliveryWorker';
import type { OutboxNotifier } from '../../src/notifications/outboxNotifier';
import type { TeamsRateLimiter } from '../../src/notifications/rateLimiter';
import type { TenantLanes } from '../../src/notifications/tenantLanes';
import type { TableConversationStore } from '../../src/storage/conversationStore';
import type { TableOutboxStore } from '../../src/storage/tableOutboxStore';
import type { TableConnection } from '../../src/storage/tables';

export const testRenderers: RendererRegistry = {
  'test.card': (language, data) => ({
    card: {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: `${language === 'nb' ? 'Hei' : 'Hello'} ${String(data.name ?? '')}${data.status ? ` (${String(data.status)})` : ''}` }]
    }
  }),
  'test.text': (language, data) => ({ text: `${language === 'nb' ? 'Melding' : 'Message'} ${String(data.n ?? '')}` })
};

/** Fast retries so tests do not wait minutes. */
export const FAST_POLICY: Partial<DeliveryPolicy> = {
  pollMs: 100,
  baseBackoffMs: 100,
  maxBackoffMs: 2_000,
  conversationRetryMs: 200
};

export interface NotifyStack {
  outbox: TableOutboxStore;
  conversations: TableConversationStore;
  notifier: OutboxNotifier;
  worker: DeliveryWorker;
  limiter: TeamsRateLimiter;
}

export async function notifyStack(options: {
  connection: TableConnection;
  outboxTable: string;
  conversationsTable: string;
  policy?: Partial<DeliveryPolicy>;
  limiter?: TeamsRateLimiter;
  logger?: Logger;
  renderers?: RendererRegistry;
  lanes?: TenantLanes;
}): Promise<NotifyStack> {
  const renderers = options.renderers ?? testRenderers;
  const tables = tableClients(options.connection, { outbox: options.outboxTable, conversations: options.conversationsTable });
  await ensureTables(tables, ['outbox', 'conversations']);
  const { outbox, conversations } = buildStores(tables);
  const { notifier, worker, limiter } = createNotifications({
    // As for the Agents Playground: no credentials.
    chat: createTeamsChannel({ BOT_TYPE: 'MultiTenant' }).chat,
    outbox,
    conversations,
    renderers,
    limiter: options.limiter,
    lanes: options.lanes,
    logger: options.logger ?? silentLogger,
    policy: { ...FAST_POLICY, ...options.policy }
  });
  return { outbox, conversations, notifier, worker, limiter };
}

/** A 1:1 conversation reference as the bot stores it at install or first message, pointing at `serviceUrl`. */
export function personalReference(serviceUrl: string, tenantId: string, aadObjectId: string): Record<string, unknown> {
  return {
    serviceUrl,
    channelId: 'msteams',
    conversation: { id: `a:${tenantId}:${aadObjectId}`, tenantId, conversationType: 'personal' },
    user: { id: `29:${aadObjectId}`, aadObjectId },
    bot: { id: '28:bot', name: 'LinkedIn Jobs' },
    activityId: 'first-message'
  };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
