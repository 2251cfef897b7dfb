/**
 * "Share a job" end to end: the real bot process on Azurite answers the `composeExtension/query` and
 * `composeExtension/selectItem` invokes Teams sends from the compose box. The first suite posts them to the bot's HTTP
 * route /api/messages as Teams does (the Agents Playground sends no `selectItem`); the second has the Agents Playground
 * build and send the query itself, through its conversation API, and read the bot's answer.
 */
import assert from 'node:assert/strict';
import { createJob, validateJobInput, type Author } from '../../src/domain/job';
import { SETTINGS_TABLE, TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { JOBS_TABLE, TableJobStore } from '../../src/storage/tableJobStore';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { secretBoxFrom } from '../../src/storage/secretBox';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/storage/azurite';
import { startBot, tempDir, type BotHandle } from '../support/botProcess';
import { cardText } from '../support/botHarness';
import { validForm } from '../support/samples';
import { PLAYGROUND_USER_AAD_ID, usePlaygroundStack } from '../support/e2eStack';
import type { AdaptiveCardJson } from '../../src/shared/types';

const TENANT = 'tenant-share';
const RITA: Author = { tenantId: TENANT, aadObjectId: 'aad-rita', name: 'Rita Recruiter' };
const HANNA: Author = { tenantId: TENANT, aadObjectId: 'aad-hanna', name: 'Hanna Hiring' };
const MEGAN: Author = { tenantId: TENANT, aadObjectId: 'aad-megan', name: 'Megan Bowen' };

interface ExtensionAnswer {
  composeExtension: {
    type: string;
    text?: string;
    attachments?: { contentType: string; content: AdaptiveCardJson; preview?: { content: { title: string; text: string; tap?: { value: { jobId: string } } } } }[];
  };
}

const titles = (answer: ExtensionAnswer) => (answer.composeExtension.attachments ?? []).map((a) => a.preview?.content.title).sort();

describe('e2e: share a job from the compose box (message extension, real bot process over HTTP)', function () {
  this.timeout(120000);
  let azurite: EmbeddedAzurite;
  let bot: BotHandle;
  const ids: Record<string, string> = {};

  before(async () => {
    azurite = await startEmbeddedAzurite({ location: tempDir('share-azurite-'), inMemory: true });
    const settingsTable = tableClient(azurite.connection, SETTINGS_TABLE);
    const jobsTable = tableClient(azurite.connection, JOBS_TABLE);
    await Promise.all([ensureTable(settingsTable), ensureTable(jobsTable)]);
    const settings = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }, secretBoxFrom(undefined));
    const current = await settings.get(TENANT);
    const { tenantId: _t, etag: _e, updatedAt: _u, ...stored } = { ...current, recruiters: [{ aadObjectId: RITA.aadObjectId, name: RITA.name }] };
    await settings.save({ tenantId: TENANT, settings: stored, changes: [], by: RITA, at: new Date() });
    const jobs = new TableJobStore(jobsTable);
    const add = async (author: Author, form: Record<string, unknown>) => {
      const input = validateJobInput(validForm(form));
      assert.ok(input.ok);
      return (await jobs.create(createJob(input.value, author))).id;
    };
    ids.data = await add(HANNA, { title: 'Data Engineer', city: 'Oslo', applyUrl: 'https://careers.contoso.com/jobs/data' });
    ids.frontend = await add(MEGAN, { title: 'Frontend Developer', city: 'Bergen', applyUrl: 'https://careers.contoso.com/jobs/frontend' });
    const closed = await jobs.get(TENANT, await add(MEGAN, { title: 'Closed Engineer', city: 'Oslo' }));
    await jobs.update({ ...closed!, state: 'closed', closedAt: new Date().toISOString() });
    bot = await startBot({ env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connection.connectionString } });
  });

  after(async () => {
    await bot?.stop();
    await azurite?.stop();
  });

  async function invoke(who: Author, name: string, value: Record<string, unknown>, tenantId = who.tenantId): Promise<{ status: number; body: ExtensionAnswer }> {
    const activity = {
      type: 'invoke',
      name,
      id: `inv-${Math.random().toString(36).slice(2)}`,
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      locale: 'en-US',
      from: { id: `29:${who.aadObjectId}`, aadObjectId: who.aadObjectId, name: who.name },
      recipient: { id: '28:bot', name: 'LinkedIn Jobs' },
      conversation: { id: '19:groupchat-share@thread.v2', tenantId, conversationType: 'groupChat', isGroup: true },
      channelData: { tenant: { id: tenantId } },
      value
    };
    const response = await fetch(bot.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    return { status: response.status, body: (await response.json()) as ExtensionAnswer };
  }

  const query = (who: Author, text?: string, tenantId?: string) =>
    invoke(who, 'composeExtension/query', {
      commandId: 'shareJob',
      parameters: [text === undefined ? { name: 'initialRun', value: 'true' } : { name: 'query', value: text }],
      queryOptions: { skip: 0, count: 25 }
    }, tenantId);
  
  it('a recruiter searches the tenant\'s open jobs by title or location and inserts the job card', async () => {
    const opening = await query(RITA);
    assert.equal(opening.status, 200);
    assert.deepEqual(titles(opening.body), ['Data Engineer', 'Frontend Developer'], 'the first run lists every open job, not the closed one');
    assert.deepEqual(titles((await query(RITA, 'oslo')).body), ['Data Engineer']);
    assert.deepEqual(titles((await query(RITA, 'frontend')).body), ['Frontend Developer']);

    const [result] = (await query(RITA, 'data engineer')).body.composeExtension.attachments!;
    assert.equal(result.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.match(result.preview!.content.text, /Oslo/);
    const text = cardText(result.content);
    for (const expected of ['Data Engineer', 'Oslo', 'View and apply', 'Refer someone']) assert.ok(text.includes(expected), `${expected} in:\n${text}`);
    const refer = (result.content.actions as { type: string; title: string; url: string }[]).find((a) => a.title === 'Refer someone');
    assert.deepEqual([refer?.type, refer?.url], ['Action.OpenUrl', 'https://careers.contoso.com/jobs/data']);

    const picked = await invoke(RITA, 'composeExtension/selectItem', result.preview!.content.tap!.value);
    assert.equal(picked.status, 200);
    assert.match(cardText(picked.body.composeExtension.attachments![0].content), /Data Engineer/);
  });

  it('a hiring manager finds only their own jobs, and cannot insert a colleague\'s', async () => {
    assert.deepEqual(titles((await query(HANNA)).body), ['Data Engineer']);
    assert.deepEqual(titles((await query(HANNA, 'bergen')).body), []);
    const refused = await invoke(HANNA, 'composeExtension/selectItem', { jobId: ids.frontend });
    assert.equal(refused.body.composeExtension.type, 'message');
    assert.match(refused.body.composeExtension.text!, /closed or no longer yours/);
  });

  it('another tenant finds none of these jobs', async () => {
    const stranger: Author = { tenantId: 'tenant-elsewhere', aadObjectId: 'aad-rita', name: 'Rita Recruiter' };
    assert.deepEqual(titles((await query(stranger)).body), []);
    assert.equal((await invoke(stranger, 'composeExtension/selectItem', { jobId: ids.data })).body.composeExtension.type, 'message');
  });
});

/**
 * The same search driven by the Agents Playground: its conversation API builds the `composeExtension/query` invoke
 * itself (its tenant, Alex Wilber, its group chat, `channelData.source: compose`), sends it to the bot and answers with
 * the bot's invoke response, as its compose-box extension panel does. Alex is no recruiter here: he finds only his jobs.
 */
describe('e2e: share a job, the query sent by the Agents Playground', function () {
  this.timeout(180000);
  const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';
  const stack = usePlaygroundStack({ name: 'share-job', browser: false });

  it('Alex, a hiring manager, finds his own open job by location, not a colleague\'s', async () => {
    const jobsTable = tableClient(stack.azurite.connection, JOBS_TABLE);
    await ensureTable(jobsTable);
    const jobs = new TableJobStore(jobsTable);
    const add = async (author: Author, form: Record<string, unknown>) => {
      const input = validateJobInput(validForm(form));
      assert.ok(input.ok);
      await jobs.create(createJob(input.value, author));
    };
    await add({ tenantId: PLAYGROUND_TENANT, aadObjectId: PLAYGROUND_USER_AAD_ID, name: 'Alex Wilber' }, { title: 'Playground Data Engineer', city: 'Trondheim' });
    await add({ tenantId: PLAYGROUND_TENANT, aadObjectId: 'aad-someone-else', name: 'Megan Bowen' }, { title: 'Playground Designer', city: 'Trondheim' });

    const config = (await (await fetch(`${stack.playground.url}/_internal/v1/config`)).json()) as { config: { currentUser: { id: string }; groupChats: { id: string }[] } };
    const response = await fetch(`${stack.playground.url}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'composeExtension/query',
        value: { commandId: 'shareJob', parameters: [{ name: 'query', value: 'trondheim' }], queryOptions: { skip: 0, count: 25 } },
        from: { id: config.config.currentUser.id },
        conversation: { id: config.config.groupChats[0].id }
      })
    });
    assert.equal(response.status, 200);
    const answer = (await response.json()) as ExtensionAnswer;
    assert.deepEqual(titles(answer), ['Playground Data Engineer']);
    const text = cardText(answer.composeExtension.attachments![0].content);
    for (const expected of ['Playground Data Engineer', 'Trondheim', 'Refer someone']) assert.ok(text.includes(expected), `${expected} in:\n${text}`);
  });
});
