import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { feedNoticeRenderers } from '../../src/feed/feedNotices';
import type { LinkedInFeed } from '../../src/feed/linkedInFeed';
import { TableConversationStore } from '../../src/storage/conversationStore';
import type { SettingsDefaults } from '../../src/domain/settings';
import { EnvSettingsReader } from '../../src/storage/settingsStore';
import type { TableJobStore } from '../../src/storage/tableJobStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardOf, cardText, type TestUser } from '../support/botHarness';
import { feedStack, type RecordingNotifier } from '../support/feedStack';
import { validForm } from '../support/samples';

const TENANT = 'tenant-a';
const ADA: TestUser = { aadObjectId: 'aad-ada', name: 'Ada Admin', tenantId: TENANT };
const ALEX: TestUser = { aadObjectId: 'aad-alex', name: 'Alex Wilber', tenantId: TENANT };
const MEGAN: TestUser = { aadObjectId: 'aad-megan', name: 'Megan Bowen', tenantId: TENANT };
const KARI: TestUser = { aadObjectId: 'aad-kari', name: 'Kari Nordmann', tenantId: TENANT, locale: 'nb-NO', timeZone: 'Europe/Oslo' };
const ADMINS = [ADA.aadObjectId, KARI.aadObjectId];

/** 10:00 UTC on a Friday: the next 02:00 UTC build is Saturday 28 November, 03:00 in Oslo and 18:00 on Friday in Seattle. */
const NOW = new Date('2026-11-27T10:00:00Z');

describe('conversation: LinkedIn feed commands and feed facts on job cards (real route table, Azurite storage)', function () {
  const azurite = useAzurite();
  let bot: BotHarness;
  let jobs: TableJobStore;
  let feed: LinkedInFeed;
  let notifier: RecordingNotifier;
  let clock = NOW;

  /** A fresh bot on fresh tables; the deployment's LinkedIn settings are complete unless `settings` says otherwise. */
  async function start(settings: Partial<SettingsDefaults> = {}): Promise<void> {
    clock = NOW;
    const reader = new EnvSettingsReader({
      companyName: 'Contoso',
      companyId: '1234567',
      posterEmail: 'jobs@contoso.com',
      publisher: 'Contoso',
      publisherUrl: 'https://contoso.com',
      buildTime: '02:00',
      timeZone: 'UTC',
      bootstrapAdmins: [],
      ...settings
    });
    const [conversationsTable] = await freshTables(azurite().connection, 'conversations');
    ({ jobs, feed, notifier } = await feedStack(azurite().connection, reader, () => clock));
    bot = new BotHarness({ jobs, conversations: new TableConversationStore(conversationsTable), settings: reader, feed, bootstrapAdmins: ADMINS, now: () => clock });
  }

  /** What LinkedIn would have got from the feed URL, and whether a build happened at all. */
  async function currentFeed(): Promise<string | undefined> {
    const snapshot = await feed.current(TENANT);
    if (!snapshot) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of feed.open(TENANT, snapshot.snapshotId)) chunks.push(chunk);
    return gunzipSync(Buffer.concat(chunks)).toString('utf8');
  }

  beforeEach(() => start());

  async function postJob(user: TestUser, overrides: Record<string, unknown> = {}): Promise<string> {
    const card = await bot.execute(user, 'job.submit', validForm(overrides));
    const id = cardText(card).match(/\bJ[0-9A-Z]{10}\b/)?.[0];
    assert.ok(id, cardText(card));
    return id;
  }

  /** A US job without a state: LinkedIn's location needs "City, State" there, so the feed holds it back. */
  const heldBackJob = { title: 'Seattle Engineer', city: 'Seattle', country: 'us', region: '' };

  describe('build feed now', () => {
    it('is refused to a hiring manager, and nothing is built', async () => {
      const id = await postJob(ALEX);
      for (const text of ['build feed now', 'bygg feed nå']) {
        const [reply] = await bot.say(ALEX, text);
        assert.match(String(reply.text), /Only admins can build the feed on demand/);
        assert.match(String(reply.text), /the next build is Sat, 28 Nov 2026, 02:00 \(UTC\)/);
      }
      assert.equal(await currentFeed(), undefined, 'no feed was built');
      assert.equal((await jobs.get(TENANT, id))?.state, 'queued');
    });

    it('is refused from a forged card button too (the role is checked on the server)', async () => {
      await postJob(ALEX);
      const card = await bot.execute(ALEX, 'feed.build', {});
      assert.match(cardText(card), /Only admins can build the feed on demand/);
      assert.equal(await currentFeed(), undefined);
    });

    it('an admin builds at once and reads what went in, what was held back and why, and the 48-hour truth', async () => {
      const fed = await postJob(ALEX, { title: 'Oslo Engineer' });
      const held = await postJob(ALEX, heldBackJob);

      const [reply] = await bot.say(ADA, 'Build feed now');
      const text = cardText(cardOf(reply));
      assert.match(text, /LinkedIn's feed is built/);
      assert.match(text, /Jobs in the feed\n1\n/);
      assert.match(text, /Newly in the feed\n1\n/);
      assert.match(text, /Held back\n1\n/);
      assert.match(text, new RegExp(`Seattle Engineer \\(${held}\\)\\n- The location needs a city and a two-letter country code \\(and a state for the US\\)\\.`));
      assert.match(text, /LinkedIn downloads the feed about once a day/);
      assert.match(text, /usually shows on LinkedIn within 48 hours/);
      assert.match(text, /Last LinkedIn download\nNot yet/);

      assert.equal((await jobs.get(TENANT, fed))?.state, 'in_feed');
      assert.equal((await jobs.get(TENANT, held))?.state, 'queued');
      assert.match((await currentFeed())!, new RegExp(`<partnerJobId><!\\[CDATA\\[${fed}\\]\\]></partnerJobId>`));
      assert.doesNotMatch((await currentFeed())!, new RegExp(held));
    });

    it('says a settings problem once, for every job, rather than under each job', async () => {
      await start({ companyId: undefined });
      await postJob(ALEX, { title: 'Oslo Engineer' });
      await postJob(ALEX, { title: 'Bergen Engineer', city: 'Bergen' });
      const [reply] = await bot.say(ADA, 'build feed now');
      const text = cardText(cardOf(reply));
      assert.match(text, /Jobs in the feed\n0\n/);
      assert.match(text, /Held back\n2\n/);
      assert.match(text, /Every job is held back until an admin fixes this in settings:\n- No LinkedIn company ID is set/);
      assert.equal(text.match(/No LinkedIn company ID is set/g)?.length, 1);
    });
  });

  describe('feed status', () => {
    it('shows an admin the snapshot, the held-back jobs and why, the times, and the feed URL', async () => {
      await postJob(ALEX, { title: 'Oslo Engineer' });
      const held = await postJob(MEGAN, heldBackJob);
      await bot.say(ADA, 'build feed now');
      clock = new Date('2026-11-27T10:30:00Z');
      const snapshot = (await feed.current(TENANT))!;
      await feed.downloaded(TENANT, snapshot, { userAgent: 'LinkedInBot/1.0', bytes: snapshot.bytes });

      const [reply] = await bot.say(ADA, 'feed status');
      const text = cardText(cardOf(reply));
      assert.match(text, /Jobs in the feed\n1\n/);
      assert.match(text, /Last build\nFri, 27 Nov 2026, 10:00 \(UTC\)/);
      assert.match(text, /Last LinkedIn download\nFri, 27 Nov 2026, 10:30 \(UTC\)/);
      assert.match(text, /Next LinkedIn download \(expected\)\nSat, 28 Nov 2026, 10:30 \(UTC\)/);
      assert.match(text, /Next build\nSat, 28 Nov 2026, 02:00 \(UTC\)/);
      assert.match(text, new RegExp(`Seattle Engineer \\(${held}\\)\\n- The location needs a city`));
      assert.match(text, /https:\/\/bot\.example\.com\/feeds\/linkedin\/[A-Za-z0-9_-]{24,}\.xml/);
      assert.match(JSON.stringify(cardOf(reply)), /"verb":"feed\.build"/);
    });

    it('a hiring manager sees the counts and only their own held-back jobs, never the secret URL', async () => {
      const alexHeld = await postJob(ALEX, { ...heldBackJob, title: "Alex's Seattle job" });
      const meganHeld = await postJob(MEGAN, { ...heldBackJob, title: "Megan's Seattle job" });
      await bot.say(ADA, 'build feed now');

      for (const text of ['feed status', 'feedstatus', 'status for feed']) {
        const [reply] = await bot.say(ALEX, text);
        const shown = cardText(cardOf(reply));
        assert.match(shown, /Held back\n2\n/);
        assert.match(shown, new RegExp(alexHeld));
        assert.doesNotMatch(shown, new RegExp(meganHeld));
        assert.match(shown, /Only your own jobs are listed here/);
        assert.doesNotMatch(JSON.stringify(cardOf(reply)), /feeds\/linkedin/);
        assert.doesNotMatch(JSON.stringify(cardOf(reply)), /"verb":"feed\.build"/);
      }
    });

    it('before any build it says so, with the next build in the reader\'s time zone', async () => {
      const [reply] = await bot.say({ ...ALEX, timeZone: 'America/Los_Angeles' }, 'feed status');
      const text = cardText(cardOf(reply));
      assert.match(text, /The feed has not been built yet/);
      assert.match(text, /Last build\nNot built yet/);
      assert.match(text, /Next build\nFri, 27 Nov 2026, 18:00 \(America\/Los_Angeles\)/);
    });
  });

  describe('job card and my jobs', () => {
    it('show the next build time in the time zone the Teams client reports, else in the feed\'s', async () => {
      const id = await postJob(ALEX);
      const oslo = await bot.execute({ ...ALEX, timeZone: 'Europe/Oslo' }, 'job.show', { jobId: id });
      assert.match(cardText(oslo), /Next feed build\nSat, 28 Nov 2026, 03:00 \(Europe\/Oslo\)/);
      const seattle = await bot.execute({ ...ALEX, timeZone: 'America/Los_Angeles' }, 'job.show', { jobId: id });
      assert.match(cardText(seattle), /Next feed build\nFri, 27 Nov 2026, 18:00 \(America\/Los_Angeles\)/);
      const unknownZone = await bot.execute({ ...ALEX, timeZone: 'Mars/Olympus_Mons' }, 'job.show', { jobId: id });
      assert.match(cardText(unknownZone), /Next feed build\nSat, 28 Nov 2026, 02:00 \(UTC\)/);

      const [list] = await bot.say({ ...ALEX, timeZone: 'Europe/Oslo' }, 'my jobs');
      assert.match(cardText(cardOf(list)), /Next feed build: Sat, 28 Nov 2026, 03:00 \(Europe\/Oslo\)\./);
      assert.match(cardText(cardOf(list)), /Queued/);
    });

    it("take the time zone from Teams' clientInfo entity when the activity has no localTimezone", async () => {
      const [reply] = await bot.send({ ...ALEX, timeZone: 'Asia/Tokyo' }, { type: 'message', text: 'feed status', localTimezone: undefined });
      assert.match(cardText(cardOf(reply)), /Next build\nSat, 28 Nov 2026, 11:00 \(Asia\/Tokyo\)/);
    });

    it('help names the feed commands', async () => {
      const [help] = await bot.say(ALEX, 'help');
      assert.match(cardText(cardOf(help)), /feed status: what is in the feed/);
      assert.match(cardText(cardOf(help)), /build feed now: build LinkedIn's feed right away \(admins\)/);
      const [hjelp] = await bot.say({ ...ALEX, locale: 'nb-NO' }, 'hjelp');
      assert.match(cardText(cardOf(hjelp)), /bygg feed nå: bygg LinkedIn-feeden med en gang/);
    });

    it('show the real state after a build', async () => {
      const id = await postJob(ALEX);
      await bot.say(ADA, 'build feed now');
      const card = await bot.execute(ALEX, 'job.show', { jobId: id });
      assert.match(cardText(card), /State: In feed/);
      assert.match(cardText(card), /In the feed LinkedIn reads next/);
    });

    it("tell the job's owner why it is held back; another hiring manager does not see the job at all", async () => {
      const id = await postJob(ALEX, heldBackJob);
      await bot.say(ADA, 'build feed now');

      const owners = cardText(await bot.execute(ALEX, 'job.show', { jobId: id }));
      assert.match(owners, /Held back from LinkedIn's feed\. Once this is fixed, the job goes in at the next build:/);
      assert.match(owners, /The location needs a city and a two-letter country code \(and a state for the US\)\./);

      const [list] = await bot.say(ALEX, 'my jobs');
      assert.match(cardText(cardOf(list)), /Seattle Engineer[\s\S]*Held back/);

      const megans = cardText(await bot.execute(MEGAN, 'job.show', { jobId: id }));
      assert.doesNotMatch(megans, /Held back|location needs|Seattle Engineer/);
      assert.match(megans, /belongs to someone else/);
    });
  });

  describe('feed notices', () => {
    it("the author's notices from a real build and download render with the feed renderers, in their language", async () => {
      const id = await postJob(KARI, { title: 'Utvikler i Oslo' });
      await bot.say(ADA, 'build feed now');
      const inFeed = notifier.notices.find((notice) => notice.message.kind === 'feed.in_feed');
      assert.deepEqual(inFeed?.to, { kind: 'user', aadObjectId: KARI.aadObjectId });
      const inFeedCard = feedNoticeRenderers['feed.in_feed']('nb', inFeed.message.data);
      assert.ok('card' in inFeedCard);
      assert.match(cardText(inFeedCard.card), /Jobben din «Utvikler i Oslo» er i feeden LinkedIn leser neste gang; den vises vanligvis innen 48 timer/);
      assert.match(JSON.stringify(inFeedCard.card), new RegExp(`"verb":"job\\.show","data":\\{"jobId":"${id}"\\}`));

      clock = new Date('2026-11-27T11:00:00Z');
      const snapshot = (await feed.current(TENANT))!;
      await feed.downloaded(TENANT, snapshot, { userAgent: 'LinkedInBot/1.0', bytes: snapshot.bytes });
      const posted = notifier.notices.find((notice) => notice.message.kind === 'feed.posted');
      const postedCard = feedNoticeRenderers['feed.posted']('en', posted!.message.data);
      assert.ok('card' in postedCard);
      assert.match(cardText(postedCard.card), /LinkedIn has downloaded the feed with your job "Utvikler i Oslo"; it usually shows within 48 hours/);

      const card = cardText(await bot.execute(KARI, 'job.show', { jobId: id }));
      assert.match(card, /Status: På LinkedIn/);
    });
  });

  describe('in Norwegian', () => {
    it('builds, explains held-back jobs and shows the status in Norwegian, in Oslo time', async () => {
      await postJob(KARI, { title: 'Utvikler i Oslo' });
      const held = await postJob(KARI, { ...heldBackJob, title: 'Utvikler i Seattle' });

      const [built] = await bot.say(KARI, 'bygg feed nå');
      const text = cardText(cardOf(built));
      assert.match(text, /LinkedIn-feeden er bygget/);
      assert.match(text, /Jobber i feeden\n1\n/);
      assert.match(text, new RegExp(`Utvikler i Seattle \\(${held}\\)\\n- Stedet må ha by og en landkode på to bokstaver`));
      assert.match(text, /vises en jobb vanligvis på LinkedIn innen 48 timer/);
      assert.doesNotMatch(text, /Held back|Jobs in the feed/);

      const [status] = await bot.say(KARI, 'feedstatus');
      const statusText = cardText(cardOf(status));
      assert.match(statusText, /LinkedIns jobbfeed/);
      assert.match(statusText, /Neste bygging\nlør\. 28\. nov\. 2026, 03:00 \(Europe\/Oslo\)/);

      const card = cardText(await bot.execute(KARI, 'job.show', { jobId: held }));
      assert.match(card, /Holdt tilbake fra LinkedIn-feeden/);
      assert.match(card, /Neste feedbygging\nlør\. 28\. nov\. 2026, 03:00 \(Europe\/Oslo\)/);
    });

    it('refuses a Norwegian hiring manager in Norwegian', async () => {
      const [reply] = await bot.say({ ...ALEX, locale: 'nb-NO' }, 'bygg feed nå');
      assert.match(String(reply.text), /Bare administratorer kan bygge feeden/);
      assert.equal(await currentFeed(), undefined);
    });
  });
});
