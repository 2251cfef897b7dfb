/**
 * End to end: the real bot process delivers a proactive card through the Microsoft 365 Agents Playground's Bot
 * Connector. Another process (this test) puts a notice in the shared outbox, as a webhook instance would; the bot's
 * delivery worker opens the 1:1 chat (createConversation), sends the card, records the activity id the connector
 * returned, and after a thread update replaces the card in place. No browser needed.
 */
import { strict as assert } from 'node:assert';
import { OutboxNotifier } from '../../src/notifications/outboxNotifier';
import { builtInRenderers } from '../../src/bot/builtInRenderers';
import { CONVERSATIONS_TABLE, TableConversationStore } from '../../src/storage/conversationStore';
import { OUTBOX_TABLE, TableOutboxStore } from '../../src/storage/tableOutboxStore';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { PLAYGROUND_USER_AAD_ID, usePlaygroundStack } from '../support/e2eStack';
import { waitFor } from '../support/notifyStack';

// The playground's defaults (.m365agentsplayground.yml): tenant, bot and current user Alex Wilber.
const TENANT = '00000000-0000-0000-0000-0000000000001';
const BOT = '00000000-0000-0000-0000-00000000000011';
const ALEX = { id: 'user-id-0', aadObjectId: PLAYGROUND_USER_AAD_ID };

describe('e2e: a proactive card through the Agents Playground\'s Bot Connector', function () {
  this.timeout(180_000);
  // No browser: the test talks to the playground's Bot Connector directly.
  const stack = usePlaygroundStack({ name: 'notify', browser: false });

  it('the bot\'s worker delivers a card enqueued by another process, and updates it in place', async () => {
    const outboxTable = tableClient(stack.azurite.connection, OUTBOX_TABLE);
    const conversationsTable = tableClient(stack.azurite.connection, CONVERSATIONS_TABLE);
    await Promise.all([ensureTable(outboxTable), ensureTable(conversationsTable)]);
    const outbox = new TableOutboxStore(outboxTable);
    // A reference as stored when a user is known but has no 1:1 chat yet: the bot opens one.
    await new TableConversationStore(conversationsTable).save({
      tenantId: TENANT, aadObjectId: ALEX.aadObjectId, language: 'en', active: true, updatedAt: new Date().toISOString(),
      reference: { serviceUrl: stack.playground.connectorUrl, channelId: 'msteams', user: ALEX, bot: { id: BOT, name: 'Test Bot' }, conversation: { tenantId: TENANT } }
    });
    const notifier = new OutboxNotifier(outbox, builtInRenderers);
    await notifier.enqueue([{
      tenantId: TENANT, key: 'e2e-card', thread: 'e2e-thread', to: { kind: 'user', aadObjectId: ALEX.aadObjectId },
      message: { kind: 'notice', data: { key: 'form.title.edit', params: { id: 'J0000000001' } } }
    }]);

    await waitFor(async () => (await outbox.get(TENANT, 'e2e-card'))?.state === 'sent', 60_000, 'the card to be sent');
    const sent = (await outbox.get(TENANT, 'e2e-card'))!;
    assert.match(String(sent.sent?.activityId), /\S/, 'the connector returned an activity id');
    const conversationId = (sent.sent?.reference.conversation as { id?: string }).id;
    assert.ok(conversationId, 'a 1:1 conversation was opened');
    const members = await fetch(`${stack.playground.connectorUrl}/v3/conversations/${encodeURIComponent(conversationId)}/members`);
    assert.equal(members.status, 200);
    assert.match(await members.text(), /user-id-0/);
    const remembered = await new TableConversationStore(conversationsTable).get(TENANT, ALEX.aadObjectId);
    assert.equal((remembered?.reference.conversation as { id?: string }).id, conversationId, 'the opened chat is kept for next time');

    await notifier.updateThread(TENANT, 'e2e-thread', { kind: 'notice', data: { key: 'form.title.edit', params: { id: 'J0000000002' }, tone: 'good' } });
    await waitFor(async () => {
      const row = await outbox.get(TENANT, 'e2e-card');
      return row?.sentRevision === 1 && !row.updatePending;
    }, 60_000, 'the in-place update');
    const updated = (await outbox.get(TENANT, 'e2e-card'))!;
    assert.equal(updated.sent?.activityId, sent.sent?.activityId, 'the same card, updated in place');
    assert.equal(updated.lastError, undefined);
    assert.doesNotMatch(stack.bot.output(), /outbox: (send failed|notice parked|card update failed)/);
  });
});
