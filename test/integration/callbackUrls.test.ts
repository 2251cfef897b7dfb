import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { CallbackUrls } from '../../src/linkedin/callbackUrls';
import { LinkedInClient } from '../../src/linkedin/client';
import { ChainedPushKeyResolver, EnvPushKeyResolver } from '../../src/linkedin/push';
import type { TenantSettings } from '../../src/domain/settings';
import type { LinkedInCredentials, SettingsReader } from '../../src/storage/settingsStore';
import { TablePushKeyStore } from '../../src/storage/pushKeyStore';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { secretBoxFrom } from '../../src/storage/secretBox';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardText, type TestUser } from '../support/botHarness';
import { feedStack } from '../support/feedStack';
import { ExportsRig, documentedPushBody, sign, stubProfileExport, tenantSettings, waitFor } from '../support/exportsRig';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { RecordingNotifier } from '../support/recordingNotifier';
import { settingsForm } from '../support/settingsSupport';

const A = { tenantId: 'tenant-a', clientId: 'client-a', clientSecret: 'secret-of-tenant-a', organizationId: '1111' };
const B = { tenantId: 'tenant-b', clientId: 'client-b', clientSecret: 'secret-of-tenant-b', organizationId: '2222' };
const BASE = 'https://bot.contoso.com';
const KEY_IN_URL = /\/api\/linkedin\/push\/([A-Za-z0-9_-]{43})\b/;

/** Two tenants, each with its own settings and LinkedIn application. */
class TwoTenants implements SettingsReader {
  async get(tenantId: string): Promise<TenantSettings> {
    const t = tenantId === B.tenantId ? B : A;
    return { ...tenantSettings({ rsc: { status: 'enabled', organizationId: t.organizationId, clientId: t.clientId } }), tenantId };
  }
  async linkedInCredentials(tenantId: string): Promise<LinkedInCredentials | undefined> {
    const t = tenantId === B.tenantId ? B : tenantId === A.tenantId ? A : undefined;
    return t && { clientId: t.clientId, clientSecret: t.clientSecret };
  }
}

describe('a callback URL per tenant (Azurite, fake LinkedIn)', function () {
  const azurite = useAzurite();
  let keys: TablePushKeyStore;
  let callbacks: CallbackUrls;
  let rig: ExportsRig;
  let notifier: RecordingNotifier;

  beforeEach(async () => {
    const [pushKeysTable] = await freshTables(azurite().connection, 'pushkeys');
    keys = new TablePushKeyStore(pushKeysTable);
    callbacks = new CallbackUrls({ keys, publicBaseUrl: () => BASE });
    notifier = new RecordingNotifier();
    const linkedIn = await new FakeLinkedIn({ clientId: A.clientId, clientSecret: A.clientSecret, organizationId: A.organizationId, moreClients: [B] }).start();
    rig = await new ExportsRig({ connection: azurite().connection, notifier, settings: new TwoTenants(), keys: new ChainedPushKeyResolver(keys, new EnvPushKeyResolver(undefined, undefined)) }).start(linkedIn);
    rig.worker.start();
  });

  afterEach(() => rig.stop());

  const keyOf = (url: string | undefined) => KEY_IN_URL.exec(url ?? '')![1];

  it('two tenants each receive only their own pushes; A\'s key never creates an export for B', async () => {
    const keyA = keyOf((await callbacks.adopt(A.tenantId, callbacks.newKey())).url);
    const keyB = keyOf((await callbacks.adopt(B.tenantId, callbacks.newKey())).url);
    assert.notEqual(keyA, keyB);
    rig.linkedIn.exports.set('req-a', { ...stubProfileExport(1), integrationContext: `urn:li:organization:${A.organizationId}` });
    rig.linkedIn.exports.set('req-b', { ...stubProfileExport(2), integrationContext: `urn:li:organization:${B.organizationId}` });

    const bodyA = documentedPushBody('req-a');
    const bodyB = documentedPushBody('req-b');
    assert.equal((await rig.push(bodyA, sign(bodyA, A.clientSecret), keyA)).status, 200);
    assert.equal((await rig.push(bodyB, sign(bodyB, B.clientSecret), keyB)).status, 200);
    // A's key with B's signature, and B's key with A's: refused, nothing stored.
    const crossed = documentedPushBody('req-crossed');
    assert.equal((await rig.push(crossed, sign(crossed, B.clientSecret), keyA)).status, 401);
    assert.equal((await rig.push(crossed, sign(crossed, A.clientSecret), keyB)).status, 401);

    const doneA = await waitFor('A settled', () => rig.inbox.get(A.tenantId, 'req-a'));
    const doneB = await waitFor('B settled', () => rig.inbox.get(B.tenantId, 'req-b'));
    assert.equal(doneA.status, 'done');
    assert.equal(doneB.status, 'done');
    assert.equal(await rig.inbox.get(B.tenantId, 'req-a'), undefined, "A's push made nothing for B");
    assert.equal(await rig.inbox.get(A.tenantId, 'req-b'), undefined);
    assert.equal(await rig.inbox.get(A.tenantId, 'req-crossed'), undefined);
    assert.equal(await rig.inbox.get(B.tenantId, 'req-crossed'), undefined);
    const notices = await waitFor('notices', () => (notifier.all().length >= 2 ? notifier.all() : undefined));
    assert.deepEqual(notices.filter((n) => n.tenantId === A.tenantId).map((n) => n.key), ['export:req-a:aad-admin']);
    assert.deepEqual(notices.filter((n) => n.tenantId === B.tenantId).map((n) => n.key), ['export:req-b:aad-admin']);
    // Each challenge is answered with that tenant's own secret.
    const code = '7e57c0de-0000-4000-8000-000000000001';
    const challengeB = (await (await fetch(`${rig.base}/api/linkedin/push/${keyB}?challengeCode=${code}`)).json()) as { challengeResponse: string };
    assert.equal(challengeB.challengeResponse, createHmac('sha256', B.clientSecret).update(code).digest('hex'));
  });

  it('a rotated key answers 404; the new one works; the card shows only the last 4 characters afterwards', async () => {
    const old = await callbacks.adopt(A.tenantId, callbacks.newKey());
    const renewed = await callbacks.adopt(A.tenantId, callbacks.newKey());
    const oldKey = keyOf(old.url);
    const newKey = keyOf(renewed.url);
    const body = documentedPushBody('req-r');
    assert.equal((await rig.push(body, sign(body, A.clientSecret), oldKey)).status, 404);
    assert.equal((await fetch(`${rig.base}/api/linkedin/push/${oldKey}?challengeCode=abc`)).status, 404);
    assert.equal((await fetch(`${rig.base}/api/linkedin/push/${newKey}?challengeCode=abc`)).status, 200);
    const shown = await callbacks.current(A.tenantId);
    assert.equal(shown.url, undefined);
    assert.equal(shown.masked, `${BASE}/api/linkedin/push/…${newKey.slice(-4)}`);
    assert.equal(await keys.tenantFor(oldKey), undefined);
  });
});

describe('the settings card: callback URL, Connect to LinkedIn, Test connection (Azurite, fake LinkedIn)', function () {
  const azurite = useAzurite();
  const ADMIN: TestUser = { aadObjectId: 'aad-admin', name: 'Adele Vance', tenantId: A.tenantId };
  const MANAGER: TestUser = { aadObjectId: 'aad-manager', name: 'Kari Nordmann', tenantId: A.tenantId, locale: 'nb-NO' };
  let linkedIn: FakeLinkedIn;
  let bot: BotHarness;
  let keys: TablePushKeyStore;

  beforeEach(async () => {
    linkedIn = await new FakeLinkedIn({ clientId: A.clientId, clientSecret: A.clientSecret, organizationId: A.organizationId }).start();
    const [settingsTable, pushKeysTable, conversationsTable] = await freshTables(azurite().connection, 'settings', 'pushkeys', 'conv');
    const settings = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, secretBoxFrom(undefined));
    keys = new TablePushKeyStore(pushKeysTable);
    const stack = await feedStack(azurite().connection, settings, () => new Date());
    bot = new BotHarness({
      jobs: stack.jobs, feed: stack.feed, conversations: new TableConversationStore(conversationsTable), settings, bootstrapAdmins: [ADMIN.aadObjectId], now: () => new Date(),
      callbacks: new CallbackUrls({ keys, publicBaseUrl: () => BASE }),
      linkedInAdmin: new LinkedInClient({ oauthBaseUrl: linkedIn.url, apiBaseUrl: linkedIn.url, timeoutMs: 2000 })
    });
  });

  afterEach(() => linkedIn.stop());

  const saveRsc = async (overrides: Record<string, unknown> = {}) => {
    const opened = await bot.execute(ADMIN, 'settings.open', {});
    const etag = (opened.actions as { verb?: string; data?: { etag?: string } }[]).find((a) => a.verb === 'settings.save')?.data?.etag ?? '';
    return bot.execute(ADMIN, 'settings.save', settingsForm({
      etag, rscClientId: A.clientId, rscClientSecret: A.clientSecret, rscOrganizationId: A.organizationId, rscStatus: 'requested', ...overrides
    }));
  };

  it('turning RSC on gives the tenant its own key: the whole URL once, then only its last 4 characters', async () => {
    const before = cardText(await bot.execute(ADMIN, 'settings.open', {}));
    assert.match(before, /No callback URL yet/);
    const saved = cardText(await saveRsc());
    const key = KEY_IN_URL.exec(saved)?.[1];
    assert.ok(key, `the saved card shows the whole URL:\n${saved}`);
    assert.match(saved, /shown whole this once/);
    assert.equal(await keys.tenantFor(key), A.tenantId);
    const reopened = cardText(await bot.execute(ADMIN, 'settings.open', {}));
    assert.ok(!reopened.includes(key), 'never the whole key again');
    assert.ok(reopened.includes(`${BASE}/api/linkedin/push/…${key.slice(-4)}`));
    for (const button of ['Connect to LinkedIn', 'Test connection', 'New callback URL']) assert.ok(reopened.includes(button), button);
  });

  it('Connect to LinkedIn registers a new URL (CALLBACK_URL, batch_update) with the tenant\'s credentials; a refusal changes nothing', async () => {
    await saveRsc();
    const card = cardText(await bot.execute(ADMIN, 'settings.linkedInConnect', {}));
    assert.match(card, /Connected: LinkedIn now sends/);
    const [registration] = linkedIn.registrations;
    assert.equal(registration.clientId, A.clientId);
    assert.equal(registration.integrationKey, `integrationContext=urn:li:organization:${A.organizationId}&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER&dataProvider=ATS`);
    const key = KEY_IN_URL.exec(registration.callbackUrl)![1];
    assert.ok(card.includes(registration.callbackUrl), 'shown once');
    assert.equal(await keys.tenantFor(key), A.tenantId);
    assert.deepEqual(linkedIn.calls.at(-1), { method: 'PUT', path: linkedIn.calls.at(-1)!.path, version: undefined, protocol: '2.0.0', restliMethod: 'batch_update' });

    linkedIn.registrationFailure = { status: 403, message: 'Not enough permissions to access: atsIntegrations' };
    const refused = cardText(await bot.execute(ADMIN, 'settings.linkedInConnect', {}));
    assert.match(refused, /LinkedIn did not accept the callback URL \(this LinkedIn application may not do that .*“Not enough permissions to access: atsIntegrations”\)\. Nothing was changed/);
    assert.equal(await keys.tenantFor(key), A.tenantId, 'the registered URL still works');
  });

  it('Test connection reports success, or LinkedIn\'s refusal in words; hiring managers are refused', async () => {
    await saveRsc();
    assert.match(cardText(await bot.execute(ADMIN, 'settings.linkedInTest', {})), /LinkedIn accepted the client ID and secret/);
    await saveRsc({ rscClientSecret: 'a-wrong-secret-123' });
    assert.match(cardText(await bot.execute(ADMIN, 'settings.linkedInTest', {})), /LinkedIn refused the connection: the client ID or secret is wrong: “Client authentication failed”/);
    const refused = cardText(await bot.execute(MANAGER, 'settings.linkedInTest', {}));
    assert.doesNotMatch(refused, /LinkedIn (accepted|refused)/);
    const rotateRefused = cardText(await bot.execute(MANAGER, 'settings.callbackRotate', {}));
    assert.doesNotMatch(rotateRefused, /new callback URL was made/i);
  });

  it('New callback URL replaces the old one at once and tells LinkedIn', async () => {
    const first = KEY_IN_URL.exec(cardText(await saveRsc()))![1];
    const card = cardText(await bot.execute(ADMIN, 'settings.callbackRotate', {}));
    assert.match(card, /A new callback URL was made; the previous one no longer works\. LinkedIn was told the new callback URL\./);
    const second = KEY_IN_URL.exec(card)![1];
    assert.notEqual(first, second);
    assert.equal(await keys.tenantFor(first), undefined);
    assert.equal(await keys.tenantFor(second), A.tenantId);
    assert.equal(linkedIn.registrations.at(-1)?.callbackUrl, `${BASE}/api/linkedin/push/${second}`);
    assert.match(cardText(await bot.execute({ ...ADMIN, locale: 'nb-NO' }, 'settings.open', {})), /bare de 4 siste tegnene vises/);
  });
});
