import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBotApp } from '../../src/teams/app';
import { CardUpdates } from '../../src/teams/cardUpdates';
import { createHttpServer } from '../../src/http/server';
import type { TableClient } from '@azure/data-tables';
import type { BotDeps } from '../../src/bot/types';
import { AppError } from '../../src/domain/errors';
import { aesGcmBox, plainBox, type SecretBox } from '../../src/storage/secretBox';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { freshTables, useAzurite } from '../support/azurite';
import { feedStack } from '../support/feedStack';
import { BotHarness, cardOf, cardText, inputIds, type TestUser } from '../support/botHarness';
import { validForm } from '../support/samples';
import { capturingLogger, RecordingNotifier, settingsForm } from '../support/settingsSupport';
import type { AdaptiveCardJson } from '../../src/shared/types';

const TENANT = 'tenant-s';
const ADMIN: TestUser = { aadObjectId: 'aad-admin', name: 'Adele Vance', tenantId: TENANT };
const ADMIN2: TestUser = { aadObjectId: 'aad-admin2', name: 'Megan Bowen', tenantId: TENANT };
const RECRUITER: TestUser = { aadObjectId: 'aad-recruiter', name: 'Alex Wilber', tenantId: TENANT };
const MANAGER: TestUser = { aadObjectId: 'aad-manager', name: 'Kari Nordmann', tenantId: TENANT, locale: 'nb-NO' };
const SECRET = 'li-secret-Zq81x!KEEP-OUT';
const SECOND_SECRET = 'li-secret-second-0042';

/** The etag the Save button carries. */
function saveEtag(card: AdaptiveCardJson): string {
  const save = (card.actions as Array<{ verb?: string; data?: { etag?: string } }>).find((a) => a.verb === 'settings.save');
  assert.ok(save, 'the card has a Save button');
  return save.data?.etag ?? '';
}

describe('settings: roles, the settings card, audit log, secrets (real route table, Azurite)', function () {
  const azurite = useAzurite();
  let settingsTable: TableClient;
  let store: TableSettingsStore;
  let box: SecretBox;
  let deps: BotDeps;
  let bot: BotHarness;
  let logger: ReturnType<typeof capturingLogger>;

  beforeEach(async () => {
    const connection = azurite().connection;
    const [conversationsTable, freshSettingsTable] = await freshTables(connection, 'conv', 'settings');
    settingsTable = freshSettingsTable;
    box = aesGcmBox(randomBytes(32));
    store = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, box);
    const stack = await feedStack(connection, store, () => new Date());
    deps = {
      jobs: stack.jobs,
      feed: stack.feed,
      conversations: new TableConversationStore(conversationsTable),
      settings: store,
      bootstrapAdmins: [ADMIN.aadObjectId],
      now: () => new Date(),
      notifier: new RecordingNotifier()
    };
    logger = capturingLogger();
    bot = new BotHarness(deps, logger);
  });

  async function openSettings(user: TestUser = ADMIN): Promise<AdaptiveCardJson> {
    // (The first message also stores the person's conversation reference, where their display name comes from.)
    const [reply] = await bot.say(user, 'settings');
    const card = cardOf(reply);
    assert.ok(card, `expected the settings card, got ${JSON.stringify(reply)}`);
    return card;
  }

  async function save(overrides: Record<string, unknown>, user: TestUser = ADMIN, harness = bot): Promise<AdaptiveCardJson> {
    const etag = saveEtag(await openSettings(user));
    return harness.execute(user, 'settings.save', { ...settingsForm(overrides), etag });
  }

  /** Everything a person could read back: the raw stored settings row, and all the cards and logs so far. */
  async function settingsRowText(): Promise<string> {
    return JSON.stringify(await settingsTable.getEntity(TENANT, 'settings'));
  }

  describe('roles', () => {
    it('an admin gets the settings card with every field an admin can set', async () => {
      const ids = inputIds(await openSettings());
      for (const field of [
        'companyName', 'companyId', 'publisher', 'publisherUrl', 'posterEmail', 'buildTime', 'timeZone', 'postingEnabled', 'jobWrapping',
        'applyWithLinkedIn', 'postingPolicy', 'rscClientId', 'rscClientSecret', 'rscOrganizationId', 'rscStatus', 'channelId', 'admins', 'recruiters'
      ]) {
        assert.ok(ids.includes(field), `settings card lacks ${field}`);
      }
    });

    it('"innstillinger" works in Norwegian, and a hiring manager is told who the admins are, without a card', async () => {
      await save({ recruiters: RECRUITER.aadObjectId, admins: ADMIN2.aadObjectId });
      const [reply] = await bot.say(MANAGER, 'innstillinger');
      assert.equal(reply.attachments, undefined);
      assert.match(String(reply.text), /Bare administratorer kan endre LinkedIn-innstillingene\. Administratorene deres: .*aad-admin2/);
      assert.match(String(reply.text), /Adele Vance/);
    });

    it('a recruiter is told who the admins are and cannot read the settings history', async () => {
      await save({ recruiters: RECRUITER.aadObjectId });
      assert.match(cardText(await openSettings()), /Always admins \(ADMIN_AAD_IDS of this deployment\): Adele Vance/);
      const [settingsReply] = await bot.say(RECRUITER, 'settings');
      assert.match(String(settingsReply.text), /Only admins can change the LinkedIn settings\. Your admins: Adele Vance/);
      const [historyReply] = await bot.say(RECRUITER, 'settings history');
      assert.match(String(historyReply.text), /Only admins can change the LinkedIn settings; nothing was changed/);
    });

    it('recruiters and admins see everyone\'s jobs; a hiring manager sees only their own', async () => {
      await save({ recruiters: RECRUITER.aadObjectId });
      await bot.execute(MANAGER, 'job.submit', validForm({ title: 'Manager job' }));
      await bot.execute(ADMIN, 'job.submit', validForm({ title: 'Admin job' }));
      const recruiterList = cardText(cardOf((await bot.say(RECRUITER, 'my jobs'))[0]));
      assert.match(recruiterList, /Manager job/);
      assert.match(recruiterList, /Admin job/);
      const managerList = cardText(cardOf((await bot.say(MANAGER, 'my jobs'))[0]));
      assert.match(managerList, /Manager job/);
      assert.doesNotMatch(managerList, /Admin job/);
    });

    for (const [who, user] of [['hiring manager', MANAGER], ['recruiter', RECRUITER]] as const) {
      it(`a forged settings submit from a ${who} is refused: settings and audit log unchanged`, async () => {
        await save({ recruiters: RECRUITER.aadObjectId, companyId: '111' });
        const before = await store.get(TENANT);
        const historyBefore = await store.history(TENANT, 100);
        const card = await bot.execute(user, 'settings.save', {
          ...settingsForm({ companyId: '999', admins: user.aadObjectId, rscClientSecret: 'forged-secret-123' }),
          etag: before.etag
        });
        assert.match(cardText(card), user === MANAGER ? /Bare administratorer/ : /Only admins can change the LinkedIn settings; nothing was changed/);
        const after = await store.get(TENANT);
        assert.equal(after.etag, before.etag);
        assert.equal(after.companyId, '111');
        assert.deepEqual(await store.history(TENANT, 100), historyBefore);
        assert.equal(await store.linkedInCredentials(TENANT), undefined);
      });
    }

    it('an admin added on the card becomes an admin at their next message; a removed recruiter loses the role', async () => {
      await save({ admins: ADMIN2.aadObjectId, recruiters: RECRUITER.aadObjectId });
      assert.ok(inputIds(await openSettings(ADMIN2)).includes('companyId'));
      await save({ admins: ADMIN2.aadObjectId, recruiters: '' }, ADMIN2);
      const [reply] = await bot.say(RECRUITER, 'settings');
      assert.match(String(reply.text), /Only admins/);
      await bot.execute(ADMIN, 'job.submit', validForm({ title: 'Admin job' }));
      const list = cardText(cardOf((await bot.say(RECRUITER, 'my jobs'))[0]));
      assert.doesNotMatch(list, /Admin job/, 'no longer sees everyone\'s jobs');
    });

    it('in a channel an admin is asked to open settings in the 1:1 chat: nobody else sees the card', async () => {
      const [reply] = await bot.send(ADMIN, {
        type: 'message',
        text: 'settings',
        conversation: { id: '19:general@thread.tacv2', tenantId: TENANT, isGroup: true, conversationType: 'channel', name: 'General' }
      });
      assert.equal(reply.attachments, undefined);
      assert.match(String(reply.text), /Settings are shown only in your 1:1 chat with me/);
    });

    it('people can be added by Entra object id typed as text; an email without a directory is an error next to the field', async () => {
      const guid = '0f5c2a1e-1111-4222-8333-944455556666';
      const card = await save({ recruitersAdd: `${guid}, kari@contoso.com` });
      assert.match(cardText(card), /I could not find kari@contoso\.com/);
      assert.equal((await store.get(TENANT)).recruiters.length, 0, 'nothing saved');
      deps.people = { find: async (_tenant, text) => (text === 'kari@contoso.com' ? { aadObjectId: MANAGER.aadObjectId, name: MANAGER.name, email: text } : undefined) };
      bot = new BotHarness(deps, logger);
      await save({ recruitersAdd: `${guid}, kari@contoso.com` });
      assert.deepEqual((await store.get(TENANT)).recruiters.map((p) => p.aadObjectId).sort(), [guid, MANAGER.aadObjectId].sort());
    });
  });

  describe('saving', () => {
    it('a valid save stores the settings over the environment defaults, and says how many changes it recorded', async () => {
      const card = await save({ companyId: '1234567', posterEmail: 'jobs@contoso.com', postingPolicy: 'approval', timeZone: 'Europe/Oslo', buildTime: '03:30' });
      assert.match(cardText(card), /Settings saved: 6 change\(s\) recorded in the audit log/);
      const settings = await store.get(TENANT);
      assert.equal(settings.companyId, '1234567');
      assert.equal(settings.posterEmail, 'jobs@contoso.com');
      assert.equal(settings.postingPolicy, 'approval');
      assert.equal(settings.timeZone, 'Europe/Oslo');
      assert.equal(settings.buildTime, '03:30');
    });

    it('invalid values come back next to their fields with the values kept; nothing is stored or logged in the audit', async () => {
      const card = await save({ companyId: 'contoso', publisherUrl: 'http://x', timeZone: 'Mars/Base', rscStatus: 'enabled' });
      const text = cardText(card);
      assert.match(text, /Please fix the fields marked below\. Nothing was saved\./);
      assert.match(text, /The LinkedIn company ID is a number/);
      assert.match(text, /Enter a full https:\/\/ address/);
      assert.match(text, /Use a time zone name such as Europe\/Oslo/);
      assert.match(text, /Enabled needs the client ID, the client secret and the organization ID/);
      assert.match(JSON.stringify(card), /"id":"companyId","label":"[^"]+","value":"contoso"/);
      assert.equal((await store.get(TENANT)).etag, undefined, 'no settings row');
      assert.deepEqual(await store.history(TENANT, 10), []);
    });

    it('settings history lists who changed which field, old → new, newest first', async () => {
      await save({ companyId: '1234567' });
      await save({ companyId: '7654321' }, ADMIN);
      const [reply] = await bot.say(ADMIN, 'settings history');
      const text = cardText(cardOf(reply));
      assert.match(text, /Adele Vance: LinkedIn company ID\n1234567 → 7654321/);
      assert.match(text, /Adele Vance: LinkedIn company ID\n\(none\) → 1234567/);
      assert.ok(text.indexOf('1234567 → 7654321') < text.indexOf('(none) → 1234567'), 'newest first');
    });

    it('saving without changes writes nothing', async () => {
      await save({ companyId: '1234567' });
      const etag = (await store.get(TENANT)).etag;
      const card = await save({ companyId: '1234567' });
      assert.match(cardText(card), /Nothing changed/);
      assert.equal((await store.get(TENANT)).etag, etag);
    });

    it('two admins saving at once: one wins, the other is told to reload, nothing of theirs is stored', async () => {
      const other = new BotHarness(deps, logger);
      const etag = saveEtag(await openSettings(ADMIN));
      const [first, second] = await Promise.all([
        bot.execute(ADMIN, 'settings.save', { ...settingsForm({ companyId: '111', admins: ADMIN2.aadObjectId }), etag }),
        other.execute(ADMIN, 'settings.save', { ...settingsForm({ companyId: '222', admins: ADMIN2.aadObjectId }), etag })
      ]);
      const texts = [cardText(first), cardText(second)];
      const won = texts.filter((t) => /Settings saved/.test(t));
      const lost = texts.filter((t) => /Another admin saved the settings while you were editing them.*Type settings to reload/.test(t));
      assert.equal(won.length, 1, texts.join('\n---\n'));
      assert.equal(lost.length, 1, texts.join('\n---\n'));
      const winner = won[0] === texts[0] ? '111' : '222';
      assert.equal((await store.get(TENANT)).companyId, winner);
      const companyLines = (await store.history(TENANT, 100)).filter((e) => e.field === 'companyId');
      assert.deepEqual(companyLines.map((e) => e.new), [winner]);
    });

    it('a card opened before another admin saved is refused as stale (no silent overwrite)', async () => {
      await save({ admins: ADMIN2.aadObjectId });
      const stale = saveEtag(await openSettings(ADMIN));
      await save({ companyId: '111', admins: ADMIN2.aadObjectId }, ADMIN2);
      const card = await bot.execute(ADMIN, 'settings.save', { ...settingsForm({ companyId: '333' }), etag: stale });
      assert.match(cardText(card), /Another admin saved the settings/);
      assert.equal((await store.get(TENANT)).companyId, '111');
    });

    it('the store refuses a stale etag with SETTINGS_CONFLICT and changes nothing', async () => {
      await save({ companyId: '111' });
      const current = await store.get(TENANT);
      await save({ companyId: '222' });
      await assert.rejects(
        store.save({ tenantId: TENANT, etag: current.etag, settings: { ...current, companyId: '999' }, changes: [{ field: 'companyId', old: '111', new: '999' }], by: ADMIN, at: new Date() }),
        (error: unknown) => error instanceof AppError && error.code === 'SETTINGS_CONFLICT'
      );
      assert.equal((await store.get(TENANT)).companyId, '222');
    });

    it('the job form is pre-filled with the company name from settings', async () => {
      await save({ companyName: 'Fabrikam AS' });
      const [reply] = await bot.say(MANAGER, 'post job');
      assert.match(JSON.stringify(cardOf(reply)), /"id":"company","label":"[^"]+","value":"Fabrikam AS"/);
    });
  });

  describe('secrets', () => {
    it('the client secret is write-only: not on any card, not in the settings row or the audit, not in a log line', async () => {
      const saved = await save({ rscClientId: 'client42', rscClientSecret: SECRET, rscOrganizationId: '9001', rscStatus: 'enabled' });
      assert.match(cardText(saved), /A client secret was set on .* by Adele Vance/);
      const cards = [saved, await openSettings(), cardOf((await bot.say(ADMIN, 'settings history'))[0])!];
      const history = cardText(cards[2]);
      assert.match(history, /LinkedIn client secret\nchanged/);
      // Errors on a later save do not echo a typed secret either.
      cards.push(await save({ companyId: 'x', rscClientSecret: SECOND_SECRET }));
      for (const card of cards) {
        assert.doesNotMatch(JSON.stringify(card), /li-secret/);
      }
      assert.doesNotMatch(await settingsRowText(), /li-secret/);
      const rows: string[] = [];
      for await (const row of settingsTable.listEntities()) rows.push(JSON.stringify(row));
      assert.doesNotMatch(rows.join('\n'), /li-secret/, 'sealed at rest with SETTINGS_ENCRYPTION_KEY');
      assert.doesNotMatch(logger.lines.join('\n'), /li-secret/);
      assert.deepEqual(await store.linkedInCredentials(TENANT), { clientId: 'client42', clientSecret: SECRET });
    });

    it('no HTTP route gives it back: the settings card through POST /api/messages (invoke response) and /healthz', async () => {
      await save({ rscClientId: 'client42', rscClientSecret: SECRET });
      const adapter = new TeamsAdapter({});
      const app = createBotApp(adapter, '', deps, logger, new CardUpdates(logger));
      const server = createHttpServer({
        processActivity: (req, res) => adapter.process(req, res, (context) => app.run(context).then(() => undefined)),
        storageHealthy: async () => true,
        maxBodyBytes: 256 * 1024,
        logger
      });
      // Teams' side: teams-ai replaces the card for everyone through the connector, so answer its update call.
      const connector = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"a1"}');
      });
      await new Promise<void>((done) => void server.listen(0, '127.0.0.1', done));
      await new Promise<void>((done) => connector.listen(0, '127.0.0.1', done));
      try {
        const base = `http://127.0.0.1:${server.address().port}`;
        const invoke = {
          type: 'invoke',
          name: 'adaptiveCard/action',
          id: 'a1',
          channelId: 'msteams',
          serviceUrl: `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`,
          replyToId: 'card-1',
          from: { id: `29:${ADMIN.aadObjectId}`, aadObjectId: ADMIN.aadObjectId, name: ADMIN.name },
          recipient: { id: 'bot' },
          conversation: { id: 'a:admin', tenantId: TENANT, conversationType: 'personal' },
          value: { action: { type: 'Action.Execute', verb: 'settings.open', data: {} } }
        };
        const response = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(invoke) });
        const body = await response.text();
        assert.equal(response.status, 200, body + logger.lines.slice(-3).join("\n"));
        assert.match(body, /LinkedIn client secret \(write-only\)/, 'the settings card came back over HTTP');
        assert.doesNotMatch(body, /li-secret/);
        assert.doesNotMatch(await (await fetch(`${base}/healthz`)).text(), /li-secret/);
      } finally {
        server.close();
        connector.close();
      }
      assert.doesNotMatch(logger.lines.join('\n'), /li-secret/);
    });

    it('a secret is replaceable, and each replacement is an audit line "changed"', async () => {
      await save({ rscClientId: 'client42', rscClientSecret: SECRET });
      await save({ rscClientId: 'client42', rscClientSecret: SECOND_SECRET });
      assert.deepEqual(await store.linkedInCredentials(TENANT), { clientId: 'client42', clientSecret: SECOND_SECRET });
      const secretLines = (await store.history(TENANT, 100)).filter((e) => e.field === 'rsc.clientSecret');
      assert.equal(secretLines.length, 2);
      assert.ok(secretLines.every((e) => e.secret && e.old === '' && e.new === ''));
      // Leaving the field blank keeps it.
      await save({ rscClientId: 'client42', companyId: '5' });
      assert.equal((await store.linkedInCredentials(TENANT))?.clientSecret, SECOND_SECRET);
    });

    it('a sealed secret does not open for another tenant, nor with another key', async () => {
      await save({ rscClientId: 'client42', rscClientSecret: SECRET });
      const row = await settingsTable.getEntity<{ clientSecret: string }>(TENANT, 'secret');
      assert.throws(() => box.open(row.clientSecret, 'another-tenant'));
      assert.throws(() => aesGcmBox(randomBytes(32)).open(row.clientSecret, TENANT));
    });

    it('without SETTINGS_ENCRYPTION_KEY the secret lives only in its own row, never in the settings row', async () => {
      store = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, plainBox);
      bot = new BotHarness({ ...deps, settings: store }, logger);
      await save({ rscClientId: 'client42', rscClientSecret: SECRET });
      assert.doesNotMatch(await settingsRowText(), /li-secret/);
      assert.equal((await store.linkedInCredentials(TENANT))?.clientSecret, SECRET);
    });

    it('LINKEDIN_CLIENT_ID/SECRET are the fallback until a tenant stores its own', async () => {
      store = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, box, {
        clientId: 'env-client',
        clientSecret: 'env-secret-value'
      });
      bot = new BotHarness({ ...deps, settings: store }, logger);
      assert.deepEqual(await store.linkedInCredentials(TENANT), { clientId: 'env-client', clientSecret: 'env-secret-value' });
      await save({ rscClientId: 'client42', rscClientSecret: SECRET });
      assert.deepEqual(await store.linkedInCredentials(TENANT), { clientId: 'client42', clientSecret: SECRET });
      assert.doesNotMatch(JSON.stringify(await openSettings()), /env-secret-value/);
    });
  });
});
