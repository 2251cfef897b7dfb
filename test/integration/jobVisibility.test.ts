import assert from 'node:assert/strict';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { EnvSettingsReader } from '../../src/storage/settingsStore';
import type { TableJobStore } from '../../src/storage/tableJobStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardOf, cardText, type TestUser } from '../support/botHarness';
import { feedStack } from '../support/feedStack';
import { validForm } from '../support/samples';

const TENANT = 'tenant-a';
const ALEX: TestUser = { aadObjectId: 'aad-alex', name: 'Alex Wilber', tenantId: TENANT };
const MEGAN: TestUser = { aadObjectId: 'aad-megan', name: 'Megan Bowen', tenantId: TENANT };
const RITA: TestUser = { aadObjectId: 'aad-rita', name: 'Rita Recruiter', tenantId: TENANT };
const ADA: TestUser = { aadObjectId: 'aad-ada', name: 'Ada Admin', tenantId: TENANT };

describe('job visibility: a hiring manager sees only their own jobs, on every path', function () {
  const azurite = useAzurite();
  let bot: BotHarness;
  let jobs: TableJobStore;
  let alexJob: string;

  beforeEach(async () => {
    const settings = new EnvSettingsReader({ buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADA.aadObjectId] });
    const reader = {
      ...settings,
      get: async (tenantId: string) => ({ ...(await settings.get(tenantId)), recruiters: [{ aadObjectId: RITA.aadObjectId, name: RITA.name }] }),
      linkedInCredentials: () => settings.linkedInCredentials()
    };
    const [conversationsTable] = await freshTables(azurite().connection, 'conversations');
    const stack = await feedStack(azurite().connection, reader, () => new Date());
    jobs = stack.jobs;
    bot = new BotHarness({ jobs, conversations: new TableConversationStore(conversationsTable), settings: reader, feed: stack.feed, bootstrapAdmins: [ADA.aadObjectId], now: () => new Date() });
    const card = await bot.execute(ALEX, 'job.submit', validForm({ title: 'Secret Project Lead', applyUrl: 'https://careers.contoso.com/secret' }));
    alexJob = cardText(card).match(/\bJ[0-9A-Z]{10}\b/)![0];
  });

  const leaks = (text: string) => /Secret Project Lead|careers\.contoso\.com\/secret|Oslo/.test(text);

  const cardVerbs: [string, (id: string) => Record<string, unknown>][] = [
    ['job.show', (id) => ({ jobId: id })],
    ['job.edit', (id) => ({ jobId: id })],
    ['job.closeAsk', (id) => ({ jobId: id })],
    ['job.diagnose', (id) => ({ jobId: id })]
  ];
  for (const [verb, data] of cardVerbs) {
    it(`${verb} on a colleague's job is refused and shows nothing of it`, async () => {
      const text = cardText(await bot.execute(MEGAN, verb, data(alexJob)));
      assert.match(text, /belongs to someone else/);
      assert.ok(!leaks(text), text);
    });
  }

  for (const command of ['edit job', 'close job', "why isn't job"]) {
    it(`"${command} <id>" on a colleague's job is refused and shows nothing of it`, async () => {
      const [reply] = await bot.say(MEGAN, command === "why isn't job" ? `why isn't job ${alexJob} on LinkedIn?` : `${command} ${alexJob}`);
      const text = String(reply.text ?? cardText(cardOf(reply)));
      assert.match(text, /belongs to someone else/);
      assert.ok(!leaks(text), text);
    });
  }

  it('a closed colleague\'s job is not even confirmed as closed, and a forged close changes nothing', async () => {
    const closed = await bot.execute(MEGAN, 'job.close', { jobId: alexJob });
    assert.match(cardText(closed), /belongs to someone else/);
    assert.equal((await jobs.get(TENANT, alexJob))?.state, 'queued');
    const stored = (await jobs.get(TENANT, alexJob))!;
    await jobs.update({ ...stored, state: 'closed', closedAt: new Date().toISOString() });
    const [reply] = await bot.say(MEGAN, `close job ${alexJob}`);
    assert.doesNotMatch(String(reply.text), /already closed/);
    assert.match(String(reply.text), /belongs to someone else/);
  });

  it('a forged job.submit with a colleague\'s job id changes nothing', async () => {
    const reply = cardText(await bot.execute(MEGAN, 'job.submit', validForm({ jobId: alexJob, title: 'Hijacked' })));
    assert.match(reply, /belongs to someone else/);
    assert.equal((await jobs.get(TENANT, alexJob))?.title, 'Secret Project Lead');
  });

  it('my jobs (and its next page) lists only her own jobs', async () => {
    const [list] = await bot.say(MEGAN, 'my jobs');
    assert.ok(!leaks(cardText(cardOf(list))));
    const page = cardText(await bot.execute(MEGAN, 'job.list', { page: '' }));
    assert.ok(!leaks(page));
  });

  it('the author, a recruiter and an admin still open the job', async () => {
    for (const user of [ALEX, RITA, ADA]) {
      const text = cardText(await bot.execute(user, 'job.show', { jobId: alexJob }));
      assert.match(text, /Secret Project Lead/, user.name);
    }
  });
});
