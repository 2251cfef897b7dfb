import assert from 'node:assert/strict';
import { newJobId, type Job } from '../../src/domain/job';
import { queueApiOperation } from '../../src/domain/jobPosting';
import type { JobPostingApi } from '../../src/linkedin/jobPostingClient';
import { useAzurite } from '../support/azurite';
import { apiRig, FOLLOW_UP_MS, storeJobs, type ApiRig } from '../support/apiEngineRig';
import { sampleJob } from '../support/apiJobs';

/** `count` jobs with distinct ids (ids carry the second they were made in). */
function jobs(rig: ApiRig, count: number, form: Record<string, unknown> = {}): Job[] {
  return Array.from({ length: count }, (_, i) => {
    const made = new Date(rig.clock.ms - (i + 1) * 1000);
    return sampleJob({ id: newJobId(made) }, form, made);
  });
}

async function stored(rig: ApiRig, job: Job): Promise<Job> {
  return (await rig.jobs.get(job.tenantId, job.id))!;
}

describe('Job Posting API engine (Azurite, fake LinkedIn)', function () {
  this.timeout(120_000);
  const azurite = useAzurite();
  let rig: ApiRig;

  beforeEach(async () => {
    rig = await apiRig(azurite().connection);
  });
  afterEach(async () => rig.stop());

  /** The engine sends what waits, then checks LinkedIn's task once the follow-up time has passed. */
  async function sendThenFollowUp(engine: { tick(): Promise<void> }): Promise<void> {
    await engine.tick();
    rig.clock.advance(FOLLOW_UP_MS);
    await engine.tick();
  }

  it('sends waiting jobs in one batch, and five minutes later they are on LinkedIn with their link; the author is told once', async () => {
    const [job] = await storeJobs(rig, jobs(rig, 1));
    const engine = rig.engine('p1');
    await engine.tick();
    assert.equal(rig.postings.batchCalls, 1);
    const sent = await stored(rig, job);
    assert.equal(sent.api!.state, 'sent');
    assert.match(sent.api!.taskUrn!, /^urn:li:simpleJobPostingTask:/);

    rig.clock.advance(60_000);
    await engine.tick();
    assert.equal(rig.postings.taskCalls, 0, 'not looked at before the follow-up delay');

    rig.clock.advance(FOLLOW_UP_MS);
    await engine.tick();
    const live = await stored(rig, job);
    assert.equal(live.api!.state, 'on_linkedin');
    assert.equal(live.channel, 'api');
    assert.equal(live.state, 'posted');
    assert.match(live.api!.status!.jobPostingUrl!, /^https:\/\/www\.linkedin\.com\/jobs\/view\/\d+$/);
    await engine.tick();
    assert.deepEqual(rig.notifier.all().map((n) => n.message.kind), ['api.live']);
    assert.deepEqual(rig.postings.countsFor(job.id), { CREATE: 1 });
  });

  it('a task still IN_PROGRESS is looked at again until it is final', async () => {
    rig.postings['options'].processingMs = 8 * 60_000;
    const [job] = await storeJobs(rig, jobs(rig, 1));
    const engine = rig.engine('p1');
    await sendThenFollowUp(engine);
    assert.equal((await stored(rig, job)).api!.state, 'sent');
    rig.clock.advance(4 * 60_000);
    await engine.tick();
    assert.equal((await stored(rig, job)).api!.state, 'on_linkedin');
    assert.equal(rig.postings.taskCalls, 2);
  });

  it('a task LinkedIn no longer knows (after its lifetime) is settled by whether LinkedIn has the job, not sent again', async () => {
    const [job] = await storeJobs(rig, jobs(rig, 1));
    const engine = rig.engine('p1');
    await engine.tick();
    const urn = (await stored(rig, job)).api!.taskUrn!;
    rig.postings['settle'](rig.postings.tasks.get(urn)!);
    rig.postings.tasks.delete(urn);
    rig.clock.advance(25 * 3600_000);
    await sendThenFollowUp(engine);
    assert.equal((await stored(rig, job)).api!.state, 'on_linkedin');
    assert.deepEqual(rig.postings.countsFor(job.id), { CREATE: 1 });
  });

  it('LinkedIn refuses a city (FAILED task) or a field (per-element 422): rejected, the job back to a draft, the author told in words', async () => {
    rig.postings.rejectCities.add('Atlantis');
    const [badCity] = await storeJobs(rig, jobs(rig, 1, { city: 'Atlantis' }));
    const noTitle = jobs(rig, 2)[1];
    const [badTitle] = await storeJobs(rig, [{ ...noTitle, title: 'x'.repeat(201) }]);
    const engine = rig.engine('p1');
    await engine.tick();
    const refused = await stored(rig, badTitle);
    assert.equal(refused.api!.state, 'rejected');
    assert.match(refused.api!.error!, /title/);
    rig.clock.advance(FOLLOW_UP_MS);
    await engine.tick();
    const failed = await stored(rig, badCity);
    assert.equal(failed.api!.state, 'rejected');
    assert.equal(failed.state, 'draft');
    assert.match(failed.api!.error!, /Invalid Field: \/city/);
    const notice = rig.notifier.all().find((n) => n.message.data.jobId === badCity.id)!;
    const { apiNoticeRenderers } = await import('../../src/linkedin/apiNotices');
    const reply = apiNoticeRenderers[notice.message.kind]('en', notice.message.data) as { card: unknown };
    assert.match(JSON.stringify(reply.card), /LinkedIn did not accept the city/);
  });

  it('250 jobs go in batches of at most 100, each exactly once; a 429 is honoured and its batch sent after Retry-After', async () => {
    const all = await storeJobs(rig, jobs(rig, 250));
    rig.postings.forced429.push(7);
    const start = rig.clock.ms;
    const engine = rig.engine('p1');
    await engine.tick();
    assert.equal(rig.postings.throttled, 1);
    assert.equal(rig.postings.batchCalls, 3);
    assert.ok(rig.clock.ms - start >= 7000, 'waited for Retry-After');
    for (const job of all) assert.deepEqual(rig.postings.countsFor(job.id), { CREATE: 1 });
    assert.deepEqual(rig.postings.duplicates(), []);
  });

  it('a wake that arrives during a pass is not lost', async () => {
    const engine = rig.engine('p1');
    const [first] = await storeJobs(rig, jobs(rig, 1));
    const pass = engine.tick();
    const [second] = await storeJobs(rig, [sampleJob({ id: newJobId(new Date(rig.clock.ms - 99_000)) })]);
    engine.wake();
    await pass;
    for (let i = 0; i < 50 && (await stored(rig, second)).api!.state === 'waiting'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await stored(rig, first)).api!.state, 'sent');
    assert.equal((await stored(rig, second)).api!.state, 'sent');
  });

  describe('a crash between LinkedIn\'s answer and our record', () => {
    /** A process that dies while its call is out: it never records anything, never releases its lease. */
    const graves: Array<() => void> = [];
    afterEach(() => graves.splice(0).forEach((bury) => bury()));

    function dyingAfterSend(sendFirst: boolean) {
      let die: (error: Error) => void = () => undefined;
      let called: () => void = () => undefined;
      const wasCalled = new Promise<void>((resolve) => (called = resolve));
      const wrap = (real: JobPostingApi): JobPostingApi => ({
        ...real,
        tasks: real.tasks.bind(real),
        statuses: real.statuses.bind(real),
        batchCreate: async (credentials, elements) => {
          if (sendFirst) await real.batchCreate(credentials, elements);
          called();
          return new Promise((_, reject) => (die = reject));
        }
      });
      // The dead process's pass ends (with an error nobody records) only when the test is over.
      graves.push(() => die(new Error('process was killed')));
      return { wrap, wasCalled };
    }

    it('LinkedIn got the batch: the next process finds the jobs in doubt, LinkedIn\'s status API says it has them, nothing is sent twice', async () => {
      const all = await storeJobs(rig, jobs(rig, 30));
      const crash = dyingAfterSend(true);
      const dead = rig.engine('dead', { api: crash.wrap });
      void dead.tick();
      await crash.wasCalled;
      assert.equal(rig.postings.totalRecords(), 30, 'LinkedIn has all 30');
      for (const job of all) assert.equal((await stored(rig, job)).api!.sendingVersion, 1, 'marked as being sent, never recorded');

      const next = rig.engine('next');
      rig.clock.advance(31_000); // the dead process's lease runs out
      await next.tick();
      assert.equal(rig.postings.totalRecords(), 30, 'an in-doubt job is not sent again blindly');
      rig.clock.advance(FOLLOW_UP_MS);
      await next.tick();
      for (const job of all) {
        const now = await stored(rig, job);
        assert.equal(now.api!.state, 'on_linkedin', `${job.id} is on LinkedIn`);
        assert.deepEqual(rig.postings.countsFor(job.id), { CREATE: 1 });
      }
      assert.deepEqual(rig.postings.duplicates(), []);
      assert.equal(rig.notifier.all().filter((n) => n.message.kind === 'api.live').length, 30, 'each author told once');
    });

    it('LinkedIn never got the batch: after the follow-up delay the status API does not know the jobs, and they are sent once', async () => {
      const all = await storeJobs(rig, jobs(rig, 30));
      const crash = dyingAfterSend(false);
      void rig.engine('dead', { api: crash.wrap }).tick();
      await crash.wasCalled;
      for (const job of all) assert.equal((await stored(rig, job)).api!.sendingVersion, 1);
      const next = rig.engine('next');
      rig.clock.advance(FOLLOW_UP_MS + 31_000);
      await sendThenFollowUp(next);
      for (const job of all) {
        assert.equal((await stored(rig, job)).api!.state, 'on_linkedin');
        assert.deepEqual(rig.postings.countsFor(job.id), { CREATE: 1 });
      }
    });
  });

  it('two processes at once: every job sent exactly once, none lost', async () => {
    const all = await storeJobs(rig, jobs(rig, 260));
    const a = rig.engine('process-a');
    const b = rig.engine('process-b');
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    // Whichever did not hold the tenant's lease looks again.
    rig.clock.advance(31_000);
    await Promise.all([a.tick(), b.tick()]);
    rig.clock.advance(FOLLOW_UP_MS);
    await Promise.all([a.tick(), b.tick()]);
    for (const job of all) {
      assert.deepEqual(rig.postings.countsFor(job.id), { CREATE: 1 }, job.id);
      assert.equal((await stored(rig, job)).api!.state, 'on_linkedin');
    }
    assert.deepEqual(rig.postings.duplicates(), []);
  });

  it('an edit queued after posting sends UPDATE as a new version; a close sends CLOSE and the job is closed', async () => {
    const [job] = await storeJobs(rig, jobs(rig, 1));
    const engine = rig.engine('p1');
    await sendThenFollowUp(engine);
    let current = await stored(rig, job);
    await rig.jobs.update({ ...current, description: `${current.description} Now with more.`, api: queueApiOperation(current, 'UPDATE', rig.clock.now()) });
    engine.wake();
    await sendThenFollowUp(engine);
    current = await stored(rig, job);
    assert.equal(current.api!.version, 2);
    assert.equal(current.api!.state, 'on_linkedin');
    await rig.jobs.update({ ...current, api: queueApiOperation(current, 'CLOSE', rig.clock.now()) });
    await sendThenFollowUp(engine);
    current = await stored(rig, job);
    assert.equal(current.api!.state, 'closed');
    assert.equal(current.state, 'closed');
    assert.deepEqual(rig.postings.countsFor(job.id), { CREATE: 1, UPDATE: 1, CLOSE: 1 });
  });

  it('the daily status poll shows a job LinkedIn closed as closed, with the reason, and tells its author', async () => {
    const [job] = await storeJobs(rig, jobs(rig, 1));
    const engine = rig.engine('p1');
    await sendThenFollowUp(engine);
    rig.postings.closeByLinkedIn(job.id, 'Closed after reports from members');
    rig.clock.advance(24 * 3600_000);
    await engine.tick();
    const closed = await stored(rig, job);
    assert.equal(closed.state, 'closed');
    assert.equal(closed.api!.state, 'closed');
    assert.equal(closed.api!.status!.listingStatus, 'CLOSED');
    assert.equal(closed.api!.status!.reason, 'Closed after reports from members');
    assert.ok(rig.notifier.all().some((n) => n.message.kind === 'api.closed' && n.message.data.jobId === job.id));
    const statusCalls = rig.postings.statusCalls;
    await engine.tick();
    assert.equal(rig.postings.statusCalls, statusCalls, 'one poll per day and tenant');
  });

  it('a batch written in one transaction writes nothing when one of its jobs changed meanwhile', async () => {
    const [a, b] = await storeJobs(rig, jobs(rig, 2));
    await rig.jobs.update({ ...b, title: 'Changed by its author' });
    const result = await rig.jobs.updateBatch([{ ...a, title: 'x' }, { ...b, title: 'y' }]);
    assert.equal(result, undefined);
    assert.equal((await stored(rig, a)).title, a.title);
    assert.equal((await stored(rig, b)).title, 'Changed by its author');
    const saved = await rig.jobs.updateBatch([{ ...(await stored(rig, a)), title: 'x' }, { ...(await stored(rig, b)), title: 'y' }]);
    assert.deepEqual(saved?.map((job) => job.title), ['x', 'y']);
    assert.equal((await rig.jobs.update({ ...saved[0], title: 'z' })).title, 'z', 'the etags it returns are current');
  });

  it('over the daily record budget, jobs wait and say until when', async () => {
    await rig.tables.budget.upsertEntity({ partitionKey: 'budget', rowKey: 'jobPostingApi', tat: 0, day: '2026-12-01', dayRecords: 60_000, dayRequests: 10, blockedUntil: 0 }, 'Replace');
    const [job] = await storeJobs(rig, jobs(rig, 1));
    await rig.engine('p1').tick();
    const waiting = await stored(rig, job);
    assert.equal(waiting.api!.state, 'waiting');
    assert.equal(waiting.api!.waitingUntil, '2026-12-02T00:00:00.000Z');
    assert.equal(rig.postings.batchCalls, 0);
  });
});
