import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { closeJob } from '../../src/domain/job';
import { FeedScheduler } from '../../src/feed/scheduler';
import { scheduleAt } from '../../src/feed/schedule';
import { silentLogger } from '../../src/logger';
import { useAzurite } from '../support/azurite';
import { ALEX, MEGAN, OTHER_TENANT_USER } from '../support/samples';
import { feedJobs, feedWorld, newFeedTables, sampleJob, type FeedTables, type FeedWorld } from '../support/feedFixture';

async function servedXml(world: FeedWorld, tenantId: string): Promise<string> {
  const snapshot = await world.snapshots.current(tenantId);
  assert.ok(snapshot, 'a snapshot is served');
  const chunks: Buffer[] = [];
  for await (const chunk of world.snapshots.open(tenantId, snapshot.snapshotId)) chunks.push(chunk);
  return gunzipSync(Buffer.concat(chunks)).toString('utf8');
}

describe('feed build against Azurite', function () {
  this.timeout(120_000);
  const azurite = useAzurite();
  let tables: FeedTables;
  let world: FeedWorld;

  beforeEach(async () => {
    tables = newFeedTables();
    world = await feedWorld(azurite().connection, tables);
  });

  it('builds the open jobs into a served snapshot, moves them in feed and tells each author once', async () => {
    const alexJob = await world.jobs.create(sampleJob(ALEX, { title: 'Backend Engineer' }));
    const meganJob = await world.jobs.create(sampleJob(MEGAN, { title: 'Data <Analyst> ]]> & Co' }));
    const outcome = await world.feed.buildNow(ALEX.tenantId);

    assert.equal(outcome.outcome, 'built');
    assert.equal(outcome.jobCount, 2);
    assert.equal(outcome.newlyFed, 2);
    const served = feedJobs(await servedXml(world, ALEX.tenantId));
    assert.deepEqual([...served.entries()].sort(), [[alexJob.id, 'Backend Engineer'], [meganJob.id, 'Data <Analyst> ]]> & Co']].sort());
    assert.equal((await world.jobs.get(ALEX.tenantId, alexJob.id))?.state, 'in_feed');
    assert.deepEqual([...world.notifier.byKey.keys()].sort(), [`feed-in:${alexJob.id}`, `feed-in:${meganJob.id}`].sort());
    const notice = world.notifier.byKey.get(`feed-in:${alexJob.id}`)!;
    assert.deepEqual(notice.to, { kind: 'user', aadObjectId: ALEX.aadObjectId });
    assert.equal(notice.message.kind, 'feed.in_feed');
    assert.equal(notice.message.data.title, 'Backend Engineer');

    const again = await world.feed.buildNow(ALEX.tenantId);
    assert.equal(again.outcome, 'built');
    assert.equal(again.newlyFed, 0, 'already in feed');
    assert.equal(world.notifier.enqueued.length, 2, 'no second notice on the next build');
  });

  it('two builders racing for the same slot: one builds, one snapshot, one set of notices', async () => {
    const other = await feedWorld(azurite().connection, tables); // a second bot process on the same storage
    await world.jobs.create(sampleJob(ALEX));
    const { slot } = scheduleAt(new Date());
    const results = await Promise.all([
      world.feed.build(ALEX.tenantId, { slot, onlyIfSlotOpen: true }),
      other.feed.build(ALEX.tenantId, { slot, onlyIfSlotOpen: true })
    ]);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['built', 'busy']);
    const snapshot = await world.snapshots.current(ALEX.tenantId);
    assert.match(snapshot!.snapshotId, /^0000000001-/, 'the first and only snapshot');
    assert.equal(world.notifier.enqueued.length + other.notifier.enqueued.length, 1);
    assert.equal(await world.leases.isSlotDone(ALEX.tenantId, slot), true);
    const late = await other.feed.build(ALEX.tenantId, { slot, onlyIfSlotOpen: true });
    assert.equal(late.outcome, 'busy', 'a process arriving after the build does not rebuild the slot');
  });

  it('the scheduler builds a due slot for each known tenant once (catch-up at start), in every process', async () => {
    await world.jobs.create(sampleJob(ALEX));
    await world.jobs.create(sampleJob(OTHER_TENANT_USER));
    const other = await feedWorld(azurite().connection, tables);
    const schedulers = [world, other].map((w) => new FeedScheduler({
      tenants: w.tenants, settings: w.settings, leases: w.leases, feed: w.feed, logger: silentLogger
    }));
    await Promise.all(schedulers.map((s) => s.tick()));
    await Promise.all(schedulers.map((s) => s.tick()));
    for (const tenantId of [ALEX.tenantId, OTHER_TENANT_USER.tenantId]) {
      const snapshot = await world.snapshots.current(tenantId);
      assert.match(snapshot?.snapshotId ?? '', /^0000000001-/, `${tenantId}: built exactly once`);
      assert.equal(snapshot?.jobCount, 1);
    }
    await Promise.all(schedulers.map((s) => s.stop()));
  });

  it('a crash between moving jobs in feed and telling their authors is finished by the next scheduler pass', async () => {
    const job = await world.jobs.create(sampleJob(ALEX));
    const enqueue = world.notifier.enqueue.bind(world.notifier);
    world.notifier.enqueue = async () => {
      throw new Error('outbox unavailable');
    };
    const outcome = await world.feed.buildNow(ALEX.tenantId);
    assert.equal(outcome.outcome, 'built', 'the feed itself is published');
    assert.equal((await world.jobs.get(ALEX.tenantId, job.id))?.state, 'in_feed');
    assert.equal(world.notifier.enqueued.length, 0);

    world.notifier.enqueue = enqueue;
    const scheduler = new FeedScheduler({ tenants: world.tenants, settings: world.settings, leases: world.leases, feed: world.feed, logger: silentLogger });
    await scheduler.tick();
    await scheduler.tick();
    assert.deepEqual(world.notifier.enqueued.map((n) => n.key), [`feed-in:${job.id}`], 'told once, after the fact');
  });

  it('reports held-back jobs with their reasons, and leaves them out', async () => {
    const good = await world.jobs.create(sampleJob(ALEX));
    const bad = await world.jobs.create(sampleJob(ALEX, { applyUrl: 'https://careers.contoso.com/x' }));
    await world.jobs.update({ ...bad, applyUrl: 'http://careers.contoso.com/x', description: 'Too short' });
    const outcome = await world.feed.buildNow(ALEX.tenantId);

    assert.equal(outcome.jobCount, 1);
    assert.deepEqual(outcome.heldBack, [{ jobId: bad.id, reasons: ['description_too_short', 'apply_url_not_https'] }]);
    const status = await world.feed.status(ALEX.tenantId);
    assert.equal(status.heldBackTotal, 1);
    assert.deepEqual(await world.feed.heldBackReasons(ALEX.tenantId, bad.id), ['description_too_short', 'apply_url_not_https']);
    assert.equal(await world.feed.heldBackReasons(ALEX.tenantId, good.id), undefined);
    assert.deepEqual([...feedJobs(await servedXml(world, ALEX.tenantId)).keys()], [good.id]);
    assert.equal((await world.jobs.get(ALEX.tenantId, bad.id))?.state, 'queued', 'a held-back job stays queued');
  });

  it('a closed job leaves the next snapshot', async () => {
    const staying = await world.jobs.create(sampleJob(ALEX));
    const closing = await world.jobs.create(sampleJob(ALEX));
    await world.feed.buildNow(ALEX.tenantId);
    const fed = (await world.jobs.get(ALEX.tenantId, closing.id))!;
    await world.jobs.update(closeJob(fed));
    await world.feed.buildNow(ALEX.tenantId);
    assert.deepEqual([...feedJobs(await servedXml(world, ALEX.tenantId)).keys()], [staying.id]);
  });

  it('posting switched off: the next feed is built empty', async () => {
    await world.jobs.create(sampleJob(ALEX));
    world.settings.overrides.set(ALEX.tenantId, { postingEnabled: false });
    const outcome = await world.feed.buildNow(ALEX.tenantId);
    assert.equal(outcome.outcome, 'built');
    assert.equal(outcome.jobCount, 0);
    const xml = await servedXml(world, ALEX.tenantId);
    assert.equal(feedJobs(xml).size, 0);
    assert.match(xml, /<expectedJobCount><!\[CDATA\[0\]\]><\/expectedJobCount>/);
  });

  it('refuses loudly above the job cap and keeps serving the previous feed', async () => {
    await world.jobs.create(sampleJob(ALEX));
    await world.feed.buildNow(ALEX.tenantId);
    const before = await world.snapshots.current(ALEX.tenantId);
    await world.jobs.create(sampleJob(ALEX));
    const capped = await feedWorld(azurite().connection, tables, { build: { maxJobs: 1 } });
    const outcome = await capped.feed.buildNow(ALEX.tenantId);
    assert.equal(outcome.outcome, 'too_large');
    assert.match(outcome.message ?? '', /more than 1 jobs/);
    assert.deepEqual(await world.snapshots.current(ALEX.tenantId), before);
  });

  it('status: last build, held back, next build and the secret feed URL', async () => {
    await world.jobs.create(sampleJob(ALEX));
    const before = await world.feed.status(ALEX.tenantId);
    assert.equal(before.lastBuild, undefined);
    await world.feed.buildNow(ALEX.tenantId);
    const status = await world.feed.status(ALEX.tenantId);
    assert.equal(status.lastBuild?.jobCount, 1);
    assert.ok(status.nextBuildAt.getTime() > Date.now());
    assert.equal(status.nextBuildAt.toISOString().slice(11, 16), '02:00');
    const token = await world.tokens.tokenFor(ALEX.tenantId);
    assert.equal(status.feedUrl, `https://bot.contoso.com/feeds/linkedin/${token}.xml`);
    assert.equal(status.lastDownload, undefined);
  });

  it('a build killed half way (SIGKILL) leaves the previous snapshot served intact; the next build completes', async () => {
    const first = await world.jobs.create(sampleJob(ALEX, { title: 'Before the crash' }));
    await world.feed.buildNow(ALEX.tenantId);
    const before = await world.snapshots.current(ALEX.tenantId);
    const beforeXml = await servedXml(world, ALEX.tenantId);
    const base = Date.now() - 1_000_000;
    for (let b = 0; b < 3; b++) {
      await world.jobs.createBatch(Array.from({ length: 100 }, (_, i) => sampleJob(ALEX, { title: 'After' }, new Date(base + (b * 100 + i) * 1000))));
    }

    const child = fork(join(__dirname, '..', 'support', 'feedBuildChild.js'), [JSON.stringify({ connection: azurite().connection, tables, tenantId: ALEX.tenantId })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The child reports when it has written part of a new snapshot; then it dies without any chance to clean up.
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await exited;

    assert.deepEqual(await world.snapshots.current(ALEX.tenantId), before);
    assert.equal(await servedXml(world, ALEX.tenantId), beforeXml);
    assert.deepEqual([...feedJobs(beforeXml).keys()], [first.id]);

    await new Promise((resolve) => setTimeout(resolve, 2_100)); // the dead child's lease (2 s) expires
    const outcome = await world.feed.buildNow(ALEX.tenantId);
    assert.equal(outcome.outcome, 'built');
    assert.equal(outcome.jobCount, 301);
    assert.equal(feedJobs(await servedXml(world, ALEX.tenantId)).size, 301);
  });
});
