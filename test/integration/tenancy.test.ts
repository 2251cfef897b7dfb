import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import { ActivityTypes } from 'botbuilder';
import { bootstrapAdminsFor, envLinkedInCredentials, parseConfig, settingsDefaults, tenancyOf } from '../../src/config';
import type { LinkedInFeed } from '../../src/feed/linkedInFeed';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableFeedTokenStore } from '../../src/storage/feedTokenStore';
import { plainBox } from '../../src/storage/secretBox';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import type { TableJobStore } from '../../src/storage/tableJobStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardOf, cardText, type TestUser } from '../support/botHarness';
import { feedStack } from '../support/feedStack';
import { validForm } from '../support/samples';
import { capturingLogger } from '../support/settingsSupport';

const OURS = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const THEIRS = 'b3c0ffee-0000-4000-8000-00000000beef';
const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';
const ADA: TestUser = { aadObjectId: 'aad-ada', name: 'Ada Admin', tenantId: OURS };
const ALEX: TestUser = { aadObjectId: 'aad-alex', name: 'Alex Wilber', tenantId: OURS };
/** Someone in another organization (with the same object id as our admin, to show ids alone grant nothing there). */
const STRANGER: TestUser = { aadObjectId: ADA.aadObjectId, name: 'Ada Elsewhere', tenantId: THEIRS };
const BOT_ID = '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21';
/** A deployment with authentication on, in our tenant, with Ada as its first admin. */
const DEPLOYED = { BOT_ID, BOT_PASSWORD: 'x', BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: OURS, ADMIN_AAD_IDS: ADA.aadObjectId };

/** What the bot answered, without the typing indicator teams-ai may send during a slow turn. */
async function say(harness: BotHarness, user: TestUser, text: string) {
  return (await harness.say(user, text)).filter((activity) => activity.type !== 'typing');
}

describe('tenancy: who the bot serves, and whose the environment settings are (Azurite)', function () {
  const azurite = useAzurite();
  let conversationsTable: TableClient;
  let conversations: TableConversationStore;
  let jobs: TableJobStore;
  let feed: LinkedInFeed;
  let logger: ReturnType<typeof capturingLogger>;

  /** The bot as src/index.ts wires it for this environment: tenancy, scoped defaults and admins, settings in Azurite. */
  async function bot(env: Record<string, string>): Promise<BotHarness> {
    const config = parseConfig(env);
    let settingsTable: TableClient;
    [conversationsTable, settingsTable] = await freshTables(azurite().connection, 'conv', 'settings');
    conversations = new TableConversationStore(conversationsTable);
    const settings = new TableSettingsStore(settingsTable, settingsDefaults(config), plainBox, envLinkedInCredentials(config));
    ({ jobs, feed } = await feedStack(azurite().connection, settings, () => new Date()));
    logger = capturingLogger();
    return new BotHarness({ jobs, feed, conversations, settings, bootstrapAdmins: config.ADMIN_AAD_IDS, tenancy: tenancyOf(config), now: () => new Date() }, logger);
  }

  async function storedConversations(): Promise<unknown[]> {
    const rows: unknown[] = [];
    for await (const row of conversationsTable.listEntities()) rows.push(row);
    return rows;
  }

  describe('with BOT_ID set', () => {
    const tenancy = DEPLOYED;

    it('an activity from another channel is answered with no action, stores nothing, and is logged', async () => {
      const harness = await bot(tenancy);
      const replies = await harness.send(ALEX, { type: ActivityTypes.Message, text: 'my jobs', channelId: 'webchat' });
      assert.deepEqual(replies, []);
      assert.deepEqual(await storedConversations(), []);
      assert.ok(logger.lines.some((line) => /activity not served/.test(line) && /not_teams/.test(line)), logger.lines.join('\n'));
    });

    it('an activity without a tenant id is never mapped into a shared default tenant', async () => {
      const harness = await bot(tenancy);
      const noTenant = { conversation: { id: 'a:alex', isGroup: false, conversationType: 'personal', name: '' } };
      assert.deepEqual(await harness.send(ALEX, { type: ActivityTypes.Message, text: 'my jobs', ...noTenant }), []);
      const invoke = await harness.send(ALEX, {
        type: ActivityTypes.Invoke,
        name: 'adaptiveCard/action',
        replyToId: 'card-1',
        value: { action: { type: 'Action.Execute', verb: 'job.submit', data: validForm() } },
        ...noTenant
      });
      assert.deepEqual(invoke.map((a) => [a.type, (a.value as { status?: number })?.status]), [['invokeResponse', 200]]);
      assert.equal((await jobs.list({ tenantId: 'default', pageSize: 10 })).jobs.length, 0);
      assert.deepEqual(await storedConversations(), []);
      assert.ok(logger.lines.some((line) => /no_tenant/.test(line)));
    });

    it('ADMIN_AAD_IDS are admins in the deployment tenant only', async () => {
      const harness = await bot(tenancy);
      const ours = await say(harness, ADA, 'build feed now');
      assert.ok(cardOf(ours[0]), `the admin gets the build card, not ${JSON.stringify(ours)}`);
      const [theirs] = await say(harness, STRANGER, 'build feed now');
      assert.match(String(theirs.text), /Only admins can build the feed/);
      const [settings] = await say(harness, STRANGER, 'settings');
      assert.equal(cardOf(settings), undefined, 'no settings card for a stranger');
    });
  });

  describe('ALLOWED_TENANT_IDS', () => {
    const tenancy = { ...DEPLOYED, ALLOWED_TENANT_IDS: `${OURS.toUpperCase()}, ${PLAYGROUND_TENANT}` };

    it('another tenant gets a polite refusal, in English or Norwegian, and nothing is stored', async () => {
      const harness = await bot(tenancy);
      const [english] = await say(harness, STRANGER, 'post job to LinkedIn');
      assert.match(String(english.text), /not available to your organization/);
      const [norwegian] = await say(harness, { ...STRANGER, locale: 'nb-NO' }, 'ny jobb');
      assert.match(String(norwegian.text), /ikke tilgjengelig for organisasjonen din/);
      const card = await harness.execute(STRANGER, 'job.submit', validForm());
      assert.match(cardText(card), /not available to your organization/);
      assert.equal((await jobs.list({ tenantId: THEIRS, pageSize: 10 })).jobs.length, 0);
      await harness.send(STRANGER, { type: ActivityTypes.InstallationUpdate, action: 'add' });
      assert.deepEqual(await storedConversations(), []);
      assert.equal(await conversations.get(THEIRS, STRANGER.aadObjectId), undefined);
    });

    it('the allowed tenant is served (ids compared without regard to case)', async () => {
      const harness = await bot(tenancy);
      const [reply] = await say(harness, ALEX, 'my jobs');
      assert.ok(cardOf(reply));
      assert.equal((await storedConversations()).length, 1);
    });
  });

  describe('local mode (no BOT_ID, no deployment tenant)', () => {
    it("the environment's admins are the Agents Playground's, as env/.env.local says", async () => {
      const config = parseConfig({ ADMIN_AAD_IDS: '00000000-0000-0000-0000-0000000000020', LINKEDIN_COMPANY_ID: '1234567' });
      assert.deepEqual(bootstrapAdminsFor(config)(PLAYGROUND_TENANT), ['00000000-0000-0000-0000-0000000000020']);
      assert.equal(settingsDefaults(config)(PLAYGROUND_TENANT).companyId, '1234567');
      const harness = await bot({ ADMIN_AAD_IDS: '00000000-0000-0000-0000-0000000000020' });
      const replies = await say(harness, { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber', tenantId: PLAYGROUND_TENANT }, 'build feed now');
      assert.ok(cardOf(replies[0]), JSON.stringify(replies));
    });
  });

  describe('settings from the environment belong to the deployment tenant', () => {
    const config = parseConfig({
      BOT_ID,
      BOT_PASSWORD: 'x',
      BOT_TYPE: 'SingleTenant',
      BOT_TENANT_ID: OURS,
      ADMIN_AAD_IDS: ADA.aadObjectId,
      LINKEDIN_COMPANY_NAME: 'Contoso',
      LINKEDIN_COMPANY_ID: '1234567',
      LINKEDIN_POSTER_EMAIL: 'jobs@contoso.com',
      LINKEDIN_PUBLISHER: 'Contoso',
      LINKEDIN_CLIENT_ID: 'env-client',
      LINKEDIN_CLIENT_SECRET: 'env-secret'
    });

    it('the LinkedIn identity, admins and client credentials fill no other tenant', () => {
      const theirs = settingsDefaults(config)(THEIRS);
      assert.deepEqual([theirs.companyName, theirs.companyId, theirs.posterEmail, theirs.publisher], [undefined, undefined, undefined, undefined]);
      assert.deepEqual(theirs.bootstrapAdmins, []);
      assert.deepEqual(bootstrapAdminsFor(config)(THEIRS), []);
      assert.equal(envLinkedInCredentials(config)(THEIRS), undefined);
      const ours = settingsDefaults(config)(OURS);
      assert.equal(ours.companyId, '1234567');
      assert.deepEqual(envLinkedInCredentials(config)(OURS), { clientId: 'env-client', clientSecret: 'env-secret' });
      // LINKEDIN_TENANT_ID wins over BOT_TENANT_ID.
      const other = parseConfig({ BOT_TENANT_ID: OURS, LINKEDIN_TENANT_ID: THEIRS, ADMIN_AAD_IDS: 'x' });
      assert.deepEqual(bootstrapAdminsFor(other)(THEIRS), ['x']);
      assert.deepEqual(bootstrapAdminsFor(other)(OURS), []);
    });

    it('with BOT_ID but no deployment tenant, they apply to no tenant', () => {
      const unscoped = parseConfig({ BOT_ID, BOT_PASSWORD: 'x', ADMIN_AAD_IDS: 'x', LINKEDIN_COMPANY_ID: '1' });
      assert.deepEqual(bootstrapAdminsFor(unscoped)(OURS), []);
      assert.equal(settingsDefaults(unscoped)(OURS).companyId, undefined);
    });
  });

  describe('LINKEDIN_FEED_TOKEN', () => {
    const CONFIGURED = 'configured-token-0123456789abcdef';
    const CHANGED = 'changed-token-0123456789abcdefgh';
    let table: TableClient;

    beforeEach(async () => {
      [table] = await freshTables(azurite().connection, 'tok');
    });

    it("is the deployment tenant's, even when a stranger asks first", async () => {
      const tokens = new TableFeedTokenStore(table, { token: CONFIGURED, tenantId: OURS });
      const strangers = await tokens.tokenFor(THEIRS);
      assert.notEqual(strangers, CONFIGURED);
      assert.equal(await tokens.tokenFor(OURS), CONFIGURED);
      assert.equal(await tokens.tenantFor(CONFIGURED), OURS);
      assert.equal(await tokens.tenantFor(strangers), THEIRS);
    });

    it('a token an older version gave to a stranger goes back to the deployment tenant', async () => {
      const before = new TableFeedTokenStore(table, CONFIGURED);
      assert.equal(await before.tokenFor(THEIRS), CONFIGURED);
      const after = new TableFeedTokenStore(table, { token: CONFIGURED, tenantId: OURS });
      assert.equal(await after.tenantFor(CONFIGURED), OURS);
      assert.notEqual(await after.tokenFor(THEIRS), CONFIGURED);
      assert.equal(await after.tokenFor(OURS), CONFIGURED);
    });

    it('changing it rotates the URL: the new token serves, the old one answers 404', async () => {
      const before = new TableFeedTokenStore(table, { token: CONFIGURED, tenantId: OURS });
      assert.equal(await before.tokenFor(OURS), CONFIGURED);
      const after = new TableFeedTokenStore(table, { token: CHANGED, tenantId: OURS });
      assert.equal(await after.tenantFor(CONFIGURED), undefined, 'dead at once, before anyone asks for the URL');
      assert.equal(await after.tenantFor(CHANGED), OURS);
      assert.equal(await after.tokenFor(OURS), CHANGED);
      assert.equal(await after.tenantFor(CONFIGURED), undefined);
    });

    it('changing it rotates the URL in local mode too', async () => {
      const before = new TableFeedTokenStore(table, CONFIGURED);
      assert.equal(await before.tokenFor(PLAYGROUND_TENANT), CONFIGURED);
      const after = new TableFeedTokenStore(table, CHANGED);
      assert.equal(await after.tokenFor(PLAYGROUND_TENANT), CHANGED);
      assert.equal(await after.tenantFor(CHANGED), PLAYGROUND_TENANT);
      assert.equal(await after.tenantFor(CONFIGURED), undefined);
    });

    it('a token the environment sets is not rotated from the card; a random one is', async () => {
      const tokens = new TableFeedTokenStore(table, { token: CONFIGURED, tenantId: OURS });
      await tokens.tokenFor(OURS);
      assert.equal(await tokens.rotate(OURS), undefined);
      const old = await tokens.tokenFor(THEIRS);
      const rotated = await tokens.rotate(THEIRS);
      assert.ok(rotated && rotated !== old);
      assert.equal(await tokens.tenantFor(old), undefined);
      assert.equal(await tokens.tenantFor(rotated), THEIRS);
      assert.equal(await tokens.tokenFor(THEIRS), rotated);
    });
  });

  describe('"New feed URL" on the settings card', () => {
    const tenancy = DEPLOYED;

    it('gives an admin a new URL at once; the old one stops working', async () => {
      const harness = await bot(tenancy);
      const before = (await feed.status(OURS)).feedUrl;
      const card = cardText(await harness.execute(ADA, 'settings.rotateFeed', {}));
      const url = card.match(/New feed URL: (\S+)/)?.[1];
      assert.ok(url && url !== before, card);
      const token = (u: string) => u.match(/\/feeds\/linkedin\/([^/]+)\.xml$/)![1];
      assert.equal(await feed.tenantForToken(token(before)), undefined);
      assert.equal(await feed.tenantForToken(token(url)), OURS);
    });

    it('a hiring manager (or a stranger with an admin id) pressing a forged button changes nothing', async () => {
      const harness = await bot(tenancy);
      const before = (await feed.status(OURS)).feedUrl;
      const refused = cardText(await harness.execute(ALEX, 'settings.rotateFeed', {}));
      assert.doesNotMatch(refused, /New feed URL:/);
      assert.equal((await feed.status(OURS)).feedUrl, before);
      const theirsBefore = (await feed.status(THEIRS)).feedUrl;
      const stranger = cardText(await harness.execute(STRANGER, 'settings.rotateFeed', {}));
      assert.doesNotMatch(stranger, /New feed URL:/);
      assert.equal((await feed.status(THEIRS)).feedUrl, theirsBefore);
    });
  });
});
