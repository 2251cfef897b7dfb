/**
 * The settings card's channel list: the team references the bot stored (Azurite), each team's channels read from a
 * local Bot Connector (GET /v3/teams/{id} and /v3/teams/{id}/conversations, as Teams answers them), the pick validated
 * on the server, and a hello for a new channel.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { BotDeps } from '../../src/bot/types';
import { silentLogger } from '../../src/logger';
import { TeamsChannelDirectory } from '../../src/teams/teamChannels';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { plainBox } from '../../src/storage/secretBox';
import { freshTables, useAzurite } from '../support/azurite';
import { feedStack } from '../support/feedStack';
import { BotHarness, cardOf, cardText } from '../support/botHarness';
import { RecordingNotifier, settingsForm } from '../support/settingsSupport';
import type { AdaptiveCardJson } from '../../src/shared/types';

const TENANT = 'tenant-channels';
const ADMIN = { aadObjectId: 'aad-ada', name: 'Ada Admin', tenantId: TENANT };
const TEAM = '19:team-recruiting@thread.tacv2';
const CANDIDATES = '19:candidates@thread.tacv2';
const OTHER_TEAM = '19:team-elsewhere@thread.tacv2';
const OTHER_CHANNEL = '19:elsewhere-general@thread.tacv2';
/** A team whose channel list never comes (Teams hanging). */
const SLOW_TEAM = '19:team-slow@thread.tacv2';

/** Teams' answers for the teams the bot is in: the General channel comes without a name. */
function fakeTeamsConnector(): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const teams: Record<string, { name: string; channels: { id: string; name?: string }[] }> = {
    [TEAM]: { name: 'Recruiting', channels: [{ id: TEAM }, { id: CANDIDATES, name: 'Candidates' }] },
    [OTHER_TEAM]: { name: 'Elsewhere', channels: [{ id: OTHER_CHANNEL }] }
  };
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const match = decodeURIComponent(req.url ?? '').match(/^\/v3\/teams\/([^/]+)(\/conversations)?$/);
    if (match?.[1] === SLOW_TEAM) return;
    const team = match ? teams[match[1]] : undefined;
    res.setHeader('content-type', 'application/json');
    if (!team) return void res.writeHead(404).end('{}');
    res.end(JSON.stringify(match![2] ? { conversations: team.channels } : { id: match![1], name: team.name }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, requests })));
}

function teamReference(serviceUrl: string, tenantId: string, teamId: string): Record<string, unknown> {
  return { serviceUrl, channelId: 'msteams', conversation: { id: teamId, tenantId, conversationType: 'channel', isGroup: true }, bot: { id: '28:bot' } };
}

describe('settings: the notification channel picked from the teams the bot is in (Azurite, local Bot Connector)', function () {
  const azurite = useAzurite();
  let connector: Awaited<ReturnType<typeof fakeTeamsConnector>>;
  let store: TableSettingsStore;
  let notifier: RecordingNotifier;
  let bot: BotHarness;
  let conversations: TableConversationStore;

  before(async () => {
    connector = await fakeTeamsConnector();
  });
  after(() => {
    connector.server.closeAllConnections();
    connector.server.close();
  });

  beforeEach(async () => {
    const connection = azurite().connection;
    const [conversationsTable, settingsTable] = await freshTables(connection, 'conv', 'settings');
    conversations = new TableConversationStore(conversationsTable);
    const saveRow = (tenantId: string, id: string, teamId: string) =>
      conversations.save({ tenantId, aadObjectId: id, reference: teamReference(connector.url, tenantId, teamId), language: 'en', active: true, updatedAt: new Date().toISOString() });
    await saveRow(TENANT, `team:${TEAM}`, TEAM);
    await saveRow(TENANT, `channel:${TEAM}`, TEAM);
    // Another tenant's team: never offered here, never accepted from a forged card.
    await saveRow('tenant-other', `team:${OTHER_TEAM}`, OTHER_TEAM);
    store = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, plainBox);
    notifier = new RecordingNotifier();
    const adapter = new TeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
    const deps: BotDeps = {
      jobs: (await feedStack(connection, store, () => new Date())).jobs,
      feed: (await feedStack(connection, store, () => new Date())).feed,
      conversations,
      settings: store,
      bootstrapAdmins: [ADMIN.aadObjectId],
      now: () => new Date(),
      notifier,
      teamChannels: new TeamsChannelDirectory(adapter, '', conversations, silentLogger)
    };
    bot = new BotHarness(deps);
  });

  async function openSettings(): Promise<AdaptiveCardJson> {
    // A slow card is preceded by typing indicators.
    const card = cardOf((await bot.say(ADMIN, 'settings')).find((reply) => reply.attachments?.length));
    assert.ok(card);
    return card;
  }
  const etagOf = (card: AdaptiveCardJson) => (card.actions as { verb?: string; data?: { etag?: string } }[]).find((a) => a.verb === 'settings.save')?.data?.etag ?? '';
  const pickedForm = (pick: string) => {
    const { channelId: _id, channelName: _name, ...rest } = settingsForm();
    return { ...rest, channelPick: pick };
  };

  it('the card lists the channels of the tenant\'s teams by name, with no pasted id field', async () => {
    const card = await openSettings();
    const text = cardText(card);
    assert.match(text, /Recruiting › General/);
    assert.match(text, /Recruiting › Candidates/);
    assert.match(text, /No channel/);
    assert.doesNotMatch(text, /Elsewhere/, 'another tenant\'s team is not offered');
    assert.doesNotMatch(JSON.stringify(card), /"id":"channelId"/);
  });

  it('choosing a channel stores it with its team and name, and says hello there once', async () => {
    const card = await openSettings();
    const saved = await bot.execute(ADMIN, 'settings.save', { ...pickedForm(CANDIDATES), etag: etagOf(card) });
    assert.match(cardText(saved), /Settings saved/);
    assert.deepEqual((await store.get(TENANT)).notificationChannel, { channelId: CANDIDATES, teamId: TEAM, name: 'Recruiting › Candidates' });
    const hellos = notifier.all().filter((n) => n.key.startsWith('channel-hello:'));
    assert.equal(hellos.length, 1);
    assert.deepEqual(hellos[0].to, { kind: 'channel', channelId: CANDIDATES, teamId: TEAM });
    assert.deepEqual(hellos[0].message, { kind: 'notice', data: { key: 'channelHello.text', params: { name: 'Ada Admin' } } });

    // Saved again with the same channel: no second hello; the card shows it picked.
    const again = await openSettings();
    assert.match(JSON.stringify(again), new RegExp(`"id":"channelPick"[^}]*"value":"${CANDIDATES.replace(/[.]/g, '\\.')}"`));
    await bot.execute(ADMIN, 'settings.save', { ...pickedForm(CANDIDATES), companyName: 'Contoso AS', etag: etagOf(again) });
    assert.equal(notifier.all().filter((n) => n.key.startsWith('channel-hello:')).length, 1);
  });

  it('a forged pick of a channel the tenant does not have is refused next to the field; nothing is stored', async () => {
    const card = await openSettings();
    const refused = await bot.execute(ADMIN, 'settings.save', { ...pickedForm(OTHER_CHANNEL), etag: etagOf(card) });
    assert.match(cardText(refused), /Pick one of the listed channels/);
    assert.equal((await store.get(TENANT)).notificationChannel, undefined);
    assert.equal(notifier.all().length, 0);
  });

  it('a team whose channels do not come in time is left out; the card still lists the others', async function () {
    this.timeout(20000);
    await conversations.save({ tenantId: TENANT, aadObjectId: `team:${SLOW_TEAM}`, reference: teamReference(connector.url, TENANT, SLOW_TEAM), language: 'en', active: true, updatedAt: new Date().toISOString() });
    const started = Date.now();
    const text = cardText(await openSettings());
    assert.match(text, /Recruiting › Candidates/);
    assert.ok(Date.now() - started < 10000, 'the card did not wait for the slow team');
  });

  it('"No channel" clears it', async () => {
    await bot.execute(ADMIN, 'settings.save', { ...pickedForm(CANDIDATES), etag: etagOf(await openSettings()) });
    await bot.execute(ADMIN, 'settings.save', { ...pickedForm('none'), etag: etagOf(await openSettings()) });
    assert.equal((await store.get(TENANT)).notificationChannel, undefined);
  });
});
