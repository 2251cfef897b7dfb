import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { createHttpServer } from '../../src/http/server';
import { EnvPushKeyResolver } from '../../src/linkedin/push';
import { unreadableSecretListener } from '../../src/bot/settingsNotices';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableExportInbox } from '../../src/storage/exportInbox';
import { secretBoxFrom } from '../../src/storage/secretBox';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardOf, cardText, type TestUser } from '../support/botHarness';
import { feedStack } from '../support/feedStack';
import { capturingLogger, RecordingNotifier, settingsForm } from '../support/settingsSupport';
import type { AdaptiveCardJson } from '../../src/shared/types';

const TENANT = 'tenant-k';
const ADMIN: TestUser = { aadObjectId: 'aad-admin', name: 'Adele Vance', tenantId: TENANT };
const SECOND_ADMIN = 'aad-admin-2';
const SECRET = 'li-secret-Zq81x-KEEP-OUT';
const PUSH_KEY = 'push-key-0123456789abcdefghij';
const OLD_KEY = randomBytes(32).toString('base64');
const NEW_KEY = randomBytes(32).toString('base64');

function saveEtag(card: AdaptiveCardJson | undefined): string {
  const save = (card?.actions as Array<{ verb?: string; data?: { etag?: string } }> | undefined)?.find((a) => a.verb === 'settings.save');
  assert.ok(save, 'the card has a Save button');
  return save.data?.etag ?? '';
}

describe('settings secrets when SETTINGS_ENCRYPTION_KEY changes (Azurite)', function () {
  const azurite = useAzurite();
  let settingsTable: TableClient;
  let conversationsTable: TableClient;
  let exportsTable: TableClient;
  let notifier: RecordingNotifier;

  beforeEach(async () => {
    [settingsTable, conversationsTable, exportsTable] = await freshTables(azurite().connection, 'settings', 'conv', 'exports');
    notifier = new RecordingNotifier();
    // An admin stored the client secret under the old key.
    const before = storeWith(OLD_KEY);
    const bot = await botOn(before);
    const [opened] = await bot.say(ADMIN, 'settings');
    const etag = saveEtag(cardOf(opened));
    await bot.execute(ADMIN, 'settings.save', { ...settingsForm({ rscClientId: 'client42', rscClientSecret: SECRET, admins: SECOND_ADMIN }), etag });
    assert.equal((await before.linkedInCredentials(TENANT))?.clientSecret, SECRET);
  });

  function storeWith(key: string, previous?: string): TableSettingsStore {
    const listener = unreadableSecretListener(notifier, async () => [ADMIN.aadObjectId, SECOND_ADMIN], capturingLogger());
    return new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, secretBoxFrom(key, previous), undefined, listener);
  }

  async function botOn(store: TableSettingsStore): Promise<BotHarness> {
    const stack = await feedStack(azurite().connection, store, () => new Date());
    return new BotHarness({
      jobs: stack.jobs,
      feed: stack.feed,
      conversations: new TableConversationStore(conversationsTable),
      settings: store,
      bootstrapAdmins: [ADMIN.aadObjectId],
      now: () => new Date(),
      notifier
    });
  }

  async function pushRoutes(store: TableSettingsStore): Promise<{ base: string; close: () => void }> {
    const server = createHttpServer({
      processActivity: async () => undefined,
      storageHealthy: async () => true,
      maxBodyBytes: 256 * 1024,
      logger: capturingLogger(),
      linkedInPush: {
        keys: new EnvPushKeyResolver(PUSH_KEY, TENANT),
        settings: store,
        inbox: new TableExportInbox(exportsTable),
        accepted: () => undefined,
        now: () => new Date()
      }
    });
    await new Promise<void>((done) => void server.listen(0, '127.0.0.1', done));
    return { base: `http://127.0.0.1:${server.address().port}`, close: () => void server.close() };
  }

  it('an unreadable secret counts as not configured: push routes answer 503 not_configured, never 500', async () => {
    const store = storeWith(NEW_KEY);
    assert.equal(await store.linkedInCredentials(TENANT), undefined);
    const routes = await pushRoutes(store);
    try {
      const challenge = await fetch(`${routes.base}/api/linkedin/push/${PUSH_KEY}?challengeCode=6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21`);
      assert.equal(challenge.status, 503);
      assert.equal(((await challenge.json()) as { error: string }).error, 'not_configured');
      const push = await fetch(`${routes.base}/api/linkedin/push/${PUSH_KEY}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-li-signature': 'ab'.repeat(32) },
        body: JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId: 'n1', requestId: 'r1' })
      });
      assert.equal(push.status, 503);
      assert.equal(((await push.json()) as { error: string }).error, 'not_configured');
    } finally {
      routes.close();
    }
  });

  it('the settings card asks for the secret again, and Enabled cannot be saved without it', async () => {
    const bot = await botOn(storeWith(NEW_KEY));
    const [reply] = await bot.say(ADMIN, 'settings');
    const text = cardText(cardOf(reply));
    assert.match(text, /can no longer be read \(the encryption key changed\): enter it again/);
    assert.match(text, /No client secret is set/);
    assert.doesNotMatch(text, /A client secret was set on/);
    const etag = saveEtag(cardOf(reply));
    const refused = await bot.execute(ADMIN, 'settings.save', { ...settingsForm({ rscClientId: 'client42', rscOrganizationId: '42', rscStatus: 'enabled', admins: SECOND_ADMIN }), etag });
    assert.match(cardText(refused), /Enabled needs the client ID, the client secret and the organization ID/);
  });

  it('a sealed secret with the key removed altogether is unreadable too, never used as sealed text', async () => {
    const store = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }, secretBoxFrom(undefined));
    assert.equal(await store.linkedInCredentials(TENANT), undefined);
    assert.equal(await store.clientSecretState(TENANT), 'unreadable');
  });

  it('admins get one notice each, however often the secret is found unreadable', async () => {
    const store = storeWith(NEW_KEY);
    for (let i = 0; i < 3; i++) await store.linkedInCredentials(TENANT);
    await storeWith(NEW_KEY).linkedInCredentials(TENANT); // another process
    const notices = notifier.notices.filter((notice) => notice.message.data.key === 'settings.secretUnreadableNotice');
    assert.deepEqual(notices.map((notice) => (notice.to.kind === 'user' ? notice.to.aadObjectId : '')).sort(), [ADMIN.aadObjectId, SECOND_ADMIN].sort());
    assert.ok(notices.every((notice) => notice.tenantId === TENANT));
  });

  it('SETTINGS_ENCRYPTION_KEY_PREVIOUS opens the old secret and seals it again with the new key', async () => {
    const rotating = storeWith(NEW_KEY, OLD_KEY);
    assert.equal((await rotating.linkedInCredentials(TENANT))?.clientSecret, SECRET);
    // Once re-sealed, the new key alone opens it, and the old one no longer does.
    assert.equal((await storeWith(NEW_KEY).linkedInCredentials(TENANT))?.clientSecret, SECRET);
    assert.equal(await storeWith(OLD_KEY).linkedInCredentials(TENANT), undefined);
    const row = await settingsTable.getEntity<{ clientSecret: string }>(TENANT, 'secret');
    assert.doesNotMatch(row.clientSecret, /li-secret/);
    assert.equal(notifier.notices.filter((n) => n.message.data.key === 'settings.secretUnreadableNotice').length, 2, 'only the old-key store found it unreadable');
  });

  it('a secret stored before any key was set is sealed once a key is set', async () => {
    const tenant = 'tenant-plain';
    await settingsTable.createEntity({ partitionKey: tenant, rowKey: 'settings', document: JSON.stringify({ rsc: { clientId: 'c1', status: 'enabled' } }), updatedAt: new Date().toISOString() });
    await settingsTable.createEntity({ partitionKey: tenant, rowKey: 'secret', clientSecret: 'plain-secret-value', encrypted: false });
    assert.equal((await storeWith(NEW_KEY).linkedInCredentials(tenant))?.clientSecret, 'plain-secret-value');
    const row = await settingsTable.getEntity<{ clientSecret: string; encrypted: boolean }>(tenant, 'secret');
    assert.equal(row.encrypted, true);
    assert.doesNotMatch(row.clientSecret, /plain-secret/);
    assert.equal((await storeWith(NEW_KEY).linkedInCredentials(tenant))?.clientSecret, 'plain-secret-value');
  });
});
