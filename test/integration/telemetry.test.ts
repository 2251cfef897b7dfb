import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { EnvSettingsReader } from '../../src/storage/settingsStore';
import { freshTables, uniqueTableName, useAzurite } from '../support/azurite';
import { BotHarness, type TestUser } from '../support/botHarness';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { ExportsRig, TENANT, pushBody, waitFor } from '../support/exportsRig';
import { feedStack } from '../support/feedStack';
import { notifyStack, personalReference } from '../support/notifyStack';
import { RecordingNotifier } from '../support/recordingNotifier';

const ALEX: TestUser = { aadObjectId: 'aad-alex', name: 'Alex Wilber', tenantId: 'tenant-a' };

describe('telemetry: a span per turn, push, export, feed build and notice delivery (in-memory exporter)', function () {
  this.timeout(60_000);
  const azurite = useAzurite();
  const exporter = new InMemorySpanExporter();
  let stub: ConnectorStub;

  before(() => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  after(() => trace.disable());
  beforeEach(async () => {
    exporter.reset();
    stub = await startConnectorStub();
  });
  afterEach(() => stub.stop());

  const spans = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);

  it('a turn and a feed build each get a span, with the tenant and their ids', async () => {
    const [conversationTable] = await freshTables(azurite().connection, 'conversations');
    const settings = new EnvSettingsReader({ buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] });
    const stack = await feedStack(azurite().connection, settings, () => new Date());
    const bot = new BotHarness({ jobs: stack.jobs, conversations: new TableConversationStore(conversationTable), settings, feed: stack.feed, bootstrapAdmins: [], now: () => new Date() });
    await bot.say(ALEX, 'help');
    const [turn] = spans('bot.turn');
    assert.ok(turn, 'a bot.turn span');
    assert.equal(turn.attributes.tenant, 'tenant-a');
    assert.equal(turn.attributes['bot.activity_type'], 'message');
    assert.ok(turn.attributes['bot.activity_id']);

    await stack.feed.buildNow('tenant-a');
    const [build] = spans('feed.build');
    assert.ok(build, 'a feed.build span');
    assert.equal(build.attributes.tenant, 'tenant-a');
    assert.ok(build.attributes['feed.build_id']);
    assert.ok(build.attributes['feed.outcome']);
  });

  it('a push, the export it starts and the notice it sends each get a span', async () => {
    const tables = { outbox: uniqueTableName('outbox'), conversations: uniqueTableName('conversations') };
    const notify = await notifyStack({ connection: azurite().connection, outboxTable: tables.outbox, conversationsTable: tables.conversations });
    const rig = await new ExportsRig({ connection: azurite().connection, notifier: new RecordingNotifier() }).start();
    rig.worker.start();
    try {
      const response = await rig.push(pushBody('telemetry-1'));
      assert.equal(response.status, 200);
      await waitFor('the export span', () => spans('linkedin.export').length > 0);
      const [push] = spans('linkedin.push');
      assert.ok(push, 'a linkedin.push span');
      assert.equal(push.attributes['http.response.status_code'], 200);
      assert.equal(spans('linkedin.export')[0].attributes['linkedin.push_id'], 'telemetry-1');

      await notify.conversations.save({ tenantId: TENANT, aadObjectId: 'u1', language: 'en', active: true, updatedAt: new Date().toISOString(), reference: personalReference(stub.url, TENANT, 'u1') });
      await notify.notifier.enqueue([{ tenantId: TENANT, key: 'telemetry-notice', to: { kind: 'user', aadObjectId: 'u1' }, message: { kind: 'test.card', data: { name: 'x' } } }]);
      await notify.worker.drain();
      const [delivery] = spans('outbox.deliver');
      assert.ok(delivery, 'an outbox.deliver span');
      assert.equal(delivery.attributes['outbox.notice_id'], 'telemetry-notice');
      assert.equal(stub.sent.length, 1);
    } finally {
      await rig.stop();
      await notify.worker.stop(1_000);
    }
  });
});
