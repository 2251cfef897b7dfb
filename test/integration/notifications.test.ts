import assert from 'node:assert/strict';
import { TeamsRateLimiter } from '../../src/notifications/rateLimiter';
import { useAzurite, uniqueTableName } from '../support/azurite';
import { startConnectorStub, type ConnectorStub, type StubActivity } from '../support/connectorStub';
import { notifyStack, personalReference, waitFor, type NotifyStack } from '../support/notifyStack';
import type { Notice } from '../../src/shared/types';

const TENANT = 'tenant-a';

function notice(key: string, aadObjectId: string, extra: Partial<Notice> = {}): Notice {
  return { tenantId: TENANT, key, to: { kind: 'user', aadObjectId }, message: { kind: 'test.card', data: { name: key } }, ...extra };
}

const textOf = (activity: StubActivity) =>
  JSON.stringify((activity.activity.attachments as Array<{ content: unknown }> | undefined)?.[0]?.content ?? activity.activity.text);

/** How many times each notice (by the name in its card) reached the connector. */
function deliveries(stub: ConnectorStub): Map<string, number> {
  const counts = new Map<string, number>();
  for (const activity of stub.sent) {
    const name = textOf(activity).match(/(?:Hello|Hei) ([\w:-]+)/)?.[1] ?? '?';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

describe('notifications: durable outbox and Teams delivery (Azurite, local Bot Connector stub)', function () {
  this.timeout(120_000);
  const azurite = useAzurite();
  let stub: ConnectorStub;
  let stack: NotifyStack;
  const started: NotifyStack[] = [];

  async function makeStack(tables: { outbox: string; conversations: string }, limiter?: TeamsRateLimiter): Promise<NotifyStack> {
    const made = await notifyStack({ connection: azurite().connection, outboxTable: tables.outbox, conversationsTable: tables.conversations, limiter });
    started.push(made);
    return made;
  }

  let tables: { outbox: string; conversations: string };
  beforeEach(async () => {
    stub = await startConnectorStub();
    tables = { outbox: uniqueTableName('outbox'), conversations: uniqueTableName('conversations') };
    stack = await makeStack(tables);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.worker.stop(1_000)));
    await stub.stop();
  });

  async function install(aadObjectId: string, language = 'en', tenantId = TENANT) {
    await stack.conversations.save({
      tenantId, aadObjectId, language, active: true, updatedAt: new Date().toISOString(),
      reference: personalReference(stub.url, tenantId, aadObjectId)
    });
  }

  it('the same key enqueued twice is one notice and one message, in the recipient\'s language', async () => {
    await install('kari', 'nb');
    await stack.notifier.enqueue([notice('export-1', 'kari'), notice('export-1', 'kari')]);
    await stack.notifier.enqueue([notice('export-1', 'kari', { message: { kind: 'test.card', data: { name: 'changed' } } })]);
    stack.worker.start();
    await waitFor(async () => (await stack.outbox.get(TENANT, 'export-1'))?.state === 'sent', 20_000, 'sent');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(stub.sent.length, 1);
    assert.match(textOf(stub.sent[0]), /Hei export-1/);
    assert.equal(stub.sent[0].conversationId, `a:${TENANT}:kari`);
    assert.equal(stub.sent[0].replyToId, undefined, 'a proactive message is a new message, not a reply');
    const row = await stack.outbox.get(TENANT, 'export-1');
    assert.equal(row?.sent?.activityId, stub.sent[0].activityId);
  });

  it('a channel notice starts a new post in the channel, through the team\'s stored reference', async () => {
    await stack.conversations.save({
      tenantId: TENANT, aadObjectId: 'team:19:team@thread.tacv2', language: 'nb', active: true, updatedAt: new Date().toISOString(),
      reference: { ...personalReference(stub.url, TENANT, 'x'), conversation: { id: '19:team@thread.tacv2;messageid=1', conversationType: 'channel', tenantId: TENANT } }
    });
    await stack.notifier.enqueue([{ tenantId: TENANT, key: 'to-channel', to: { kind: 'channel', channelId: '19:recruiting@thread.tacv2', teamId: '19:team@thread.tacv2' }, message: { kind: 'test.card', data: { name: 'channel' } } }]);
    stack.worker.start();
    await waitFor(() => stub.sent.length === 1, 20_000, 'channel post');
    assert.equal(stub.sent[0].conversationId, '19:recruiting@thread.tacv2');
    assert.equal(stub.sent[0].replyToId, undefined);
    assert.match(textOf(stub.sent[0]), /Hei channel/);
  });

  it('refuses malformed notices and kinds without a renderer, storing nothing', async () => {
    await assert.rejects(stack.notifier.enqueue([notice('', 'kari')]), /invalid notice/);
    await assert.rejects(stack.notifier.enqueue([notice('n1', 'kari', { message: { kind: 'nobody.renders', data: {} } })]), /no renderer/);
    assert.equal(await stack.outbox.get(TENANT, 'n1'), undefined);
  });

  it('two workers racing over one outbox send each notice once', async () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    for (const user of users) await install(user);
    const other = await makeStack(tables);
    const notices = Array.from({ length: 30 }, (_, i) => notice(`race-${i}`, users[i % users.length]));
    await stack.notifier.enqueue(notices);
    stack.worker.start();
    other.worker.start();
    await waitFor(() => stub.sent.length >= 30, 60_000, '30 deliveries');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const counts = deliveries(stub);
    assert.equal(stub.sent.length, 30);
    for (const n of notices) assert.equal(counts.get(n.key), 1, `${n.key} delivered ${counts.get(n.key)} times`);
  });

  it('a recipient without a conversation stays pending, then gets the message once the conversation is stored', async () => {
    await stack.notifier.enqueue([notice('waiting', 'newcomer')]);
    stack.worker.start();
    await waitFor(async () => Boolean((await stack.outbox.get(TENANT, 'waiting'))?.lastError), 10_000, 'a first look');
    const waiting = await stack.outbox.get(TENANT, 'waiting');
    assert.equal(waiting?.state, 'pending');
    assert.match(String(waiting?.lastError), /waiting for a conversation/);
    assert.equal(stub.sent.length, 0);

    await install('newcomer');
    await waitFor(async () => (await stack.outbox.get(TENANT, 'waiting'))?.state === 'sent', 20_000, 'sent');
    assert.equal(stub.sent.length, 1);
  });

  it('a recipient still without a conversation after the waiting time is parked as failed, visibly', async () => {
    await stack.worker.stop();
    const patient = await notifyStack({
      connection: azurite().connection, outboxTable: tables.outbox, conversationsTable: tables.conversations,
      policy: { waitForConversationMs: 300 }
    });
    started.push(patient);
    await patient.notifier.enqueue([notice('never', 'stranger')]);
    patient.worker.start();
    await waitFor(async () => (await patient.outbox.get(TENANT, 'never'))?.state === 'failed', 20_000, 'parked');
    const failed = await patient.outbox.list(TENANT, ['failed']);
    assert.deepEqual(failed.map((n) => [n.key, n.failure?.reason]), [['never', 'no_conversation']]);
  });

  it('a kind this process cannot render (enqueued by a newer version) waits for a process that can', async () => {
    await install('kari', 'nb');
    await stack.outbox.add([notice('future-1', 'kari', { message: { kind: 'test.future', data: {} } })], new Date());
    stack.worker.start();
    await waitFor(async () => /no renderer/.test((await stack.outbox.get(TENANT, 'future-1'))?.lastError ?? ''), 10_000, 'a first look');
    assert.equal((await stack.outbox.get(TENANT, 'future-1'))?.state, 'pending');
    await stack.worker.stop();

    const newer = await notifyStack({
      connection: azurite().connection, outboxTable: tables.outbox, conversationsTable: tables.conversations,
      renderers: { 'test.future': (language) => ({ text: language === 'nb' ? 'Ny versjon' : 'New version' }) }
    });
    started.push(newer);
    newer.worker.start();
    await waitFor(async () => (await newer.outbox.get(TENANT, 'future-1'))?.state === 'sent', 20_000, 'sent by the newer process');
    assert.deepEqual(stub.sent.map((a) => a.activity.text), ['Ny versjon']);
  });

  it('403 BotNotInConversationRoster parks the notice and marks the conversation inactive; nothing is retried', async () => {
    await install('leaver');
    stub.failNext(1, 403, 'BotNotInConversationRoster');
    await stack.notifier.enqueue([notice('gone-1', 'leaver')]);
    stack.worker.start();
    await waitFor(async () => (await stack.outbox.get(TENANT, 'gone-1'))?.state === 'failed', 20_000, 'parked');
    assert.equal((await stack.outbox.get(TENANT, 'gone-1'))?.failure?.reason, 'recipient_gone');
    assert.equal((await stack.conversations.get(TENANT, 'leaver'))?.active, false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(stub.requests.length, 1);
    assert.equal(stub.sent.length, 0);
  });

  it('429 with Retry-After: delivered after the wait, once', async () => {
    await install('busy');
    stub.throttleNext(1, 1);
    await stack.notifier.enqueue([notice('throttled-1', 'busy')]);
    stack.worker.start();
    await waitFor(() => stub.sent.length === 1, 20_000, 'delivery');
    const [refused, accepted] = stub.requests;
    assert.equal(refused.status, 429);
    assert.equal(accepted.status, 201);
    assert.ok(accepted.at - refused.at >= 950, `retried after ${accepted.at - refused.at} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(stub.sent.length, 1);
  });

  it('429s that outlast the connector client\'s own retries are retried from the outbox after Retry-After, once', async () => {
    await install('very-busy');
    stub.throttleNext(6, 1);
    await stack.notifier.enqueue([notice('throttled-2', 'very-busy')]);
    stack.worker.start();
    await waitFor(async () => (await stack.outbox.get(TENANT, 'throttled-2'))?.state === 'sent', 30_000, 'delivery');
    const statuses = stub.requests.map((r) => r.status);
    assert.deepEqual(statuses, [429, 429, 429, 429, 429, 429, 201]);
    const gaps = stub.requests.slice(1).map((r, i) => r.at - stub.requests[i].at);
    assert.ok(gaps.every((gap) => gap >= 950), `gaps ${gaps.join(', ')}`);
    assert.equal(stub.sent.length, 1);
  });

  it('412, 502, 503 and 504 are retried until delivered, once', async () => {
    await install('flaky');
    stub.failNext(1, 412, 'PreconditionFailed');
    await stack.notifier.enqueue([notice('flaky-412', 'flaky')]);
    stack.worker.start();
    await waitFor(() => stub.sent.length === 1, 20_000, 'delivery after 412');
    stub.failNext(4, 502, 'BadGateway');
    stub.failNext(4, 504, 'GatewayTimeout');
    await stack.notifier.enqueue([notice('flaky-5xx', 'flaky')]);
    await waitFor(() => stub.sent.length === 2, 60_000, 'delivery after 5xx');
    assert.deepEqual([...deliveries(stub).values()], [1, 1]);
  });

  it('a burst of 1,000 notices ends with 1,000 delivered, none doubled, within Teams\' limits per conversation and tenant', async function () {
    this.timeout(240_000);
    await stub.stop();
    stub = await startConnectorStub({ enforceTeamsLimits: true });
    const tenants = ['t1', 't2', 't3', 't4'];
    const users = Array.from({ length: 25 }, (_, i) => `user${i}`);
    for (const tenantId of tenants) for (const user of users) await install(user, 'en', tenantId);
    const notices: Notice[] = [];
    for (const tenantId of tenants) {
      for (let i = 0; i < 250; i++) {
        notices.push({ tenantId, key: `burst-${tenantId}-${i}`, to: { kind: 'user', aadObjectId: users[i % users.length] }, message: { kind: 'test.card', data: { name: `burst-${tenantId}-${i}` } } });
      }
    }
    await stack.notifier.enqueue(notices);
    stack.worker.start();
    await waitFor(() => stub.sent.length >= 1_000, 200_000, '1,000 deliveries');
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const counts = deliveries(stub);
    const lost = notices.filter((n) => !counts.has(n.key)).length;
    const doubled = [...counts.values()].filter((c) => c > 1).length;
    assert.deepEqual({ delivered: stub.sent.length, lost, doubled }, { delivered: 1_000, lost: 0, doubled: 0 });
    assert.equal(stub.limitViolations, 0, 'Teams would have answered 429');
    assertWithinLimits(stub.sent);
  });

  it('updateThread updates every sent card of the thread in place, and a notice not sent yet goes out with the new message', async () => {
    for (const user of ['r1', 'r2', 'r3']) await install(user);
    const thread = 'candidate:42';
    await stack.notifier.enqueue(['r1', 'r2', 'r3'].map((user) => notice(`cand-42:${user}`, user, { thread, message: { kind: 'test.card', data: { name: 'Ola' } } })));
    await stack.notifier.enqueue([notice('cand-42:late', 'late', { thread, message: { kind: 'test.card', data: { name: 'Ola' } } })]);
    stack.worker.start();
    await waitFor(() => stub.sent.length === 3, 20_000, 'three cards');

    await stack.notifier.updateThread(TENANT, thread, { kind: 'test.card', data: { name: 'Ola', status: 'reviewed by Megan' } });
    await waitFor(() => stub.updates.length === 3, 20_000, 'three updates');
    const sentIds = stub.sent.map((a) => `${a.conversationId}/${a.activityId}`).sort();
    const updatedIds = stub.updates.map((a) => `${a.conversationId}/${a.activityId}`).sort();
    assert.deepEqual(updatedIds, sentIds);
    for (const update of stub.updates) assert.match(textOf(update), /Hello Ola \(reviewed by Megan\)/);

    await install('late');
    await waitFor(() => stub.sent.length === 4, 20_000, 'the late card');
    assert.match(textOf(stub.sent[3]), /reviewed by Megan/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(stub.updates.length, 3, 'the late card was sent new, not updated');
    for (const row of await stack.outbox.inThread(TENANT, thread)) assert.equal(row.updatePending, false);
  });
});

/** Every window of Teams' per-conversation limits, checked on the arrival times the connector saw. */
function assertWithinLimits(sent: readonly StubActivity[]): void {
  const byConversation = new Map<string, number[]>();
  for (const a of sent) byConversation.set(a.conversationId, [...(byConversation.get(a.conversationId) ?? []), a.at]);
  for (const [conversation, times] of byConversation) {
    times.sort((a, b) => a - b);
    for (const { limit, ms } of [{ limit: 7, ms: 1_000 }, { limit: 8, ms: 2_000 }, { limit: 60, ms: 30_000 }]) {
      for (let i = limit; i < times.length; i++) {
        assert.ok(times[i] - times[i - limit] >= ms, `${conversation}: ${limit + 1} messages within ${times[i] - times[i - limit]} ms (limit ${limit}/${ms} ms)`);
      }
    }
  }
}
