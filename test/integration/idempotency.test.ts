import assert from 'node:assert/strict';
import { actionKey, idReserver } from '../../src/bot/once';
import { createJob, newJobId, validateJobInput } from '../../src/domain/job';
import type { BotDeps } from '../../src/bot/types';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableIdempotencyStore } from '../../src/storage/idempotencyStore';
import { plainBox } from '../../src/storage/secretBox';
import { TableJobStore } from '../../src/storage/tableJobStore';
import { TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { freshTables, useAzurite } from '../support/azurite';
import { BotHarness, cardOf, cardText, type TestUser } from '../support/botHarness';
import { feedStack } from '../support/feedStack';
import { actionData } from '../proof/support';
import { validForm } from '../support/samples';
import { RecordingNotifier, settingsForm } from '../support/settingsSupport';

const TENANT = 'tenant-once';
const ADMIN: TestUser = { aadObjectId: 'aad-admin', name: 'Adele Vance', tenantId: TENANT };
const RECRUITER_1: TestUser = { aadObjectId: 'aad-rec1', name: 'Alex Wilber', tenantId: TENANT };
const RECRUITER_2: TestUser = { aadObjectId: 'aad-rec2', name: 'Megan Bowen', tenantId: TENANT };
const MANAGER: TestUser = { aadObjectId: 'aad-manager', name: 'Kari Nordmann', tenantId: TENANT };

const jobIdIn = (text: string) => text.match(/\bJ[0-9A-Z]{10}\b/)?.[0];

describe('the same card action twice is one action (real route table, Azurite)', function () {
  const azurite = useAzurite();
  let deps: BotDeps;
  let jobs: TableJobStore;
  let notifier: RecordingNotifier;
  let actions: TableIdempotencyStore;
  let bot: BotHarness;

  beforeEach(async () => {
    const connection = azurite().connection;
    const [conversationsTable, settingsTable, actionsTable] = await freshTables(connection, 'conv', 'settings', 'actions');
    const settings = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [ADMIN.aadObjectId] }, plainBox);
    const stack = await feedStack(connection, settings, () => new Date());
    jobs = stack.jobs;
    notifier = new RecordingNotifier();
    actions = new TableIdempotencyStore(actionsTable);
    deps = {
      jobs,
      feed: stack.feed,
      conversations: new TableConversationStore(conversationsTable),
      settings,
      bootstrapAdmins: [ADMIN.aadObjectId],
      now: () => new Date(),
      notifier,
      actions
    };
    bot = new BotHarness(deps);
    const saved = await bot.execute(ADMIN, 'settings.save', settingsForm({ postingPolicy: 'approval', recruiters: `${RECRUITER_1.aadObjectId},${RECRUITER_2.aadObjectId}` }));
    assert.match(cardText(saved), /Settings saved/);
  });

  async function managersJobs() {
    return (await jobs.list({ tenantId: TENANT, pageSize: 100 })).jobs;
  }

  const approvalRequests = () => notifier.enqueueCalls.flat().filter((notice) => notice.message.kind === 'approval.requested');

  it('the same submit twice (a re-sent activity, a double click on one form) makes one job and one set of approval cards', async () => {
    const form = validForm({ title: 'Warehouse lead' });
    const first = await bot.execute(MANAGER, 'job.submit', form, { replyToId: 'form-1', id: 'activity-1' });
    const resent = await bot.execute(MANAGER, 'job.submit', form, { replyToId: 'form-1', id: 'activity-1' });
    const doubleClick = await bot.execute(MANAGER, 'job.submit', { ...form }, { replyToId: 'form-1', id: 'activity-2' });
    assert.equal((await managersJobs()).length, 1);
    assert.deepEqual(resent, first, 'the repeat gets the first answer');
    assert.deepEqual(doubleClick, first);
    assert.match(cardText(first), /waiting for a recruiter's approval/);
    assert.equal(approvalRequests().length, 2, 'one approval card per recruiter, once');
  });

  it('the same submit twice at once makes one job; both answers name it', async () => {
    const second = new BotHarness(deps);
    const form = validForm({ title: 'Night shift lead' });
    const answers = await Promise.all([
      bot.execute(MANAGER, 'job.submit', form, { replyToId: 'form-2', id: 'activity-3' }),
      second.execute(MANAGER, 'job.submit', form, { replyToId: 'form-2', id: 'activity-3' })
    ]);
    const stored = await managersJobs();
    assert.equal(stored.length, 1);
    assert.deepEqual(answers.map((card) => jobIdIn(cardText(card))), [stored[0].id, stored[0].id]);
    assert.equal(approvalRequests().length, 2);
  });

  it('a submit that died after storing its job, before answering: the repeat answers with that job and makes no other', async () => {
    const form = validForm({ title: 'Dock supervisor' });
    const origin = { tenantId: TENANT, aadObjectId: MANAGER.aadObjectId, conversationId: `a:${MANAGER.aadObjectId}`, cardMessageId: 'form-crash' };
    // The first attempt: its id reserved, its job stored, then the process died (no answer, no other record).
    const id = await idReserver(actions, TENANT, actionKey(origin, 'job.submit', form))(newJobId());
    const input = validateJobInput(form, new Date());
    assert.ok(input.ok);
    await jobs.create(createJob(input.value, { tenantId: TENANT, aadObjectId: MANAGER.aadObjectId, name: MANAGER.name }, new Date(), id));
    const repeat = await bot.execute(MANAGER, 'job.submit', form, { replyToId: 'form-crash', id: 'activity-crash-2' });
    assert.equal(jobIdIn(cardText(repeat)), id);
    assert.deepEqual((await managersJobs()).map((job) => job.id), [id]);
  });

  it('a re-sent activity without the card\'s message id is still one action; a new form is a new job', async () => {
    const form = validForm({ title: 'Forklift driver' });
    await bot.execute(MANAGER, 'job.submit', form, { replyToId: undefined, id: 'activity-4' });
    await bot.execute(MANAGER, 'job.submit', form, { replyToId: undefined, id: 'activity-4' });
    assert.equal((await managersJobs()).length, 1);
    await bot.execute(MANAGER, 'job.submit', form, { replyToId: 'another-form', id: 'activity-5' });
    assert.equal((await managersJobs()).length, 2, 'the same values from another form are another job');
  });

  it("a new job's form carries the job's id: its submits from any activity or message make that one job", async () => {
    const [shown] = await bot.say(MANAGER, 'post job to LinkedIn');
    const formId = actionData(cardOf(shown), 'job.submit')?.formId;
    assert.ok(typeof formId === 'string' && formId !== '', 'the form carries an id');
    const form = validForm({ title: 'Yard planner', formId });
    const first = await bot.execute(MANAGER, 'job.submit', form, { replyToId: 'form-a', id: 'activity-10' });
    // The same form submitted again from another device: another message id, another activity.
    const again = await bot.execute(MANAGER, 'job.submit', form, { replyToId: 'form-b', id: 'activity-11' });
    assert.deepEqual((await managersJobs()).map((job) => job.id), [formId]);
    assert.equal(jobIdIn(cardText(first)), formId);
    assert.equal(jobIdIn(cardText(again)), formId);
    assert.equal(approvalRequests().length, 2, 'one approval card per recruiter, once');
  });

  it("a form id that is not a fresh job id is ignored, and a colleague's job id reaches nothing of theirs", async () => {
    const colleague = await bot.execute(RECRUITER_1, 'job.submit', validForm({ title: 'Secret project lead' }), { replyToId: 'form-c' });
    const colleaguesId = jobIdIn(cardText(colleague))!;
    const forged = await bot.execute(MANAGER, 'job.submit', validForm({ title: 'Picker', formId: colleaguesId }), { replyToId: 'form-d' });
    assert.doesNotMatch(cardText(forged), /Secret project lead/);
    assert.ok(jobIdIn(cardText(forged)) && jobIdIn(cardText(forged)) !== colleaguesId, 'the submit made a job of its own');
    assert.equal((await jobs.get(TENANT, colleaguesId))?.title, 'Secret project lead');
    assert.equal((await jobs.get(TENANT, colleaguesId))?.author.aadObjectId, RECRUITER_1.aadObjectId);

    const stale = newJobId(new Date(Date.now() - 40 * 24 * 3_600_000));
    for (const formId of [stale, 'not-an-id', { id: 'J' }]) {
      const answer = await bot.execute(MANAGER, 'job.submit', validForm({ title: `Driver ${String(formId)}`, formId }), { replyToId: `form-${String(formId)}` });
      const id = jobIdIn(cardText(answer));
      assert.ok(id && id !== stale, 'a job under a new id');
    }
  });

  it('an approval decision and a close, each twice, decide and close once and answer the same', async () => {
    const submitted = await bot.execute(MANAGER, 'job.submit', validForm({ title: 'Picker' }), { replyToId: 'form-3' });
    const id = jobIdIn(cardText(submitted))!;
    const approve = { jobId: id, decision: 'approve', reason: '' };
    const first = await bot.execute(RECRUITER_1, 'approval.decide', approve, { replyToId: 'approval-card', id: 'activity-6' });
    const again = await bot.execute(RECRUITER_1, 'approval.decide', approve, { replyToId: 'approval-card', id: 'activity-7' });
    assert.deepEqual(again, first);
    assert.doesNotMatch(cardText(again), /decided first|already/i);
    assert.equal(notifier.enqueueCalls.flat().filter((n) => n.message.kind === 'approval.result').length, 1);
    assert.equal(notifier.threadUpdates.length, 1);

    const job = (await jobs.get(TENANT, id))!;
    const close = { jobId: id, etag: job.etag };
    const closed = await bot.execute(MANAGER, 'job.close', close, { replyToId: 'close-card', id: 'activity-8' });
    const closedAgain = await bot.execute(MANAGER, 'job.close', close, { replyToId: 'close-card', id: 'activity-9' });
    assert.deepEqual(closedAgain, closed);
    assert.match(cardText(closed), /closed/i);
    assert.equal((await jobs.get(TENANT, id))?.state, 'closed');
  });

  it('a failed action is not recorded: the repeat runs it again', async () => {
    const notMine = { jobId: 'J0000000000', etag: 'W/"x"' };
    const first = await bot.execute(MANAGER, 'job.close', notMine, { replyToId: 'close-card-2' });
    assert.match(cardText(first), /J0000000000/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const key = actionKey({ tenantId: TENANT, aadObjectId: MANAGER.aadObjectId, conversationId: `a:${MANAGER.aadObjectId}`, cardMessageId: 'close-card-2' }, 'job.close', notMine);
    assert.equal((await actions.claim(TENANT, key, 1000)).kind, 'first', 'released, not recorded');
  });

  it('a refused form (shown again with its errors) stores no action record: the corrected repeat runs', async () => {
    const refused = { ...validForm({ title: 'Warehouse lead' }), title: '' };
    const answer = await bot.execute(MANAGER, 'job.submit', refused, { replyToId: 'form-9' });
    assert.equal(jobIdIn(cardText(answer)), undefined, 'no job made');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const formKey = actionKey({ tenantId: TENANT, aadObjectId: MANAGER.aadObjectId, conversationId: `a:${MANAGER.aadObjectId}`, cardMessageId: 'form-9' }, 'job.submit', refused);
    assert.equal((await actions.claim(TENANT, formKey, 1000)).kind, 'first', 'the refused form is not recorded');
  });
});

describe('idempotency records in Table Storage', function () {
  const azurite = useAzurite();
  let now = Date.parse('2026-12-01T10:00:00Z');
  let store: TableIdempotencyStore;

  beforeEach(async () => {
    const [table] = await freshTables(azurite().connection, 'once');
    store = new TableIdempotencyStore(table, () => now);
  });

  it('claims once; a repeat sees it running, then gets the answer; an expired record counts as absent', async () => {
    const claim = await store.claim('t', 'k', 60_000);
    assert.equal(claim.kind, 'first');
    assert.deepEqual(await store.claim('t', 'k', 60_000), { kind: 'running' });
    await store.complete('t', 'k', 'x'.repeat(70_000), 3_600_000);
    const repeat = await store.claim('t', 'k', 60_000);
    assert.equal(repeat.kind, 'done');
    assert.equal(repeat.kind === 'done' && repeat.result.length, 70_000, 'long answers are kept whole');
    now += 3_600_001;
    assert.equal((await store.claim('t', 'k', 60_000)).kind, 'first', 'expired: the action may run again');
  });

  it('a running claim whose process died is taken over once it expires; a released claim is free at once', async () => {
    const first = await store.claim('t', 'crashed', 1_000);
    now += 1_001;
    assert.equal((await store.claim('t', 'crashed', 1_000)).kind, 'first');
    const other = await store.claim('t', 'failed', 60_000);
    assert.ok(first.kind === 'first' && other.kind === 'first');
    await store.release('t', 'failed', other.etag);
    assert.equal((await store.claim('t', 'failed', 60_000)).kind, 'first');
  });

  it('a reserved id is the first proposal for every attempt, until it expires', async () => {
    assert.equal(await store.reserve('t', 'id:k', 'J-first', 60_000), 'J-first');
    assert.equal(await store.reserve('t', 'id:k', 'J-second', 60_000), 'J-first');
    const racing = await Promise.all([store.reserve('t', 'id:race', 'A', 60_000), store.reserve('t', 'id:race', 'B', 60_000)]);
    assert.equal(racing[0], racing[1], 'two attempts at once agree on one id');
    now += 60_001;
    assert.equal(await store.reserve('t', 'id:k', 'J-third', 60_000), 'J-third');
  });

  it('purges expired records only', async () => {
    await store.complete('t', 'old', '{}', 1_000);
    await store.complete('t', 'new', '{}', 3_600_000);
    now += 2_000;
    assert.equal(await store.purgeExpired(), 1);
    assert.equal((await store.claim('t', 'new', 1_000)).kind, 'done');
  });
});
