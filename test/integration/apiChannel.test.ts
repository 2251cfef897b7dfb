import assert from 'node:assert/strict';
import type { BotDeps } from '../../src/bot/types';
import type { Job } from '../../src/domain/job';
import type { ApiPosting } from '../../src/domain/jobPosting';
import { LinkedInClient } from '../../src/linkedin/client';
import { silentLogger } from '../../src/logger';
import { ChannelSwitchPass, ChannelSwitchService } from '../../src/posting/channelSwitch';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { secretBoxFrom } from '../../src/storage/secretBox';
import { TableJobStore } from '../../src/storage/tableJobStore';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardText, type TestUser } from '../support/botHarness';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { feedStack } from '../support/feedStack';
import { validForm } from '../support/samples';
import { RecordingNotifier, settingsForm } from '../support/settingsSupport';
import { approvalRenderers } from '../../src/bot/approvalNotices';
import type { AdaptiveCardJson } from '../../src/shared/types';

const TENANT = 'tenant-api';
const ADMIN: TestUser = { aadObjectId: 'aad-admin', name: 'Adele Vance', tenantId: TENANT };
const RECRUITER: TestUser = { aadObjectId: 'aad-rec', name: 'Alex Wilber', tenantId: TENANT };
const MANAGER: TestUser = { aadObjectId: 'aad-manager', name: 'Kari Nordmann', tenantId: TENANT, locale: 'nb-NO' };
const RSC = { rscClientId: 'client-api', rscClientSecret: 'secret-api-123', rscOrganizationId: '4242', rscStatus: 'requested' };

function jobIdIn(text: string): string {
  const id = text.match(/\bJ[0-9A-Z]{10}\b/)?.[0];
  assert.ok(id, `no job id in ${text}`);
  return id;
}

const verbs = (card: AdaptiveCardJson) => ((card.actions ?? []) as Array<{ verb?: string; title?: string }>).map((a) => a.verb ?? a.title);

describe('Job Posting API channel: settings, handlers and channel switching (real route table, Azurite)', function () {
  const azurite = useAzurite();
  let deps: BotDeps;
  let jobs: TableJobStore;
  let settings: TableSettingsStore;
  let notifier: RecordingNotifier;
  let woken: string[];
  let switcher: ChannelSwitchService;
  let feed: Awaited<ReturnType<typeof feedStack>>['feed'];
  let bot: BotHarness;
  let linkedIn: FakeLinkedIn;
  let jobPostingAnswer: number;

  beforeEach(async () => {
    const connection = azurite().connection;
    const [conversationsTable, settingsTable] = await freshTables(connection, 'conv', 'settings');
    settings = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, secretBoxFrom(undefined));
    const stack = await feedStack(connection, settings, () => new Date());
    jobs = stack.jobs;
    feed = stack.feed;
    notifier = new RecordingNotifier();
    woken = [];
    const waker = { wake: (tenantId: string) => void woken.push(tenantId) };
    switcher = new ChannelSwitchService({ jobs, settings, waker, notifier, bootstrapAdmins: () => [ADMIN.aadObjectId], logger: silentLogger });
    jobPostingAnswer = 200;
    linkedIn = await new FakeLinkedIn({ clientId: RSC.rscClientId, clientSecret: RSC.rscClientSecret, organizationId: RSC.rscOrganizationId }).start();
    linkedIn.route('GET', '/v2/simpleJobPostingTasks', (call, res) => {
      if (!call.clientId) return linkedIn.send(res, 401, { message: 'Invalid access token', status: 401 });
      if (jobPostingAnswer === 403) return linkedIn.send(res, 403, { message: 'Caller is not authorized to access the jobs', status: 403 });
      linkedIn.send(res, 200, { results: {}, errors: { [call.url.searchParams.get('ids') ?? '']: { status: 404, message: 'Not found' } } });
    });
    deps = {
      jobs, feed, settings, notifier, conversations: new TableConversationStore(conversationsTable), bootstrapAdmins: [ADMIN.aadObjectId],
      now: () => new Date(), apiWaker: waker, channelSwitch: switcher,
      linkedInAdmin: new LinkedInClient({ oauthBaseUrl: linkedIn.url, apiBaseUrl: linkedIn.url, timeoutMs: 2000 })
    };
    bot = new BotHarness(deps);
  });

  afterEach(() => linkedIn.stop());

  async function etag(): Promise<string> {
    return (await settings.get(TENANT)).etag ?? '';
  }

  async function saveSettings(user: TestUser, overrides: Record<string, unknown>): Promise<AdaptiveCardJson> {
    return bot.execute(user, 'settings.save', settingsForm({
      etag: await etag(), recruiters: RECRUITER.aadObjectId, companyId: '1234', posterEmail: 'jobs@contoso.com', ...RSC, ...overrides
    }));
  }

  async function post(user: TestUser, overrides: Record<string, unknown> = {}): Promise<Job> {
    const card = await bot.execute(user, 'job.submit', validForm(overrides));
    return (await jobs.get(TENANT, jobIdIn(cardText(card))))!;
  }

  /** What the engine does when LinkedIn answers: the job row changes under its ETag. */
  async function linkedInAnswers(id: string, api: Partial<ApiPosting>, extra: Partial<Job> = {}): Promise<Job> {
    const job = (await jobs.get(TENANT, id))!;
    return jobs.update({ ...job, ...extra, api: { ...job.api!, ...api } });
  }

  const LIVE = (id: string) => ({
    state: 'on_linkedin' as const,
    status: { jobPostingUrn: `urn:li:jobPosting:${id}`, jobPostingUrl: `https://www.linkedin.com/jobs/view/${id}`, listingStatus: 'LISTED', checkedAt: new Date().toISOString() }
  });

  async function feedCount(): Promise<number> {
    const outcome = await feed.buildNow(TENANT);
    assert.equal(outcome.outcome, 'built');
    return outcome.jobCount;
  }

  it('the settings card: admins choose the channel (audited), it needs the RSC credentials, non-admins change nothing', async () => {
    const opened = await bot.execute(ADMIN, 'settings.open', {});
    assert.match(cardText(opened), /How jobs reach LinkedIn[\s\S]*Daily feed: free[\s\S]*Job Posting API: usually live within minutes/);
    const incomplete = await bot.execute(ADMIN, 'settings.save', settingsForm({ etag: await etag(), postingChannel: 'api' }));
    assert.match(cardText(incomplete), /The Job Posting API needs the LinkedIn client ID, client secret and organization ID/);
    assert.equal((await settings.get(TENANT)).postingChannel, 'feed', 'nothing half-written');

    const saved = await saveSettings(ADMIN, { postingChannel: 'api', linkedInContractId: '778899' });
    assert.match(cardText(saved), /Settings saved[\s\S]*Jobs now go to LinkedIn through the Job Posting API; no open job had to move/);
    const stored = await settings.get(TENANT);
    assert.deepEqual([stored.postingChannel, stored.linkedInContractId], ['api', '778899']);
    assert.equal(stored.channelSwitch, undefined, 'no open job to move: the switch is over at once');
    assert.ok(notifier.notices.some((n) => n.message.data.key === 'channel.switchDone.api'));
    const fields = (await settings.history(TENANT, 20)).map((entry) => entry.field);
    assert.ok(fields.includes('postingChannel') && fields.includes('linkedInContractId'), fields.join());

    const refused = await bot.execute(RECRUITER, 'settings.save', settingsForm({ etag: await etag(), postingChannel: 'feed' }));
    assert.match(cardText(refused), /Only admins/);
    assert.equal((await settings.get(TENANT)).postingChannel, 'api');
  });

  it('"Test" says in words what LinkedIn answered: ok, not approved (403), wrong credentials, unreachable', async () => {
    await saveSettings(ADMIN, {});
    assert.match(cardText(await bot.execute(ADMIN, 'settings.jobPostingTest', {})), /LinkedIn accepted the client ID and secret and lets this application post jobs/);
    jobPostingAnswer = 403;
    assert.match(cardText(await bot.execute(ADMIN, 'settings.jobPostingTest', {})), /LinkedIn has not approved this application for job posting \(403\)/);
    await saveSettings(ADMIN, { rscClientSecret: 'wrong-secret-1' });
    assert.match(cardText(await bot.execute(ADMIN, 'settings.jobPostingTest', {})), /the client ID or secret is wrong/);
    await linkedIn.stop();
    assert.match(cardText(await bot.execute(ADMIN, 'settings.jobPostingTest', {})), /LinkedIn could not be reached/);
    assert.match(cardText(await bot.execute(RECRUITER, 'settings.jobPostingTest', {})), /Only admins/);
    linkedIn = await new FakeLinkedIn({ clientId: 'x', clientSecret: 'y', organizationId: '1' }).start();
  });

  it('on an API tenant a job goes by API only: CREATE queued, the sender woken, the card says so; approval comes first', async () => {
    await saveSettings(ADMIN, { postingChannel: 'api', postingPolicy: 'approval' });
    woken.length = 0;
    const form = (await bot.say(RECRUITER, 'post job'))[0].attachments?.[0]?.content as AdaptiveCardJson;
    assert.match(cardText(form), /The job is sent to LinkedIn's Job Posting API and is usually live within minutes/);
    const job = await post(RECRUITER, { title: 'API engineer' });
    assert.deepEqual([job.channel, job.api?.state, job.api?.operation, job.api?.listingType], ['api', 'waiting', 'CREATE', 'BASIC']);
    assert.deepEqual(woken, [TENANT]);
    const card = await bot.execute(RECRUITER, 'job.show', { jobId: job.id });
    assert.match(cardText(card), /Waiting to be sent[\s\S]*Job Posting API[\s\S]*Sent to LinkedIn's Job Posting API: usually live within minutes/);
    assert.equal(await feedCount(), 0, 'never in the feed');
    const list = cardText((await bot.say(RECRUITER, 'my jobs'))[0].attachments?.[0]?.content as AdaptiveCardJson);
    assert.match(list, /API engineer[\s\S]*Job Posting API[\s\S]*Waiting to be sent/);
    assert.doesNotMatch(list, /next feed build/i, 'only API jobs listed: no feed build time');

    const managers = await post(MANAGER, { title: 'Lagerleder' });
    assert.equal(managers.state, 'awaiting_approval');
    assert.equal(managers.api, undefined, 'nothing goes to LinkedIn before approval');
    await bot.execute(RECRUITER, 'approval.decide', { jobId: managers.id, decision: 'approve', reason: '' });
    const approved = (await jobs.get(TENANT, managers.id))!;
    assert.deepEqual([approved.state, approved.channel, approved.api?.operation], ['queued', 'api', 'CREATE']);
    const result = notifier.notices.find((n) => n.message.kind === 'approval.result')!;
    const told = approvalRenderers['approval.result']('en', result.message.data);
    assert.match('text' in told ? told.text : '', /was approved by Alex Wilber and is on its way to LinkedIn's Job Posting API/);
    const why = (await bot.say(RECRUITER, `why isn't job ${job.id} on LinkedIn?`))[0].attachments?.[0]?.content as AdaptiveCardJson;
    assert.match(cardText(why), /goes to LinkedIn through the Job Posting API, not the daily feed[\s\S]*Waiting to be sent/);
  });

  it('edit sends UPDATE (title locked), a refused job is edited and resubmitted, close sends CLOSE', async () => {
    await saveSettings(ADMIN, { postingChannel: 'api' });
    const job = await post(RECRUITER, { title: 'Backend Engineer' });
    const live = await linkedInAnswers(job.id, LIVE('1'));
    const shown = await bot.execute(RECRUITER, 'job.show', { jobId: job.id });
    assert.match(cardText(shown), /On LinkedIn[\s\S]*Listing status[\s\S]*Listed/);
    assert.ok(verbs(shown).includes('View on LinkedIn'));

    const renamed = await bot.execute(RECRUITER, 'job.submit', { ...validForm({ title: 'Another title' }), jobId: job.id, etag: live.etag });
    assert.match(cardText(renamed), /The title cannot change after LinkedIn has received the job/);
    const edited = await bot.execute(RECRUITER, 'job.submit', { ...validForm({ title: undefined, city: 'Bergen' }), jobId: job.id, etag: live.etag });
    assert.match(cardText(edited), /updated; the change is on its way to LinkedIn/);
    const updated = (await jobs.get(TENANT, job.id))!;
    assert.deepEqual([updated.title, updated.city, updated.api?.operation, updated.api?.version], ['Backend Engineer', 'Bergen', 'UPDATE', 2]);

    const refused = await linkedInAnswers(job.id, { state: 'rejected', error: 'Invalid Field: /city' });
    const card = await bot.execute(RECRUITER, 'job.show', { jobId: job.id });
    assert.match(cardText(card), /LinkedIn did not accept the city\. Edit the job and save it to send it again/);
    assert.ok(verbs(card).includes('job.edit'));
    await bot.execute(RECRUITER, 'job.submit', { ...validForm({ title: undefined, city: 'Oslo' }), jobId: job.id, etag: refused.etag });
    assert.deepEqual([(await jobs.get(TENANT, job.id))!.api?.operation, (await jobs.get(TENANT, job.id))!.api?.state], ['UPDATE', 'waiting']);

    await linkedInAnswers(job.id, LIVE('1'));
    const current = (await jobs.get(TENANT, job.id))!;
    const closed = await bot.execute(RECRUITER, 'job.close', { jobId: job.id, etag: current.etag });
    assert.match(cardText(closed), /LinkedIn is told through the Job Posting API and takes it down within minutes/);
    const after = (await jobs.get(TENANT, job.id))!;
    assert.deepEqual([after.state, after.api?.operation, after.api?.state], ['closed', 'CLOSE', 'waiting']);
  });

  it('Renew shows only for a job about to expire and queues RENEW; Promote needs a contract id and a recruiter or admin', async () => {
    await saveSettings(ADMIN, { postingChannel: 'api' });
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const expiring = await post(RECRUITER, { expirationDate: soon });
    await linkedInAnswers(expiring.id, LIVE('2'));
    const card = await bot.execute(RECRUITER, 'job.show', { jobId: expiring.id });
    assert.ok(verbs(card).includes('job.renew'));
    assert.ok(!verbs(card).includes('job.promote'), 'no contract id: no Promote');
    const renewed = await bot.execute(RECRUITER, 'job.renew', { jobId: expiring.id });
    assert.match(cardText(renewed), /will be renewed on LinkedIn for 30 more days/);
    assert.equal((await jobs.get(TENANT, expiring.id))!.api?.operation, 'RENEW');

    const later = await post(RECRUITER);
    await linkedInAnswers(later.id, LIVE('3'));
    assert.ok(!verbs(await bot.execute(RECRUITER, 'job.show', { jobId: later.id })).includes('job.renew'));
    assert.match(cardText(await bot.execute(RECRUITER, 'job.renew', { jobId: later.id })), /Renew is for a job on LinkedIn that expires within 7 days/);
    assert.equal((await jobs.get(TENANT, later.id))!.api?.operation, 'CREATE', 'a forged Renew changes nothing');
    assert.match(cardText(await bot.execute(RECRUITER, 'job.promote', { jobId: later.id })), /Promoting needs your organization's LinkedIn contract ID/);

    await saveSettings(ADMIN, { postingChannel: 'api', linkedInContractId: '778899' });
    assert.ok(verbs(await bot.execute(RECRUITER, 'job.show', { jobId: later.id })).includes('job.promote'));
    const managers = await post(MANAGER);
    await linkedInAnswers(managers.id, LIVE('4'));
    assert.ok(!verbs(await bot.execute(MANAGER, 'job.show', { jobId: managers.id })).includes('job.promote'), 'hiring managers do not promote');
    assert.match(cardText(await bot.execute(MANAGER, 'job.promote', { jobId: managers.id })), /Bare administratorer eller rekrutterere/);
    assert.equal((await jobs.get(TENANT, managers.id))!.promoted, undefined);
    const promoted = await bot.execute(RECRUITER, 'job.promote', { jobId: later.id });
    assert.match(cardText(promoted), /will be promoted on LinkedIn \(premium listing\)/);
    const stored = (await jobs.get(TENANT, later.id))!;
    assert.deepEqual([stored.promoted, stored.api?.operation, stored.api?.listingType], [true, 'UPDATE', 'PREMIUM']);
  });

  it('feed → API: each open job is sent by API and stays in the feed until LinkedIn confirms it; admins are told when all moved', async () => {
    await saveSettings(ADMIN, {});
    const [a, b, c] = [await post(RECRUITER, { title: 'One' }), await post(RECRUITER, { title: 'Two' }), await post(RECRUITER, { title: 'Three' })];
    const gone = await post(RECRUITER, { title: 'Closed one' });
    await bot.execute(RECRUITER, 'job.close', { jobId: gone.id, etag: gone.etag });
    assert.equal(await feedCount(), 3);

    const switched = await saveSettings(ADMIN, { postingChannel: 'api' });
    assert.match(cardText(switched), /Open jobs are being sent; each stays in the feed until LinkedIn confirms it/);
    for (const job of [a, b, c]) {
      const stored = (await jobs.get(TENANT, job.id))!;
      assert.deepEqual([stored.channel ?? 'feed', stored.api?.operation, stored.api?.state], ['feed', 'CREATE', 'waiting']);
    }
    assert.equal((await jobs.get(TENANT, gone.id))!.api, undefined, 'a closed job is not sent');
    assert.ok(woken.includes(TENANT));
    assert.equal(await feedCount(), 3, 'still in the feed while LinkedIn has not confirmed them');
    assert.match(cardText(await bot.execute(RECRUITER, 'job.show', { jobId: a.id })), /It stays in the daily feed until LinkedIn confirms it/);
    assert.match(cardText((await bot.say(RECRUITER, 'feed status'))[0].attachments?.[0]?.content as AdaptiveCardJson), /Open jobs are moving to the Job Posting API/);

    // The sender: LinkedIn confirmed two (the sender puts them on the API channel) and refused one.
    await linkedInAnswers(a.id, LIVE('a'), { channel: 'api' });
    await linkedInAnswers(b.id, LIVE('b'), { channel: 'api' });
    const refused = await linkedInAnswers(c.id, { state: 'rejected', error: 'Invalid Field: /postalCode' });
    assert.deepEqual(await switcher.advance(TENANT), { pending: 1, refused: 1 });
    assert.equal(await feedCount(), 1, 'only the job LinkedIn has not confirmed stays in the feed');
    assert.ok((await settings.get(TENANT)).channelSwitch, 'the switch waits for the refused job');

    // Its author fixes it: sent again by API, then confirmed.
    await bot.execute(RECRUITER, 'job.submit', { ...validForm({ title: undefined, postalCode: '0151' }), jobId: c.id, etag: refused.etag });
    assert.deepEqual([(await jobs.get(TENANT, c.id))!.api?.operation, (await jobs.get(TENANT, c.id))!.api?.state], ['CREATE', 'waiting']);
    await linkedInAnswers(c.id, LIVE('c'), { channel: 'api' });
    assert.deepEqual(await switcher.advance(TENANT), { pending: 0, refused: 0 });
    assert.equal(await feedCount(), 0);
    assert.equal((await settings.get(TENANT)).channelSwitch, undefined);
    const told = notifier.notices.filter((n) => n.message.data.key === 'channel.switchDone.api');
    assert.deepEqual(told.map((n) => n.to), [{ kind: 'user', aadObjectId: ADMIN.aadObjectId }]);
    assert.ok((await settings.history(TENANT, 20)).some((entry) => entry.field === 'channelSwitch'));
    assert.equal(await switcher.advance(TENANT), undefined, 'nothing more to do');
  });

  it('API → feed: each job is closed on the API first and only then goes back into the feed; never both', async () => {
    await saveSettings(ADMIN, { postingChannel: 'api' });
    const live = await post(RECRUITER, { title: 'Live' });
    await linkedInAnswers(live.id, LIVE('l'));
    const neverSent = await post(RECRUITER, { title: 'Refused' });
    await linkedInAnswers(neverSent.id, { state: 'rejected', error: 'Invalid Field: /description' });
    assert.equal((await settings.get(TENANT)).channelSwitch, undefined, 'the first switch (to the API) had nothing to move');

    const saved = await saveSettings(ADMIN, { postingChannel: 'feed' });
    assert.match(cardText(saved), /Open jobs are closed on the API first, then go into the next feed build/);
    const closing = (await jobs.get(TENANT, live.id))!;
    assert.deepEqual([closing.channel, closing.api?.operation, closing.api?.state], ['api', 'CLOSE', 'waiting']);
    const moved = (await jobs.get(TENANT, neverSent.id))!;
    assert.deepEqual([moved.channel, moved.state], ['feed', 'queued'], 'LinkedIn never had it by API: back on the feed at once');
    assert.equal(await feedCount(), 1, 'the job LinkedIn still has by API is not in the feed');

    await linkedInAnswers(live.id, { state: 'closed' });
    assert.deepEqual(await switcher.advance(TENANT), { pending: 0, refused: 0 });
    const back = (await jobs.get(TENANT, live.id))!;
    assert.deepEqual([back.channel, back.state], ['feed', 'queued']);
    assert.equal(await feedCount(), 2);
    assert.equal((await settings.get(TENANT)).channelSwitch, undefined);
    assert.ok(notifier.notices.some((n) => n.message.data.key === 'channel.switchDone.feed'));
    const card = await bot.execute(RECRUITER, 'job.show', { jobId: live.id });
    assert.match(cardText(card), /Daily feed[\s\S]*LinkedIn reads the feed once a day/);
  });

  it('a switch stored but never started (the process died after the save) is finished by the pass; two processes at once queue each job once', async () => {
    await saveSettings(ADMIN, {});
    const posted = [await post(RECRUITER, { title: 'One' }), await post(RECRUITER, { title: 'Two' })];
    // The save goes through a process whose switch service never ran: only the settings row knows.
    const crashed = new BotHarness({ ...deps, channelSwitch: undefined });
    await crashed.execute(ADMIN, 'settings.save', settingsForm({
      etag: await etag(), recruiters: RECRUITER.aadObjectId, companyId: '1234', posterEmail: 'jobs@contoso.com', ...RSC, postingChannel: 'api'
    }));
    assert.equal((await jobs.get(TENANT, posted[0].id))!.api, undefined, 'nothing queued yet');
    assert.equal((await settings.get(TENANT)).channelSwitch?.to, 'api', 'but the switch is stored');

    // Two processes pick it up at the same moment: each job gets one CREATE, version 1.
    const other = new ChannelSwitchService({ jobs, settings, waker: { wake: () => undefined }, notifier, bootstrapAdmins: () => [], logger: silentLogger });
    const tenants = { add: async () => undefined, list: async () => [TENANT] };
    await Promise.all([
      new ChannelSwitchPass({ tenants, settings, service: switcher, logger: silentLogger }).tick(),
      new ChannelSwitchPass({ tenants, settings, service: other, logger: silentLogger }).tick()
    ]);
    for (const job of posted) {
      const stored = (await jobs.get(TENANT, job.id))!;
      assert.deepEqual([stored.channel ?? 'feed', stored.api?.operation, stored.api?.version], ['feed', 'CREATE', 1]);
    }
    assert.deepEqual(await switcher.advance(TENANT), { pending: 2, refused: 0 });
  });
});
