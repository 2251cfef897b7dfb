import assert from 'node:assert/strict';
import type { BotDeps } from '../../src/bot/types';
import { approvalRenderers } from '../../src/bot/approvalNotices';
import { plainBox } from '../../src/storage/secretBox';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableJobStore } from '../../src/storage/tableJobStore';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { freshTables, useAzurite } from '../support/azurite';
import { feedStack } from '../support/feedStack';
import { BotHarness, cardText, type TestUser } from '../support/botHarness';
import { validForm } from '../support/samples';
import { RecordingNotifier, settingsForm } from '../support/settingsSupport';

const TENANT = 'tenant-p';
const ADMIN: TestUser = { aadObjectId: 'aad-admin', name: 'Adele Vance', tenantId: TENANT };
const RECRUITER_1: TestUser = { aadObjectId: 'aad-rec1', name: 'Alex Wilber', tenantId: TENANT };
const RECRUITER_2: TestUser = { aadObjectId: 'aad-rec2', name: 'Megan Bowen', tenantId: TENANT, locale: 'nb-NO' };
const MANAGER: TestUser = { aadObjectId: 'aad-manager', name: 'Kari Nordmann', tenantId: TENANT };

function jobIdIn(text: string): string {
  const id = text.match(/\bJ[0-9A-Z]{10}\b/)?.[0];
  assert.ok(id, `no job id in ${text}`);
  return id;
}

function hasButtons(card: object): boolean {
  return /"verb":"approval\.decide"/.test(JSON.stringify(card));
}

describe('approvals: hiring managers\' jobs wait for a recruiter (real route table, Azurite)', function () {
  const azurite = useAzurite();
  let deps: BotDeps;
  let jobs: TableJobStore;
  let notifier: RecordingNotifier;
  let bot: BotHarness;

  beforeEach(async () => {
    const connection = azurite().connection;
    const [conversationsTable, settingsTable] = await freshTables(connection, 'conv', 'settings');
    const settings = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, plainBox);
    const stack = await feedStack(connection, settings, () => new Date());
    jobs = stack.jobs;
    notifier = new RecordingNotifier();
    deps = {
      jobs,
      feed: stack.feed,
      conversations: new TableConversationStore(conversationsTable),
      settings,
      bootstrapAdmins: [ADMIN.aadObjectId],
      now: () => new Date(),
      notifier
    };
    bot = new BotHarness(deps);
  });

  async function setPolicy(policy: 'direct' | 'approval') {
    const card = await bot.execute(ADMIN, 'settings.save', settingsForm({ postingPolicy: policy, recruiters: `${RECRUITER_1.aadObjectId},${RECRUITER_2.aadObjectId}` }));
    assert.match(cardText(card), /Settings saved/);
  }

  async function submitAsManager(): Promise<string> {
    const card = await bot.execute(MANAGER, 'job.submit', validForm({ title: 'Warehouse lead' }));
    assert.match(cardText(card), /waiting for a recruiter's approval/);
    return jobIdIn(cardText(card));
  }

  it('with the approval policy a hiring manager\'s job awaits approval, and every recruiter gets an approval card', async () => {
    await setPolicy('approval');
    const id = await submitAsManager();
    assert.equal((await jobs.get(TENANT, id))?.state, 'awaiting_approval');
    const requests = notifier.notices.filter((n) => n.message.kind === 'approval.requested');
    assert.deepEqual(requests.map((n) => n.to).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [
      { kind: 'user', aadObjectId: RECRUITER_1.aadObjectId },
      { kind: 'user', aadObjectId: RECRUITER_2.aadObjectId }
    ]);
    assert.ok(requests.every((n) => n.thread === `approval:${id}` && n.tenantId === TENANT));
    assert.equal(new Set(requests.map((n) => n.key)).size, 2, 'one key per recipient');
    const rendered = approvalRenderers['approval.requested']('nb', requests[0].message.data);
    assert.ok('card' in rendered && hasButtons(rendered.card));
    assert.match(cardText('card' in rendered ? rendered.card : undefined), /Godkjenning trengs: Warehouse lead[\s\S]*Kari Nordmann vil publisere/);
  });

  it('approve: the job is queued, every card is updated in place, the hiring manager is told', async () => {
    await setPolicy('approval');
    const id = await submitAsManager();
    const card = await bot.execute(RECRUITER_1, 'approval.decide', { jobId: id, decision: 'approve', reason: '' });
    assert.match(cardText(card), /Approved by Alex Wilber/);
    assert.ok(!hasButtons(card), 'the decided card has no buttons');
    const job = await jobs.get(TENANT, id);
    assert.equal(job?.state, 'queued');
    assert.equal(job?.approval?.decidedBy?.name, 'Alex Wilber');
    assert.equal(notifier.threadUpdates.length, 1);
    assert.equal(notifier.threadUpdates[0].thread, `approval:${id}`);
    const updated = approvalRenderers['approval.decided']('en', notifier.threadUpdates[0].message.data);
    assert.ok('card' in updated && !hasButtons(updated.card));
    const result = notifier.notices.filter((n) => n.message.kind === 'approval.result');
    assert.equal(result.length, 1);
    assert.deepEqual(result[0].to, { kind: 'user', aadObjectId: MANAGER.aadObjectId });
    const told = approvalRenderers['approval.result']('en', result[0].message.data);
    assert.match('text' in told ? told.text : '', /Your job Warehouse lead \(J[0-9A-Z]{10}\) was approved by Alex Wilber and is queued/);
  });

  it('reject needs a reason; with one, the job goes back to draft, the manager is told why and can submit it again', async () => {
    await setPolicy('approval');
    const id = await submitAsManager();
    const noReason = await bot.execute(RECRUITER_1, 'approval.decide', { jobId: id, decision: 'reject', reason: '  ' });
    assert.match(cardText(noReason), /Enter a reason so the hiring manager knows what to change/);
    assert.equal((await jobs.get(TENANT, id))?.state, 'awaiting_approval');

    const card = await bot.execute(RECRUITER_1, 'approval.decide', { jobId: id, decision: 'reject', reason: 'Add the salary range' });
    assert.match(cardText(card), /Rejected by Alex Wilber .*: Add the salary range/);
    const rejected = await jobs.get(TENANT, id);
    assert.equal(rejected?.state, 'draft');
    const result = notifier.notices.find((n) => n.message.kind === 'approval.result')!;
    const told = approvalRenderers['approval.result']('en', result.message.data);
    assert.match('text' in told ? told.text : '', /was not approved by Alex Wilber: Add the salary range\. Type edit job J[0-9A-Z]{10}/);

    // The manager edits and submits again: it waits for approval once more, and recruiters are asked again.
    const before = notifier.notices.filter((n) => n.message.kind === 'approval.requested').length;
    const resubmitted = await bot.execute(MANAGER, 'job.submit', { ...validForm({ title: 'Warehouse lead' }), jobId: id, etag: rejected?.etag });
    assert.match(cardText(resubmitted), /waiting for a recruiter's approval/);
    assert.equal((await jobs.get(TENANT, id))?.state, 'awaiting_approval');
    assert.equal(notifier.notices.filter((n) => n.message.kind === 'approval.requested').length, before + 2);
  });

  it('two recruiters deciding at once: one decision, the other sees who decided first', async () => {
    await setPolicy('approval');
    const id = await submitAsManager();
    const other = new BotHarness(deps);
    const [first, second] = await Promise.all([
      bot.execute(RECRUITER_1, 'approval.decide', { jobId: id, decision: 'approve', reason: '' }),
      other.execute(RECRUITER_2, 'approval.decide', { jobId: id, decision: 'reject', reason: 'Not now' })
    ]);
    const job = await jobs.get(TENANT, id);
    const decidedBy = job?.approval?.decidedBy?.name;
    assert.ok(decidedBy === 'Alex Wilber' || decidedBy === 'Megan Bowen');
    assert.equal(job?.state, decidedBy === 'Alex Wilber' ? 'queued' : 'draft');
    const loser = decidedBy === 'Alex Wilber' ? second : first;
    assert.match(cardText(loser), decidedBy === 'Alex Wilber' ? /Alex Wilber bestemte seg først/ : /Megan Bowen decided first/);
    assert.equal(notifier.threadUpdates.length, 1, 'one decision announced');
    assert.equal(notifier.notices.filter((n) => n.message.kind === 'approval.result').length, 1);
  });

  it('a hiring manager cannot approve (even their own job with a forged card); the job keeps waiting', async () => {
    await setPolicy('approval');
    const id = await submitAsManager();
    const card = await bot.execute(MANAGER, 'approval.decide', { jobId: id, decision: 'approve', reason: '' });
    assert.match(cardText(card), /Only admins or recruiters may do that/);
    assert.equal((await jobs.get(TENANT, id))?.state, 'awaiting_approval');
    assert.equal(notifier.threadUpdates.length, 0);
  });

  it('an admin may decide too; recruiters and admins post without approval', async () => {
    await setPolicy('approval');
    const id = await submitAsManager();
    assert.match(cardText(await bot.execute(ADMIN, 'approval.decide', { jobId: id, decision: 'approve', reason: '' })), /Approved by Adele Vance/);
    for (const user of [RECRUITER_1, ADMIN]) {
      const card = await bot.execute(user, 'job.submit', validForm());
      assert.equal((await jobs.get(TENANT, jobIdIn(cardText(card))))?.state, 'queued', `${user.name} posts directly`);
    }
  });

  it('with the direct policy a hiring manager\'s job is queued at once and nobody is asked', async () => {
    await setPolicy('direct');
    const card = await bot.execute(MANAGER, 'job.submit', validForm());
    assert.match(cardText(card), /Queued for LinkedIn's next daily feed/);
    assert.equal((await jobs.get(TENANT, jobIdIn(cardText(card))))?.state, 'queued');
    assert.equal(notifier.notices.length, 0);
  });

  it('with no recruiters named, the admins are asked', async () => {
    await bot.execute(ADMIN, 'settings.save', settingsForm({ postingPolicy: 'approval' }));
    await submitAsManager();
    assert.deepEqual(notifier.notices.map((n) => n.to), [{ kind: 'user', aadObjectId: ADMIN.aadObjectId }]);
  });
});
