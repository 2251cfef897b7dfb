import assert from 'node:assert/strict';
import { FAQ_TOPIC_IDS } from '../../src/domain/faq';
import { defaultSettings, type TenantSettings } from '../../src/domain/settings';
import { t } from '../../src/i18n/strings';
import { TableConversationStore } from '../../src/storage/conversationStore';
import type { SettingsReader } from '../../src/storage/settingsStore';
import { TableJobStore } from '../../src/storage/tableJobStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardOf, cardText, type TestUser } from '../support/botHarness';
import { FAQ_QUESTIONS, UNRELATED } from '../support/faqQuestions';
import { MemoryFeedService } from '../support/memoryFeedService';
import { validForm } from '../support/samples';
import type { AdaptiveCardJson } from '../../src/shared/types';

const ALEX: TestUser = { aadObjectId: 'aad-alex', name: 'Alex Wilber', tenantId: 'tenant-a' };
const KARI: TestUser = { aadObjectId: 'aad-kari', name: 'Kari Nordmann', tenantId: 'tenant-a', locale: 'nb-NO' };
const ZOE: TestUser = { aadObjectId: 'aad-zoe', name: 'Zoe', tenantId: 'tenant-a' };
const HOUR = 3_600_000;

/** Settings as an admin would have saved them; each test changes what it needs. */
class TestSettings implements SettingsReader {
  changes: Partial<TenantSettings> = {};
  async get(tenantId: string): Promise<TenantSettings> {
    const base = defaultSettings(tenantId, {
      companyName: 'Contoso', companyId: '1234567', posterEmail: 'jobs@contoso.com', publisher: 'Contoso',
      publisherUrl: 'https://contoso.com', buildTime: '02:00', timeZone: 'Europe/Oslo', bootstrapAdmins: []
    });
    return { ...base, ...this.changes };
  }
  async linkedInCredentials() {
    return undefined;
  }
}

function buttons(card: AdaptiveCardJson | undefined): Array<{ verb: string; data: Record<string, unknown>; title: string }> {
  const found: Array<{ verb: string; data: Record<string, unknown>; title: string }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute') found.push(record as never);
    Object.values(record).forEach(visit);
  };
  visit(card);
  return found;
}

describe('answers: LinkedIn FAQ and "why isn\'t job <id> on LinkedIn?" (real route table, Azurite)', function () {
  const azurite = useAzurite();
  let bot: BotHarness;
  let jobs: TableJobStore;
  let settings: TestSettings;
  let feed: MemoryFeedService;
  let clock: Date;

  beforeEach(async () => {
    const [table, conversationTable] = await freshTables(azurite().connection, 'jobs', 'conversations');
    jobs = new TableJobStore(table);
    settings = new TestSettings();
    clock = new Date('2026-11-26T10:00:00Z');
    const now = () => clock;
    feed = new MemoryFeedService(jobs, settings, now);
    bot = new BotHarness({ jobs, conversations: new TableConversationStore(conversationTable), settings, bootstrapAdmins: [], feed, now });
  });

  describe('FAQ', () => {
    for (const id of FAQ_TOPIC_IDS) {
      it(`${id}: every phrasing reaches its answer, in English and in Norwegian`, async () => {
        for (const [user, language] of [[ALEX, 'en'], [KARI, 'nb']] as const) {
          for (const question of FAQ_QUESTIONS[id][language]) {
            const [reply] = await bot.say(user, question);
            const text = cardText(cardOf(reply));
            assert.ok(text.startsWith(t(language, `faq.${id}.q`)), `"${question}" answered with: ${text.slice(0, 80) || reply.text}`);
          }
        }
      });
    }

    it('the answers are about this bot: Teams commands, the tenant\'s own build time', async () => {
      settings.changes = { buildTime: '05:30', timeZone: 'Europe/Oslo' };
      const [frequency] = await bot.say(KARI, 'hvor ofte behandler LinkedIn jobbene?');
      assert.match(cardText(cardOf(frequency)), /én gang i døgnet, kl\. 05:30 \(Europe\/Oslo\)/);
      const [how] = await bot.say(ALEX, 'How do I post jobs to LinkedIn?');
      assert.match(cardText(cardOf(how)), /Type post job to LinkedIn/);
      const [premium] = await bot.say(ALEX, 'how do I post to premium job slots?');
      assert.match(cardText(cardOf(premium)), /Job Wrapping/);
    });

    it('help linkedin / hjelp linkedin list every question as buttons; a button opens its answer', async () => {
      const [list] = await bot.say(ALEX, 'help linkedin');
      const topics = buttons(cardOf(list)).filter((button) => button.verb === 'faq.show').map((button) => button.data.topic);
      assert.deepEqual([...topics].sort(), [...FAQ_TOPIC_IDS].sort());
      assert.match(cardText(cardOf(list)), /For admins/);

      const [norwegian] = await bot.say(KARI, 'Hjelp LinkedIn');
      assert.match(cardText(cardOf(norwegian)), /Spørsmål om LinkedIn[\s\S]*For administratorer/);

      const answer = await bot.execute(ALEX, 'faq.show', { topic: 'options_table' });
      assert.match(cardText(answer), /What are the options for posting jobs to LinkedIn\?/);
      assert.match(JSON.stringify(answer), /"type":"Table"/);
      assert.match(cardText(answer), /Recommended by LinkedIn/);
      const back = await bot.execute(ALEX, 'faq.list', {});
      assert.match(cardText(back), /LinkedIn questions/);
    });

    it('a forged topic id gets the list of questions, not an error', async () => {
      const card = await bot.execute(ALEX, 'faq.show', { topic: 'constructor' });
      assert.match(cardText(card), /Pick a question/);
    });

    it('an ambiguous question gets "did you mean" buttons', async () => {
      const [reply] = await bot.say(ALEX, 'how often can I promote jobs on LinkedIn?');
      assert.match(cardText(cardOf(reply)), /Did you mean one of these\?/);
      assert.deepEqual(buttons(cardOf(reply)).map((button) => button.data.topic), ['premium_slots', 'batch_frequency']);
    });

    it('unrelated text falls back to the generic reply', async () => {
      for (const text of UNRELATED) {
        const [reply] = await bot.say(ALEX, text);
        assert.equal(reply.attachments, undefined, text);
        assert.equal(reply.text, t('en', 'fallback'), text);
      }
    });

    it('exact commands still win: help is the help card, and it mentions the new commands', async () => {
      const [help] = await bot.say(ALEX, 'help');
      const text = cardText(cardOf(help));
      assert.match(text, /What I can do/);
      assert.match(text, /help linkedin/);
      assert.match(text, /why isn't job <id> on LinkedIn\?/);
      assert.ok(buttons(cardOf(help)).some((button) => button.verb === 'faq.list'));
      const [form] = await bot.say(ALEX, 'post job to LinkedIn');
      assert.match(cardText(cardOf(form)), /Post a job to LinkedIn/);
    });
  });

  describe("why isn't job <id> on LinkedIn?", () => {
    async function postJob(user: TestUser = ALEX, overrides: Record<string, unknown> = {}): Promise<string> {
      const card = await bot.execute(user, 'job.submit', validForm(overrides));
      const id = cardText(card).match(/\bJ[0-9A-Z]{10}\b/)?.[0];
      assert.ok(id, cardText(card));
      return id;
    }

    async function ask(question: string, user: TestUser = ALEX): Promise<string> {
      const [reply] = await bot.say(user, question);
      return cardText(cardOf(reply)) || String(reply.text);
    }

    it('queued: not yet in a build, with the next build time', async () => {
      const id = await postJob();
      const text = await ask(`why isn't job ${id} on LinkedIn?`);
      assert.match(text, new RegExp(`Why isn't job ${id} on LinkedIn\\?`));
      assert.match(text, /The job is queued and not yet in a feed/);
      assert.match(text, /next feed build is 27 Nov 2026, 02:00/);
    });

    it('built but not downloaded by LinkedIn', async () => {
      const id = await postJob();
      await feed.buildNow(ALEX.tenantId);
      const text = await ask(`why is job ${id} not on LinkedIn`);
      assert.match(text, /has been in the feed since 26 Nov 2026, 11:00, but LinkedIn has not read the feed since \(last read: never\)/);
    });

    it('downloaded less than 48 hours ago, then nothing wrong once LinkedIn has had it for longer', async () => {
      const id = await postJob();
      await feed.buildNow(ALEX.tenantId);
      clock = new Date(clock.getTime() + 3 * HOUR);
      feed.recordDownload(ALEX.tenantId, clock);
      assert.match(await ask(`why isn't ${id.toLowerCase()} on linkedin?`), /LinkedIn read the feed with this job on 26 Nov 2026, 14:00, less than 48 hours ago[\s\S]*Expect it by 28 Nov 2026, 14:00/);

      clock = new Date(clock.getTime() + 72 * HOUR);
      feed.recordDownload(ALEX.tenantId, clock);
      assert.match(await ask(`why doesn't job ${id} show up on LinkedIn?`), /Nothing wrong found\. LinkedIn can take up to 48 hours/);
    });

    it('company ID missing, then not numeric', async () => {
      const id = await postJob();
      settings.changes = { companyId: undefined };
      assert.match(await ask(`why isn't job ${id} on LinkedIn?`), /Your LinkedIn company ID is not set[\s\S]*linkedin\.com\/company\/<number>\/admin/);
      settings.changes = { companyId: 'contoso-ltd' };
      assert.match(await ask(`why isn't job ${id} on LinkedIn?`), /The LinkedIn company ID "contoso-ltd" is not a number/);
    });

    it('location without city and country (a US job without its state)', async () => {
      const id = await postJob(ALEX, { country: 'US', city: 'Seattle', region: '' });
      assert.match(await ask(`why isn't job ${id} on LinkedIn?`), /The job has no complete location[\s\S]*edit job/);
    });

    it('held back from the feed, and why', async () => {
      const id = await postJob(ALEX, { company: 'Confidential' });
      settings.changes = { posterEmail: undefined };
      const text = await ask(`why isn't job ${id} on LinkedIn?`);
      assert.match(text, /The feed leaves this job out: no job poster email is set .*; LinkedIn does not accept "Confidential" as the company name/);
    });

    it('left out of the last build but fixed since: goes in at the next build', async () => {
      settings.changes = { posterEmail: undefined };
      const id = await postJob();
      const build = await feed.buildNow(ALEX.tenantId);
      assert.deepEqual(build.heldBack.map((held) => held.jobId), [id]);
      settings.changes = {};
      assert.match(await ask(`why isn't job ${id} on LinkedIn?`), /The last feed build left this job out \(no job poster email is set.*\), but it looks fine now/);
    });

    it('possible duplicate: another open job with the same title and location', async () => {
      const first = await postJob();
      const second = await postJob(ALEX, { title: 'backend engineer' });
      const elsewhere = await postJob(ALEX, { city: 'Bergen' });
      const text = await ask(`why isn't job ${first} on LinkedIn?`);
      assert.match(text, new RegExp(`Possible duplicate: ${second} has the same title and location`));
      assert.doesNotMatch(text, new RegExp(elsewhere));
    });

    it('posting switched off', async () => {
      const id = await postJob();
      settings.changes = { postingEnabled: false };
      assert.match(await ask(`why isn't job ${id} on LinkedIn?`), /LinkedIn posting is switched off for your organization/);
    });

    it('awaiting approval', async () => {
      const id = await postJob();
      const stored = (await jobs.get(ALEX.tenantId, id))!;
      await jobs.update({ ...stored, state: 'awaiting_approval' });
      assert.match(await ask(`why isn't job ${id} on LinkedIn?`), /waiting for a recruiter's approval/);
    });

    it('closed', async () => {
      const id = await postJob();
      const stored = (await jobs.get(ALEX.tenantId, id))!;
      await bot.execute(ALEX, 'job.close', { jobId: id, etag: stored.etag });
      const text = await ask(`why isn't job ${id} on LinkedIn?`);
      assert.match(text, /The job is closed/);
      assert.doesNotMatch(text, /queued/);
    });

    it('in Norwegian, with small variants', async () => {
      const id = await postJob(KARI);
      for (const question of [`hvorfor er ikke jobb ${id} på LinkedIn?`, `Hvorfor er jobb ${id} ikke på linkedin`, `hvorfor vises ikke jobb ${id} på LinkedIn?`]) {
        const text = await ask(question, KARI);
        assert.match(text, new RegExp(`Hvorfor er ikke jobb ${id} på LinkedIn\\?[\\s\\S]*Jobben står i kø`), question);
      }
    });

    it('"Check again" on the card runs the same check', async () => {
      const id = await postJob();
      const card = await bot.execute(ALEX, 'job.diagnose', { jobId: id });
      assert.match(cardText(card), /The job is queued/);
    });

    it('without an id it says how to ask; an unknown id is a clear error', async () => {
      assert.match(await ask("why isn't my job on LinkedIn?"), /Tell me which job: why isn't job <id> on LinkedIn\?/);
      assert.match(await ask("why isn't job J0000000000 on LinkedIn?"), /I can't find job J0000000000/);
    });

    it('someone else\'s job: a hiring manager who is not its author is refused', async () => {
      const id = await postJob(ALEX);
      assert.match(await ask(`why isn't job ${id} on LinkedIn?`, ZOE), /belongs to someone else/);
    });
  });
});
