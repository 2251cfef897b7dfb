/** The card update that follows a card action's answer (src/teams/cardUpdates.ts), with a connector of our own. */
import assert from 'node:assert/strict';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { CardUpdates } from '../src/teams/cardUpdates';
import { silentLogger, type Logger } from '../src/logger';

interface Sent {
  conversationId: string;
  activityId: string;
  text: string;
}

/** A Bot Connector whose answers to updates the test releases one by one. */
function heldConnector() {
  const sent: Sent[] = [];
  const waiting: Array<() => void> = [];
  return {
    sent,
    waiting,
    conversations: {
      updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<unknown> {
        const content = activity.attachments?.[0].content as { body: Array<{ text: string }> };
        sent.push({ conversationId, activityId, text: content.body[0].text });
        return new Promise<void>((resolve) => waiting.push(resolve));
      }
    }
  };
}

function cardAction(adapter: TestAdapter, connector: unknown, cardId: string): TurnContext {
  const context = new TurnContext(adapter, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `click-${Math.random()}`,
    replyToId: cardId,
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    from: { id: '29:alex', name: 'Alex' },
    recipient: { id: '28:bot', name: 'Bot' },
    conversation: { id: 'a:alex', tenantId: 'tenant-1', isGroup: false, conversationType: 'personal', name: '' }
  });
  context.turnState.set(adapter.ConnectorClientKey, connector);
  return context;
}

const card = (text: string) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the card update after a card action', () => {
  const adapter = new TestAdapter();

  it('starts only once the turn is done, and writes the answer card into the message the action came from', async () => {
    const connector = heldConnector();
    const updates = new CardUpdates(silentLogger);
    const context = cardAction(adapter, connector, 'card-1');
    updates.replaceAfterAnswer(context, card('Saved'));
    await settle();
    assert.equal(connector.sent.length, 0, 'nothing before the answer');
    updates.startAfterAnswer(context);
    await settle();
    assert.deepEqual(connector.sent, [{ conversationId: 'a:alex', activityId: 'card-1', text: 'Saved' }]);
    connector.waiting.forEach((release) => release());
  });

  it('two clicks on one card: the second update waits for the first, so the message ends as the last answer', async () => {
    const connector = heldConnector();
    const updates = new CardUpdates(silentLogger);
    for (const text of ['Page 2', 'Page 3']) {
      const context = cardAction(adapter, connector, 'card-1');
      updates.replaceAfterAnswer(context, card(text));
      updates.startAfterAnswer(context);
    }
    await settle();
    assert.deepEqual(connector.sent.map((s) => s.text), ['Page 2'], 'the second waits');
    connector.waiting.shift()!();
    await settle();
    assert.deepEqual(connector.sent.map((s) => s.text), ['Page 2', 'Page 3']);
    connector.waiting.shift()!();
  });

  it('a turn without a card action (no card to replace, or no connector) schedules nothing', async () => {
    const updates = new CardUpdates(silentLogger);
    const noConnector = cardAction(adapter, undefined, 'card-1');
    updates.replaceAfterAnswer(noConnector, card('x'));
    updates.startAfterAnswer(noConnector);
    assert.equal(await updates.drain(Date.now()), true);
  });

  it('shutdown waits for updates under way, and gives up at the deadline', async () => {
    const connector = heldConnector();
    const updates = new CardUpdates(silentLogger);
    const context = cardAction(adapter, connector, 'card-1');
    updates.replaceAfterAnswer(context, card('Closed'));
    updates.startAfterAnswer(context);
    await settle();
    assert.equal(await updates.drain(Date.now() + 50), false, 'still under way at the deadline');
    const drained = updates.drain(Date.now() + 5_000);
    connector.waiting.forEach((release) => release());
    assert.equal(await drained, true);
  });

  it('a failed update is logged with the activity, and the next update of that card still goes out', async () => {
    const lines: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message, fields) => lines.push(`${message} ${JSON.stringify(fields)}`), child: () => logger };
    let calls = 0;
    const connector = {
      conversations: {
        updateActivity: () => (++calls === 1 ? Promise.reject(new Error('Forbidden: BotNotInConversationRoster')) : Promise.resolve({}))
      }
    };
    const updates = new CardUpdates(logger);
    for (const text of ['one', 'two']) {
      const context = cardAction(adapter, connector, 'card-1');
      updates.replaceAfterAnswer(context, card(text));
      updates.startAfterAnswer(context);
    }
    assert.equal(await updates.drain(Date.now() + 5_000), true);
    assert.equal(calls, 2);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /could not update the card a card action came from .*BotNotInConversationRoster/);
  });
});
