import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Server } from 'restify';
import { createHttpServer } from '../../src/http/server';
import { silentLogger } from '../../src/logger';
import { useAzurite } from '../support/azurite';
import { eventually, feedJobs, feedWorld, newFeedTables, sampleJob, type FeedWorld } from '../support/feedFixture';
import { ALEX, MEGAN, OTHER_TENANT_USER } from '../support/samples';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function call(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('feed URL against Azurite', function () {
  this.timeout(60_000);
  const azurite = useAzurite();
  let world: FeedWorld;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    world = await feedWorld(azurite().connection, newFeedTables());
    server = createHttpServer({
      processActivity: async () => undefined, storageHealthy: async () => true, maxBodyBytes: 1024, logger: silentLogger, feed: world.feed
    });
    await new Promise<void>((done) => void server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${server.address().port}`;
  });

  afterEach(() => void server.close());

  const pathOf = async (tenantId: string) => new URL(await world.feed.feedUrl(tenantId)).pathname;

  it('serves the current snapshot to the right token; a wrong one gets 404', async () => {
    const job = await world.jobs.create(sampleJob(ALEX, { title: 'Backend Engineer' }));
    await world.feed.buildNow(ALEX.tenantId);
    const answer = await call(base, await pathOf(ALEX.tenantId));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/xml; charset=utf-8');
    assert.equal(answer.headers['content-encoding'], undefined);
    assert.deepEqual([...feedJobs(answer.body.toString('utf8')).entries()], [[job.id, 'Backend Engineer']]);

    const wrong = await call(base, `/feeds/linkedin/${'A'.repeat(32)}.xml`);
    assert.equal(wrong.status, 404);
    assert.equal((JSON.parse(wrong.body.toString()) as { error?: string }).error, 'not_found');
    assert.equal((await call(base, '/feeds/linkedin/..%2F..%2Fetc.xml')).status, 404);
  });

  it('before the first build a valid token gets 404 with a JSON reason', async () => {
    const answer = await call(base, await pathOf(ALEX.tenantId));
    assert.equal(answer.status, 404);
    assert.match((JSON.parse(answer.body.toString()) as { message: string }).message, /No feed has been built yet/);
  });

  it('answers 304 to If-None-Match and If-Modified-Since, works for HEAD, and sends gzip when asked', async () => {
    await world.jobs.create(sampleJob(ALEX));
    await world.feed.buildNow(ALEX.tenantId);
    const path = await pathOf(ALEX.tenantId);
    const plain = await call(base, path);
    const etag = String(plain.headers.etag);
    const lastModified = String(plain.headers['last-modified']);
    assert.match(etag, /^"[0-9a-f]{64}"$/);

    assert.equal((await call(base, path, { 'If-None-Match': etag })).status, 304);
    assert.equal((await call(base, path, { 'If-Modified-Since': lastModified })).status, 304);
    assert.equal((await call(base, path, { 'If-None-Match': '"other"', 'If-Modified-Since': lastModified })).status, 200);
    assert.equal((await call(base, path, { 'If-Modified-Since': new Date(Date.parse(lastModified) - 60_000).toUTCString() })).status, 200);

    const head = await call(base, path, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-length'], String(plain.body.length));
    assert.equal(head.headers.etag, etag);

    const gzipped = await call(base, path, { 'Accept-Encoding': 'br;q=1, gzip;q=0.8' });
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.equal(gzipped.headers.vary, 'Accept-Encoding');
    assert.deepEqual(gunzipSync(gzipped.body), plain.body);
    assert.equal((await call(base, path, { 'Accept-Encoding': 'gzip;q=0' })).headers['content-encoding'], undefined);
  });

  it("another tenant's token never returns this tenant's jobs", async () => {
    const mine = await world.jobs.create(sampleJob(ALEX, { title: 'Mine' }));
    const theirs = await world.jobs.create(sampleJob(OTHER_TENANT_USER, { title: 'Theirs' }));
    await world.feed.buildNow(ALEX.tenantId);
    await world.feed.buildNow(OTHER_TENANT_USER.tenantId);
    const other = feedJobs((await call(base, await pathOf(OTHER_TENANT_USER.tenantId))).body.toString());
    const own = feedJobs((await call(base, await pathOf(ALEX.tenantId))).body.toString());
    assert.deepEqual([...other.keys()], [theirs.id]);
    assert.deepEqual([...own.keys()], [mine.id]);
    assert.notEqual(await pathOf(ALEX.tenantId), await pathOf(OTHER_TENANT_USER.tenantId));
  });

  it('the first download moves the jobs to posted and tells their authors once; every download is recorded', async () => {
    const alexJob = await world.jobs.create(sampleJob(ALEX));
    const meganJob = await world.jobs.create(sampleJob(MEGAN));
    await world.feed.buildNow(ALEX.tenantId);
    const path = await pathOf(ALEX.tenantId);
    const first = await call(base, path, { 'User-Agent': 'LinkedInBot/1.0' });
    await eventually(async () => (await world.jobs.get(ALEX.tenantId, meganJob.id))?.state === 'posted');
    await call(base, path, { 'User-Agent': 'LinkedInBot/1.0' });
    await eventually(async () => (await world.feed.status(ALEX.tenantId)).lastDownload !== undefined);

    const posted = world.notifier.enqueued.filter((notice) => notice.message.kind === 'feed.posted');
    assert.deepEqual(posted.map((n) => n.key).sort(), [`feed-posted:${alexJob.id}`, `feed-posted:${meganJob.id}`].sort());
    assert.deepEqual(posted.find((n) => n.key === `feed-posted:${alexJob.id}`)?.to, { kind: 'user', aadObjectId: ALEX.aadObjectId });
    const job = await world.jobs.get(ALEX.tenantId, alexJob.id);
    assert.equal(job?.state, 'posted');
    assert.ok(job?.postedAt);
    const status = await world.feed.status(ALEX.tenantId);
    assert.equal(status.lastDownload?.userAgent, 'LinkedInBot/1.0');
    assert.equal(status.lastDownload?.bytes, first.body.length);
  });

  it('a download by anyone but LinkedIn is a preview: listed apart, no job moves, nobody is told', async () => {
    const job = await world.jobs.create(sampleJob(ALEX));
    await world.feed.buildNow(ALEX.tenantId);
    const path = await pathOf(ALEX.tenantId);
    const before = world.notifier.enqueued.length;
    await call(base, path, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131' });
    await call(base, path, { 'User-Agent': 'UptimeRobot/2.0' });
    await eventually(async () => ((await world.feed.status(ALEX.tenantId)).previews ?? []).length === 2);
    const status = await world.feed.status(ALEX.tenantId);
    assert.deepEqual(status.previews?.map((p) => p.userAgent), ['UptimeRobot/2.0', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131']);
    assert.equal(status.lastDownload, undefined, 'previews are not LinkedIn downloads');
    assert.equal((await world.jobs.get(ALEX.tenantId, job.id))?.state, 'in_feed');
    assert.equal(world.notifier.enqueued.slice(before).filter((n) => n.message.kind === 'feed.posted').length, 0);
    const { feedStatusCard } = await import('../../src/bot/feedViews');
    const heldBack = { lines: [], total: 0, yoursOnly: false };
    const card = feedStatusCard({ language: 'en', timeZone: 'UTC', status, heldBack, isAdmin: true, now: new Date() });
    const text = JSON.stringify(card);
    assert.match(text, /Previews \(downloads by anyone but LinkedIn/);
    assert.match(text, /UptimeRobot\/2.0/);
    assert.match(text, /"title":"Preview feed","url":"[^"]+\.xml"/);
    assert.doesNotMatch(JSON.stringify(feedStatusCard({ language: 'en', timeZone: 'UTC', status, heldBack, isAdmin: false, now: new Date() })), /Preview feed/);
    // Then LinkedIn reads it: now the job is posted.
    await call(base, path, { 'User-Agent': 'LinkedInBot/1.0 (compatible; +http://www.linkedin.com)' });
    await eventually(async () => (await world.jobs.get(ALEX.tenantId, job.id))?.state === 'posted');
  });
});
