/**
 * The real notification stack for tests: Table outbox and conversation store (on a given Azurite), the botbuilder
 * sender through a TeamsAdapter without credentials (as for the Agents Playground), the Teams rate limiter, and two
 * tiny renderers. Used in-process by the integration tests and as a child process by the SIGKILL test.
 */
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Logger } from '../../src/logger';
import { silentLogger } from '../../src/logger';
import type { RendererRegistry } from '../../src/notifications/chat';
import { DeliveryWorker, type DeliveryPolicy } from '../../src/notifications/deliveryWorker';
import { OutboxNotifier } from '../../src/notifications/outboxNotifier';
import { TeamsRateLimiter } from '../../src/notifications/rateLimiter';
import { TeamsChatSender } from '../../src/notifications/teamsSender';
import type { TenantLanes } from '../../src/notifications/tenantLanes';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableOutboxStore } from '../../src/storage/tableOutboxStore';
import { ensureTable, tableClient, type TableConnection } from '../../src/storage/tables';

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
  const outboxClient = tableClient(options.connection, options.outboxTable);
  const conversationsClient = tableClient(options.connection, options.conversationsTable);
  await Promise.all([ensureTable(outboxClient), ensureTable(conversationsClient)]);
  const outbox = new TableOutboxStore(outboxClient);
  const conversations = new TableConversationStore(conversationsClient);
  const adapter = new TeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  const limiter = options.limiter ?? new TeamsRateLimiter();
  const worker = new DeliveryWorker({
    outbox,
    conversations,
    chat: new TeamsChatSender(adapter, ''),
    renderers,
    limiter,
    lanes: options.lanes,
    logger: options.logger ?? silentLogger,
    policy: { ...FAST_POLICY, ...options.policy }
  });
  return { outbox, conversations, notifier: new OutboxNotifier(outbox, renderers, worker), worker, limiter };
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
