import { EnvSettingsReader } from '../../src/storage/settingsStore';
import assert from 'node:assert/strict';
import { TableConversationStore } from '../../src/storage/conversationStore';
import type { TableJobStore } from '../../src/storage/tableJobStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardOf, cardText, inputIds, type TestUser } from '../support/botHarness';
import { feedStack } from '../support/feedStack';
import { validForm } from '../support/samples';

const ALEX: TestUser = { aadObjectId: 'aad-alex', name: 'Alex Wilber', tenantId: 'tenant-a' };
const MEGAN: TestUser = { aadObjectId: 'aad-megan', name: 'Megan Bowen', tenantId: 'tenant-a' };
const KARI: TestUser = { aadObjectId: 'aad-kari', name: 'Kari Nordmann', tenantId: 'tenant-a', locale: 'nb-NO' };

describe('conversation: posting a job from Teams (real route table, Azurite storage)', function () {
  const azurite = useAzurite();
  let bot: BotHarness;
  let jobs: TableJobStore;
  let conversations: TableConversationStore;

  beforeEach(async () => {
    const [conversationTable] = await freshTables(azurite().connection, 'conversations');
    conversations = new TableConversationStore(conversationTable);
    const settings = new EnvSettingsReader({ buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] });
    const stack = await feedStack(azurite().connection, settings, () => new Date());
    jobs = stack.jobs;
    bot = new BotHarness({ jobs, conversations, settings, feed: stack.feed, bootstrapAdmins: [], now: () => new Date() });
  });

  async function postJob(user: TestUser, overrides: Record<string, unknown> = {}) {
    const card = await bot.execute(user, 'job.submit', validForm(overrides));
    const id = cardText(card).match(/\bJ[0-9A-Z]{10}\b/)?.[0];
    return { card, id };
  }

  for (const text of ['post job to LinkedIn', 'POST JOB TO LINKEDIN', 'post a job', 'new job', '  post   job to linkedin ', 'poster jobb på LinkedIn', 'ny jobb']) {
    it(`"${text}" opens the job form`, async () => {
      const [reply] = await bot.say(ALEX, text);
      const ids = inputIds(cardOf(reply));
      for (const field of ['title', 'company', 'city', 'country', 'workplaceType', 'employmentType', 'experienceLevel', 'jobFunctions', 'description', 'applyUrl', 'salaryMin', 'salaryCurrency', 'salaryPeriod', 'expirationDate']) {
        assert.ok(ids.includes(field), `form lacks ${field}`);
      }
    });
  }

  it('does not open the form for a sentence that merely contains the words', async () => {
    const [reply] = await bot.say(ALEX, "please don't post job to LinkedIn yet");
    assert.equal(reply.attachments, undefined);
    assert.match(String(reply.text), /help/);
  });

  it('a valid submit stores the job and answers with the job card and its state in words', async () => {
    const { card, id } = await postJob(ALEX);
    assert.ok(id, 'job card shows the id');
    const text = cardText(card);
    assert.match(text, /Queued for LinkedIn's next daily feed; LinkedIn usually shows it within 48 hours/);
    assert.match(text, /Backend Engineer/);
    const stored = await jobs.get(ALEX.tenantId, id);
    assert.equal(stored?.state, 'queued');
    assert.deepEqual(stored?.author, { tenantId: ALEX.tenantId, aadObjectId: ALEX.aadObjectId, name: ALEX.name });
  });

  it('an invalid submit returns the form with the values kept and errors by their fields, and stores nothing', async () => {
    const card = await bot.execute(ALEX, 'job.submit', validForm({ description: 'Twenty characters!!!', applyUrl: 'http://x.com' }));
    const text = cardText(card);
    assert.match(text, /at least 100 characters \(this one has 20\)/);
    assert.match(text, /full https:\/\/ address/);
    assert.match(JSON.stringify(card), /"id":"title","label":"Job title","value":"Backend Engineer"/);
    const listed = await jobs.list({ tenantId: ALEX.tenantId, pageSize: 10 });
    assert.equal(listed.jobs.length, 0);
  });

  it('my jobs lists only my jobs, newest first, with their state', async () => {
    await postJob(ALEX, { title: 'First job' });
    await postJob(MEGAN, { title: "Megan's job" });
    await new Promise((r) => setTimeout(r, 1100)); // ids order by the second
    await postJob(ALEX, { title: 'Second job' });
    const [reply] = await bot.say(ALEX, 'my jobs');
    const text = cardText(cardOf(reply));
    assert.ok(text.indexOf('Second job') < text.indexOf('First job'), text);
    assert.doesNotMatch(text, /Megan's job/);
    assert.match(text, /Queued/);
  });

  it('close job asks first, then closes; others cannot close it', async () => {
    const { id } = await postJob(ALEX);
    const [megansTry] = await bot.say(MEGAN, `close job ${id}`);
    assert.match(String(megansTry.text), /belongs to someone else/);

    const [confirm] = await bot.say(ALEX, `close job ${id!.toLowerCase()}`);
    const confirmCard = cardOf(confirm);
    assert.match(cardText(confirmCard), /will leave LinkedIn at the next daily feed build/);
    assert.equal((await jobs.get(ALEX.tenantId, id!))?.state, 'queued', 'nothing changes before confirming');

    const etag = JSON.stringify(confirmCard).match(/"etag":"((?:[^"\\]|\\.)*)"/)?.[1].replace(/\\"/g, '"');
    const closed = await bot.execute(ALEX, 'job.close', { jobId: id, etag });
    assert.match(cardText(closed), /is closed/);
    assert.equal((await jobs.get(ALEX.tenantId, id!))?.state, 'closed');
  });

  it('a stale card cannot overwrite a newer change', async () => {
    const { id } = await postJob(ALEX);
    const stale = (await jobs.get(ALEX.tenantId, id!))!;
    await bot.execute(ALEX, 'job.submit', validForm({ jobId: id, etag: stale.etag, city: 'Bergen' }));
    const reply = await bot.execute(ALEX, 'job.close', { jobId: id, etag: stale.etag });
    assert.match(cardText(reply), /changed job .* while you were editing/);
    assert.equal((await jobs.get(ALEX.tenantId, id!))?.state, 'queued');
  });

  it('edit job pre-fills the form; once in a feed the title is locked and the card says why', async () => {
    const { id } = await postJob(ALEX);
    const [form] = await bot.say(ALEX, `edit job ${id}`);
    assert.match(JSON.stringify(cardOf(form)), /"id":"title","label":"Job title","value":"Backend Engineer"/);

    const stored = (await jobs.get(ALEX.tenantId, id!))!;
    await jobs.update({ ...stored, state: 'in_feed', firstFedAt: new Date().toISOString() });
    const [locked] = await bot.say(ALEX, `edit job ${id}`);
    assert.ok(!inputIds(cardOf(locked)).includes('title'));
    assert.match(cardText(cardOf(locked)), /LinkedIn does not allow title changes/);

    const forged = await bot.execute(ALEX, 'job.submit', validForm({ jobId: id, title: 'Renamed' }));
    assert.match(cardText(forged), /cannot change after LinkedIn has received the job/);
    assert.equal((await jobs.get(ALEX.tenantId, id!))?.title, 'Backend Engineer');

    const edited = await bot.execute(ALEX, 'job.submit', validForm({ jobId: id, title: undefined, city: 'Bergen' }));
    assert.match(cardText(edited), /updated/);
    assert.equal((await jobs.get(ALEX.tenantId, id!))?.city, 'Bergen');
  });

  it('unknown job ids and missing ids get a clear answer', async () => {
    assert.match(String((await bot.say(ALEX, 'close job J0000000000'))[0].text), /can't find job J0000000000/);
    assert.match(String((await bot.say(ALEX, 'edit job'))[0].text), /edit job <id>/);
    assert.match(String((await bot.say(ALEX, 'close job nonsense'))[0].text), /is not a job id/);
  });

  it('help is a card; anything else gets a friendly reply naming help', async () => {
    assert.match(cardText(cardOf((await bot.say(ALEX, 'help'))[0])), /post job to LinkedIn/);
    assert.match(String((await bot.say(ALEX, 'what is the weather'))[0].text), /Type help/);
  });

  it('remembers each person\'s 1:1 conversation for later notifications, and forgets it on uninstall', async () => {
    await bot.say(KARI, 'hjelp');
    const stored = await conversations.get(KARI.tenantId, KARI.aadObjectId);
    assert.equal(stored?.active, true);
    assert.equal(stored?.language, 'nb');
    assert.equal((stored?.reference.conversation as { id: string }).id, `a:${KARI.aadObjectId}`);
    await bot.send(KARI, { type: 'installationUpdate', action: 'remove' });
    assert.equal((await conversations.get(KARI.tenantId, KARI.aadObjectId))?.active, false);
  });

  it('remembers a team and its channel when the bot is added to a team, for channel notices, and forgets them when removed', async () => {
    const inChannel = {
      conversation: { id: '19:general@thread.tacv2', tenantId: ALEX.tenantId, isGroup: true, conversationType: 'channel', name: '' },
      channelData: { team: { id: '19:team@thread.tacv2' }, channel: { id: '19:general@thread.tacv2' }, tenant: { id: ALEX.tenantId } },
      recipient: { id: '28:bot', name: 'bot' }
    };
    await bot.send(ALEX, { type: 'conversationUpdate', membersAdded: [{ id: '28:bot', name: 'bot' }], ...inChannel });
    const channel = await conversations.get(ALEX.tenantId, 'channel:19:general@thread.tacv2');
    const team = await conversations.get(ALEX.tenantId, 'team:19:team@thread.tacv2');
    assert.equal(channel?.active, true);
    assert.equal(team?.active, true);
    assert.equal((channel?.reference.conversation as { id: string }).id, '19:general@thread.tacv2');
    await bot.send(ALEX, { type: 'conversationUpdate', membersRemoved: [{ id: '28:bot', name: 'bot' }], ...inChannel });
    assert.equal((await conversations.get(ALEX.tenantId, 'channel:19:general@thread.tacv2'))?.active, false);
  });

  it('speaks Norwegian to a Norwegian Teams client, cards included', async () => {
    const [form] = await bot.say(KARI, 'poster jobb på LinkedIn');
    assert.match(cardText(cardOf(form)), /Stillingstittel/);
    const { card } = await postJob(KARI);
    assert.match(cardText(card), /I kø til LinkedIns neste daglige feed/);
    assert.match(String((await bot.say(KARI, 'hva er klokka'))[0].text), /Skriv hjelp/);
  });
});
