/**
 * The real bot process (`node dist/src/index.js`, embedded Azurite) at its HTTP edge: malformed activities, error
 * bodies, probes while the embedded Azurite dies and comes back, and a graceful SIGTERM.
 */
import assert from 'node:assert/strict';
import { startBot, type BotHandle } from '../support/botProcess';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function activity(serviceUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: `act-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    text: 'help',
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:alex', aadObjectId: 'aad-alex', name: 'Alex Wilber' },
    recipient: { id: '28:bot', name: 'Bot' },
    conversation: { id: 'a:alex', tenantId: 'tenant-edge', conversationType: 'personal' },
    channelData: { tenant: { id: 'tenant-edge' } },
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/Oslo' }],
    locale: 'en-US',
    localTimezone: 'Europe/Oslo',
    ...overrides
  };
}

async function post(bot: BotHandle, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(bot.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await sleep(everyMs);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

const faqAction = (cardId: string) => ({
  type: 'invoke', name: 'adaptiveCard/action', text: undefined, replyToId: cardId,
  value: { action: { type: 'Action.Execute', verb: 'faq.list', data: {} } }
});
const cardOf = (update: { activity: Record<string, unknown> }) => (update.activity.attachments as Array<{ content: unknown }>)[0].content;

const statusOf = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;

describe('the bot process at its HTTP edge', function () {
  this.timeout(120_000);
  let stub: ConnectorStub;
  let bot: BotHandle;

  before(async () => {
    stub = await startConnectorStub();
    bot = await startBot();
  });

  after(async () => {
    await bot?.stop();
    await stub?.stop();
  });

  it('answers malformed activities 400 with the field at fault, never 5xx', async () => {
    const base = activity(stub.url);
    const cardAction = { type: 'invoke', name: 'adaptiveCard/action', text: undefined, value: { action: { type: 'Action.Execute', verb: 'faq.list', data: {} } } };
    const malformed: Array<[string, Record<string, unknown>, RegExp]> = [
      ['no conversation', { ...base, conversation: undefined }, /^conversation: /],
      ['entities not an array', { ...base, entities: { type: 'clientInfo' } }, /^entities: /],
      ['locale an object', { ...base, locale: { code: 'en' } }, /^locale: /],
      ['tenantId an object', { ...base, conversation: { id: 'a:alex', tenantId: { id: 't' } } }, /^conversation\.tenantId: /],
      ['no serviceUrl', { ...base, serviceUrl: undefined }, /^serviceUrl: /],
      ['serviceUrl not a URL', { ...base, serviceUrl: 'nowhere' }, /^serviceUrl: /],
      ['from.id an object', { ...base, from: { id: { x: 1 } } }, /^from\.id: /],
      ['conversation id a number', { ...base, conversation: { id: 5 } }, /^conversation\.id: /],
      ['card action without replyToId', { ...base, ...cardAction }, /^replyToId: /],
      ['card action without an action', { ...base, ...cardAction, replyToId: 'card-1', value: {} }, /^value\.action: /],
      ['an invoke the bot does not handle', { ...base, ...cardAction, name: 'composeExtension/fetchTask', replyToId: 'card-1' }, /^name: this bot does not handle/],
      ['a message extension command the bot does not have', { ...base, type: 'invoke', name: 'composeExtension/query', value: { commandId: 'deleteAll', parameters: [] } }, /^value\.commandId: /],
      ['a message extension query without a command', { ...base, type: 'invoke', name: 'composeExtension/query', value: {} }, /^value\.commandId: /],
      ['a card verb the bot does not have', { ...base, ...cardAction, replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb: 'job.delete' } } }, /^value\.action\.verb: /],
      ['membersAdded not an array', { ...base, type: 'conversationUpdate', membersAdded: { id: '28:bot' } }, /^membersAdded: /],
      ['text an object', { ...base, text: { value: 'help' } }, /^text: /]
    ];
    for (const [name, body, reason] of malformed) {
      const { status, text } = await post(bot, body);
      assert.equal(status, 400, `${name}: ${text}`);
      const parsed = JSON.parse(text) as { error: string; message: string };
      assert.equal(parsed.error, 'invalid_activity', name);
      assert.match(parsed.message, reason, name);
    }
  });

  it('still takes what Teams and the Agents Playground send, unknown fields included', async () => {
    stub.reset();
    const base = activity(stub.url, { someNewTeamsField: { nested: true } });
    const valid: Array<[string, Record<string, unknown>]> = [
      ['message', base],
      ['message with nulls', { ...base, locale: null, entities: null, replyToId: null }],
      ['typing', { ...base, type: 'typing', text: undefined }],
      ['conversationUpdate', { ...base, type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '28:bot' }] }],
      ['installationUpdate', { ...base, type: 'installationUpdate', text: undefined, action: 'add' }],
      ['messageReaction', { ...base, type: 'messageReaction', text: undefined, reactionsAdded: [{ type: 'like' }], replyToId: 'm-1' }],
      ['channel message', { ...base, conversation: { id: '19:general@thread.tacv2', conversationType: 'channel', tenantId: 'tenant-edge', isGroup: true }, channelData: { tenant: { id: 'tenant-edge' }, team: { id: '19:team@thread.tacv2' }, channel: { id: '19:general@thread.tacv2' } } }],
      ['Action.Execute', { ...base, type: 'invoke', name: 'adaptiveCard/action', text: undefined, replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb: 'faq.list', data: {} }, trigger: 'manual' } }]
    ];
    for (const [name, body] of valid) {
      const { status, text } = await post(bot, body);
      assert.equal(status, 200, `${name}: ${text}`);
    }
    assert.ok(stub.sent.length >= 2, 'the bot replied through the connector');
  });

  it('a failure inside the adapter answers 500 with only an id; the cause is in the log under that id', async () => {
    const { status, text } = await post(bot, activity('http://127.0.0.1:9/'));
    assert.equal(status, 500);
    assert.doesNotMatch(text, /ECONNREFUSED|127\.0\.0\.1|Error/);
    const body = JSON.parse(text) as { error: string; id: string };
    assert.deepEqual(Object.keys(body).sort(), ['error', 'id']);
    assert.equal(body.error, 'internal');
    assert.match(body.id, UUID);
    const line = bot.logs.find((l) => l.includes(body.id));
    assert.ok(line, 'a log line carries the id');
    assert.match(line, /ECONNREFUSED/);
  });

  it("a card action: the clicker gets the card at once; the same card then replaces the message the action came from", async () => {
    stub.reset();
    // Teams takes 1.5 s to answer the update: the click must not wait for it.
    stub.setDelay(1_500);
    try {
      const { status, text } = await post(bot, activity(stub.url, faqAction('card-faq-1')));
      const answeredAt = Date.now();
      assert.equal(status, 200, text);
      const answer = JSON.parse(text) as { statusCode: number; value: Record<string, unknown> };
      assert.equal(answer.value.type, 'AdaptiveCard');
      await until('the update reaches the connector', async () => stub.updates.length === 1, 10_000);
      const [update] = stub.updates;
      assert.equal(update.conversationId, 'a:alex');
      assert.equal(update.activityId, 'card-faq-1');
      assert.deepEqual(cardOf(update), answer.value);
      assert.ok(answeredAt < update.at + 1_500, 'answered before the connector answered the update');
    } finally {
      stub.setDelay(0);
    }
  });

  it("a card action whose card update Teams refuses: the refusal is logged, the action was answered all the same", async () => {
    stub.reset();
    stub.failNext(1, 403, 'BotNotInConversationRoster');
    const { status, text } = await post(bot, activity(stub.url, faqAction('card-faq-2')));
    assert.equal(status, 200, text);
    assert.equal((JSON.parse(text) as { value: { type: string } }).value.type, 'AdaptiveCard');
    await until('the refusal is logged', async () => bot.logs.some((line) => line.includes('could not update the card a card action came from')), 10_000);
  });

  it('/livez and /readyz: when the embedded Azurite dies, /readyz goes 503 and comes back to 200, and the bot works again', async () => {
    assert.equal(await statusOf(`${bot.url}/livez`), 200);
    assert.equal(await statusOf(`${bot.url}/readyz`), 200);
    const ready = JSON.parse(await (await fetch(`${bot.url}/readyz`)).text()) as { workers: Record<string, string> };
    assert.deepEqual(ready.workers, { feedScheduler: 'ok', notifications: 'ok', exports: 'ok', linkedInApi: 'ok', morning: 'ok', privacy: 'ok', channelSwitch: 'ok' });

    const startLine = bot.logs.find((l) => l.includes('embedded Azurite on'));
    const pid = Number((JSON.parse(startLine ?? '{}') as { pid?: number }).pid);
    assert.ok(pid > 0, `the first log line names Azurite's pid: ${startLine}`);
    process.kill(pid, 'SIGKILL');

    await until('/readyz 503 after Azurite died', async () => (await statusOf(`${bot.url}/readyz`)) === 503, 5000, 20);
    assert.equal(await statusOf(`${bot.url}/livez`), 200, 'the process itself is alive');
    await until('/readyz 200 after the restart', async () => (await statusOf(`${bot.url}/readyz`)) === 200, 60_000, 200);
    assert.equal(await statusOf(`${bot.url}/healthz`), 200);
    assert.ok(bot.logs.some((l) => l.includes('embedded Azurite restarted')));

    // The same port and a fresh (in-memory) set of tables: a turn that reads settings and stores a reference works.
    stub.reset();
    const { status, text } = await post(bot, activity(stub.url, { from: { id: '29:megan', aadObjectId: 'aad-megan', name: 'Megan' }, conversation: { id: 'a:megan', tenantId: 'tenant-edge', conversationType: 'personal' } }));
    assert.equal(status, 200, text);
    assert.equal(stub.sent.length, 1);
    assert.doesNotMatch(JSON.stringify(stub.sent[0].activity), /UNEXPECTED|STORAGE_UNAVAILABLE/);
  });

  it('SIGTERM: stops accepting, lets a slow request finish, then exits 0', async () => {
    stub.reset();
    stub.setDelay(3000);
    const slow = post(bot, activity(stub.url, { id: 'slow-1' }));
    await until('the slow reply reached the connector', async () => stub.requests.length > 0 || stub.sent.length > 0, 10_000, 20);
    const signalledAt = Date.now();
    bot.process.kill('SIGTERM');
    await until('/readyz stops answering 200', async () => (await statusOf(`${bot.url}/readyz`).catch(() => 0)) !== 200, 2000, 20);

    const { status } = await slow;
    assert.equal(status, 200, 'the request in flight was answered');
    assert.equal(stub.sent.length, 1, 'its reply was sent');
    const exit = await bot.process.exited;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(Date.now() - signalledAt < 10_000, 'well within the grace period');
    assert.ok(bot.logs.some((l) => l.includes('"stopped"')), 'it said it stopped');
    await fetch(`${bot.url}/livez`).then(
      () => assert.fail('nothing listens after the exit'),
      () => undefined
    );
  });
});

describe('the bot process: SHUTDOWN_GRACE_MS bounds the wait', function () {
  this.timeout(120_000);

  it('a request slower than the grace period does not hold the exit', async () => {
    const stub = await startConnectorStub({ delayMs: 30_000 });
    const bot = await startBot({ env: { SHUTDOWN_GRACE_MS: '1000' } });
    try {
      const slow = post(bot, activity(stub.url)).catch(() => ({ status: 0, text: '' }));
      await until('the reply reached the connector', async () => stub.sent.length > 0, 10_000, 20);
      const signalledAt = Date.now();
      bot.process.kill('SIGTERM');
      const exit = await bot.process.exited;
      const took = Date.now() - signalledAt;
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(took >= 900 && took < 6000, `exited ${took} ms after SIGTERM`);
      assert.ok(bot.logs.some((l) => l.includes('grace period over')));
      await slow;
    } finally {
      await bot.stop();
      await stub.stop();
    }
  });
});
