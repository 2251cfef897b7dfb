/**
 * Approval reminders and the morning digest against Azurite: the real route table (BotHarness), the real outbox
 * (keyed notices, thread updates), the morning scheduler driven by an injected clock across days and time zones.
 */
import assert from 'node:assert/strict';
import type { BotDeps } from '../../src/bot/types';
import { silentLogger } from '../../src/logger';
import { MorningScheduler } from '../../src/morning/morningScheduler';
import { DIGEST_KIND, digestRenderers, type DigestData } from '../../src/morning/digest';
import { approvalRenderers } from '../../src/bot/approvalNotices';
import { OutboxNotifier } from '../../src/notifications/outboxNotifier';
import { builtInRenderers } from '../../src/bot/builtInRenderers';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableExportInbox } from '../../src/storage/exportInbox';
import { TableLeaseStore } from '../../src/storage/leaseStore';
import { TablePreferenceStore } from '../../src/storage/preferenceStore';
import { plainBox } from '../../src/storage/secretBox';
import { TableOutboxStore } from '../../src/storage/tableOutboxStore';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import type { OutboxNotice } from '../../src/storage/outboxStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardText, type TestUser } from '../support/botHarness';
import { feedStack } from '../support/feedStack';
import { validForm } from '../support/samples';
import { settingsForm } from '../support/settingsSupport';

const TENANT = 'tenant-m';
const ADMIN: TestUser = { aadObjectId: 'aad-admin', name: 'Adele Vance', tenantId: TENANT };
const OSLO: TestUser = { aadObjectId: 'aad-rec-oslo', name: 'Rita Recruiter', tenantId: TENANT, locale: 'nb-NO', timeZone: 'Europe/Oslo' };
const NEW_YORK: TestUser = { aadObjectId: 'aad-rec-ny', name: 'Nora Recruiter', tenantId: TENANT, timeZone: 'America/New_York' };
const MANAGER: TestUser = { aadObjectId: 'aad-manager', name: 'Kari Nordmann', tenantId: TENANT, timeZone: 'Europe/Oslo' };
const OTHER_MANAGER: TestUser = { aadObjectId: 'aad-manager-2', name: 'Ola Nordmann', tenantId: TENANT };

/** Monday 30 November 2026, 10:00 in Oslo: the job is submitted. */
const SUBMITTED = new Date('2026-11-30T09:00:00Z');

const text = (replies: Array<{ text?: string }>) => replies.map((r) => r.text ?? '').join('\n');

describe('morning: approval reminders and the digest (scheduler with an injected clock, Azurite)', function () {
  const azurite = useAzurite();
  let clock: Date;
  let bot: BotHarness;
  let outbox: TableOutboxStore;
  let deps: BotDeps;
  let schedulerDeps: ConstructorParameters<typeof MorningScheduler>[0];
  let jobId: string;

  const morningAt = async (iso: string, scheduler = new MorningScheduler(schedulerDeps)) => {
    clock = new Date(iso);
    return scheduler.tenantPass(TENANT);
  };
  const rows = async (): Promise<OutboxNotice[]> => outbox.list(TENANT, ['pending'], 1000);
  const keysFor = async (who: TestUser, prefix: string) => (await rows()).filter((r) => r.key.startsWith(prefix) && r.to.kind === 'user' && r.to.aadObjectId === who.aadObjectId).map((r) => r.key);
  const renderers = { ...builtInRenderers, ...approvalRenderers, ...digestRenderers({ get: async (_tenant, id) => (id === 'C-ada' ? { firstName: 'Ada', lastName: 'Lovelace', emails: [] } as never : undefined) }) };

  beforeEach(async () => {
    const connection = azurite().connection;
    const [conversationsTable, settingsTable, outboxTable, preferencesTable, leasesTable, exportsTable] =
      await freshTables(connection, 'conv', 'settings', 'outbox', 'prefs', 'leases', 'exports');
    clock = SUBMITTED;
    const now = () => clock;
    const settings = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, plainBox);
    const stack = await feedStack(connection, settings, now);
    outbox = new TableOutboxStore(outboxTable);
    const notifier = new OutboxNotifier(outbox, renderers, undefined, now);
    const conversations = new TableConversationStore(conversationsTable);
    const preferences = new TablePreferenceStore(preferencesTable);
    const exportInbox = new TableExportInbox(exportsTable, () => Date.parse('2026-12-01T15:00:00Z'));
    deps = { jobs: stack.jobs, feed: stack.feed, conversations, settings, bootstrapAdmins: [ADMIN.aadObjectId], now, notifier, preferences, exportInbox };
    bot = new BotHarness(deps);
    schedulerDeps = {
      tenants: { list: async () => [TENANT], add: async () => undefined },
      settings, leases: new TableLeaseStore(leasesTable), jobs: stack.jobs, conversations, preferences, exportInbox, feed: stack.feed, notifier,
      bootstrapAdmins: [ADMIN.aadObjectId], logger: silentLogger, now
    };
    const saved = await bot.execute(ADMIN, 'settings.save', settingsForm({ postingPolicy: 'approval', recruiters: `${OSLO.aadObjectId},${NEW_YORK.aadObjectId}` }));
    assert.match(cardText(saved), /Settings saved/);
    // Everyone has talked to the bot: their references, with the time zone their Teams client reports, are stored.
    for (const user of [ADMIN, OSLO, NEW_YORK, MANAGER]) await bot.say(user, 'help');
    const submitted = await bot.execute(MANAGER, 'job.submit', validForm({ title: 'Warehouse lead' }));
    jobId = cardText(submitted).match(/\bJ[0-9A-Z]{10}\b/)![0];
  });

  it('stores each person\'s time zone from Teams with their conversation', async () => {
    assert.equal((await deps.conversations.get(TENANT, OSLO.aadObjectId))?.timeZone, 'Europe/Oslo');
    assert.equal((await deps.conversations.get(TENANT, NEW_YORK.aadObjectId))?.timeZone, 'America/New_York');
    assert.equal((await deps.conversations.get(TENANT, ADMIN.aadObjectId))?.timeZone, undefined, 'none reported: the tenant\'s zone applies');
  });

  it('reminds each recruiter once, in their own morning, after 24 hours; the admins after 3 days; never twice', async () => {
    await morningAt('2026-12-01T07:05:00Z'); // Tuesday 08:05 in Oslo: only 22 hours
    assert.deepEqual(await keysFor(OSLO, 'approval-reminder'), []);

    await morningAt('2026-12-02T07:05:00Z'); // Wednesday 08:05 in Oslo, 02:05 in New York
    assert.deepEqual(await keysFor(OSLO, 'approval-reminder'), [`approval-reminder:${jobId}:${SUBMITTED.toISOString()}:${OSLO.aadObjectId}:2026-12-02`]);
    assert.deepEqual(await keysFor(NEW_YORK, 'approval-reminder'), [], 'still night in New York');
    await morningAt('2026-12-02T08:00:00Z'); // the same morning again, a fresh process (restart, second instance)
    assert.equal((await keysFor(OSLO, 'approval-reminder')).length, 1, 'sent once');
    await morningAt('2026-12-02T13:05:00Z'); // 08:05 in New York
    assert.equal((await keysFor(NEW_YORK, 'approval-reminder')).length, 1);

    const reminder = (await rows()).find((r) => r.key.includes(OSLO.aadObjectId) && r.key.startsWith('approval-reminder'))!;
    assert.equal(reminder.thread, `approval:${jobId}`, 'in the approval thread: a decision updates it too');
    const card = approvalRenderers['approval.requested']('nb', reminder.message.data);
    assert.match(cardText('card' in card ? card.card : undefined), /Påminnelse: denne jobben har ventet 1 dag/);
    assert.match(JSON.stringify(card), /approval\.decide/, 'with the Approve and Reject buttons');
    assert.deepEqual(await keysFor(ADMIN, 'approval-reminder'), [], 'admins are not told in the first days');

    await morningAt('2026-12-04T08:05:00Z'); // Friday: over 3 days; 08:05 for the admin (tenant zone UTC)
    assert.equal((await keysFor(ADMIN, 'approval-reminder')).length, 1, 'the admin is told after 3 days');
    assert.equal((await keysFor(OSLO, 'approval-reminder')).length, 2, 'and the recruiter once more, on a new day');
    const escalated = (await rows()).find((r) => r.key.startsWith('approval-reminder') && r.to.kind === 'user' && r.to.aadObjectId === ADMIN.aadObjectId)!;
    const adminCard = approvalRenderers['approval.requested']('en', escalated.message.data);
    assert.match(cardText('card' in adminCard ? adminCard.card : undefined), /waited 3 days for a recruiter\. You are told as an admin/);

    await morningAt('2026-12-05T08:05:00Z'); // Saturday
    assert.equal((await keysFor(OSLO, 'approval-reminder')).length, 2, 'no reminders at the weekend');
  });

  it('editing a waiting job updates every approval card in place and says it changed', async () => {
    await morningAt('2026-12-02T07:05:00Z');
    const job = await deps.jobs.get(TENANT, jobId);
    clock = new Date('2026-12-02T09:00:00Z');
    const edited = await bot.execute(MANAGER, 'job.submit', { ...validForm({ title: 'Warehouse lead', city: 'Bergen' }), jobId, etag: job?.etag });
    assert.match(cardText(edited), /updated/i);
    const thread = await outbox.inThread(TENANT, `approval:${jobId}`);
    assert.equal(thread.length, 3, 'two approval requests and the Oslo reminder');
    for (const row of thread) {
      assert.equal(row.revision, 1, `${row.key} restated`);
      const card = approvalRenderers['approval.requested']('en', row.message.data);
      assert.match(cardText('card' in card ? card.card : undefined), /Kari Nordmann changed this job on .*Please look at it again[\s\S]*Bergen/);
    }
  });

  it('remind approvers: the author, once a day, with clear answers otherwise (English and Norwegian)', async () => {
    clock = new Date('2026-11-30T12:00:00Z');
    assert.match(text(await bot.say(MANAGER, `remind approvers ${jobId}`)), /I reminded 2 approver\(s\) of job/);
    assert.equal((await rows()).filter((r) => r.key.startsWith('approval-nudge')).length, 2);
    assert.match(text(await bot.say({ ...MANAGER, locale: "nb-NO" }, `påminn godkjennere ${jobId.toLowerCase()}`)), /allerede påminnet i dag/);
    assert.match(text(await bot.say(OSLO, `remind approvers ${jobId}`)), /Bare den som la inn jobb/);
    assert.match(text(await bot.say(OTHER_MANAGER, `remind approvers ${jobId}`)), /belongs to someone else/);
    assert.match(text(await bot.say(MANAGER, 'remind approvers')), /Which job\?/);
    assert.equal((await rows()).filter((r) => r.key.startsWith('approval-nudge')).length, 2, 'nothing more was sent');
    clock = new Date('2026-12-01T08:00:00Z'); // the next day
    assert.match(text(await bot.say(MANAGER, `remind approvers ${jobId}`)), /I reminded 2 approver/);
    const nudge = (await rows()).find((r) => r.key.startsWith('approval-nudge'))!;
    const card = approvalRenderers['approval.requested']('en', nudge.message.data);
    assert.match(cardText('card' in card ? card.card : undefined), /Kari Nordmann asks you to look at this job/);
    await bot.execute(OSLO, 'approval.decide', { jobId, decision: 'approve', reason: '' });
    assert.match(text(await bot.say(MANAGER, `remind approvers ${jobId}`)), /is not waiting for approval/);
  });

  it('the digest: recruiters by default, admins who turn it on, nobody who turned it off, nothing when there is no news', async () => {
    // A candidate exported on Tuesday afternoon, not reviewed.
    await (schedulerDeps.exportInbox as TableExportInbox).settle(
      { tenantId: TENANT, eventId: 'ev-1', requestId: 'rq-1', receivedAt: '2026-12-01T15:00:00Z', attempts: 1, etag: '' },
      { status: 'done', card: { candidateId: 'C-ada', job: { id: jobId, title: 'Warehouse lead' } } }
    );
    assert.match(text(await bot.say(ADMIN, 'digest on')), /Your morning digest is on: one card at 08:00 \(UTC\)/);
    assert.match(text(await bot.say(NEW_YORK, 'digest off')), /Your morning digest is off/);
    assert.match(text(await bot.say(MANAGER, 'sammendrag på')), /The morning digest is for recruiters and admins/);
    assert.match(text(await bot.say({ ...OSLO, timeZone: undefined }, 'sammendrag på')), /Morgensammendraget ditt er på: ett kort kl\. 08:00 \(Europe\/Oslo\)/, 'the stored zone stays when an activity has none');
    assert.equal((await deps.conversations.get(TENANT, OSLO.aadObjectId))?.timeZone, 'Europe/Oslo');
    await morningAt('2026-12-02T08:05:00Z'); // Wednesday: 09:05 in Oslo, 08:05 for the admin
    await morningAt('2026-12-02T13:05:00Z'); // 08:05 in New York
    const digests = (await rows()).filter((r) => r.message.kind === DIGEST_KIND);
    assert.deepEqual(digests.map((r) => r.key).sort(), [`digest:${TENANT}:${ADMIN.aadObjectId}:2026-12-02`, `digest:${TENANT}:${OSLO.aadObjectId}:2026-12-02`]);
    const oslo = digests.find((r) => r.key.includes(OSLO.aadObjectId))!;
    const data = oslo.message.data as unknown as DigestData;
    assert.deepEqual(data.approvals.map((a) => a.jobId), [jobId]);
    assert.deepEqual(data.candidates, [{ candidateId: 'C-ada', jobId, jobTitle: 'Warehouse lead' }]);
    assert.doesNotMatch(JSON.stringify(oslo.message.data), /Lovelace/, 'the outbox holds ids, not the candidate\'s name');
    const card = await renderers[DIGEST_KIND]('nb', oslo.message.data);
    assert.match(cardText('card' in card ? card.card : undefined), /God morgen[\s\S]*Ada Lovelace, eksportert til Warehouse lead[\s\S]*Warehouse lead \(J[0-9A-Z]{10}\) fra Kari Nordmann/);

    // The job is decided and the candidate reviewed: Thursday has nothing to say.
    await bot.execute(OSLO, 'approval.decide', { jobId, decision: 'approve', reason: '' });
    await (schedulerDeps.exportInbox as TableExportInbox).markReviewed(TENANT, 'ev-1', { aadObjectId: OSLO.aadObjectId, name: OSLO.name }, new Date('2026-12-02T10:00:00Z'));
    await morningAt('2026-12-03T08:05:00Z');
    assert.equal((await rows()).filter((r) => r.message.kind === DIGEST_KIND && r.key.endsWith('2026-12-03')).length, 0);
  });
});
