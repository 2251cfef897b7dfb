import assert from 'node:assert/strict';
import { newJobId } from '../../src/domain/job';
import { createHttpServer } from '../../src/http/server';
import { EnvPushKeyResolver } from '../../src/linkedin/push';
import { challengeResponse, pushSignature } from '../../src/linkedin/signature';
import { createLogger } from '../../src/logger';
import { useAzurite } from '../support/azurite';
import { apiRig, CLIENT, FOLLOW_UP_MS, storeJobs, type ApiRig } from '../support/apiEngineRig';
import { sampleJob } from '../support/apiJobs';

const KEY = 'k'.repeat(43);
const PARENT = { clientId: 'parent-app', clientSecret: 'parent-secret' };

describe('Job Status Change Notifications webhook (signed, Azurite, fake LinkedIn)', function () {
  this.timeout(60_000);
  const azurite = useAzurite();
  let rig: ApiRig;
  let base: string;
  let close: () => void;

  beforeEach(async () => {
    rig = await apiRig(azurite().connection);
    const engine = rig.engine('web');
    const server = createHttpServer({
      processActivity: async () => undefined,
      storageHealthy: async () => true,
      maxBodyBytes: 256 * 1024,
      logger: createLogger({ write: () => true }),
      linkedInJobStatus: {
        keys: new EnvPushKeyResolver(KEY, 'tenant-a'),
        settings: rig.settings,
        parentCredentials: PARENT,
        apply: (tenantId, jobId, status) => engine.applyNotification(tenantId, jobId, status)
      }
    });
    await new Promise<void>((done) => void server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${server.address().port}/api/linkedin/job-status`;
    close = () => void server.close();
  });
  afterEach(async () => {
    close();
    await rig.stop();
  });

  async function liveJob() {
    const [job] = await storeJobs(rig, [sampleJob({ id: newJobId(new Date(rig.clock.ms - 5000)) })]);
    const engine = rig.engine('sender');
    await engine.tick();
    rig.clock.advance(FOLLOW_UP_MS);
    await engine.tick();
    return job;
  }

  const post = (body: unknown, secret = CLIENT.clientSecret, key = KEY) => {
    const raw = JSON.stringify(body);
    return fetch(`${base}/${key}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': pushSignature(raw, secret) }, body: raw });
  };

  it('answers LinkedIn\'s validation challenge with the tenant\'s secret, or the parent application\'s when it names it', async () => {
    const code = '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21';
    const own = (await (await fetch(`${base}/${KEY}?challengeCode=${code}`)).json()) as { challengeResponse: string };
    assert.equal(own.challengeResponse, challengeResponse(code, CLIENT.clientSecret));
    const parent = (await (await fetch(`${base}/${KEY}?challengeCode=${code}&applicationId=${PARENT.clientId}`)).json()) as { challengeResponse: string };
    assert.equal(parent.challengeResponse, challengeResponse(code, PARENT.clientSecret));
    assert.equal((await fetch(`${base}/unknown-key?challengeCode=${code}`)).status, 404);
  });

  it('a signed notification that LinkedIn closed a job shows it closed with the reason and tells the author once; a replay changes nothing', async () => {
    const job = await liveJob();
    rig.postings.closeByLinkedIn(job.id, 'Closed after member reports');
    const body = rig.postings.notificationFor(job.id);
    const first = await post(body);
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { status: 'updated' });
    const closed = (await rig.jobs.get(job.tenantId, job.id))!;
    assert.equal(closed.state, 'closed');
    assert.equal(closed.api!.state, 'closed');
    assert.equal(closed.api!.status!.reason, 'Closed after member reports');
    const replay = await post(body, PARENT.clientSecret);
    assert.deepEqual(await replay.json(), { status: 'unchanged' });
    assert.equal(rig.notifier.all().filter((n) => n.message.kind === 'api.closed').length, 1);
  });

  it('a promotion change updates what the card shows', async () => {
    const job = await liveJob();
    const response = await post({ ...rig.postings.notificationFor(job.id), promotionStatus: 'PROMOTED', linkedInApplyStatus: 'ONSITE_APPLY' });
    assert.equal(response.status, 200);
    const status = (await rig.jobs.get(job.tenantId, job.id))!.api!.status!;
    assert.equal(status.promotionStatus, 'PROMOTED');
    assert.equal(status.linkedInApplyStatus, 'ONSITE_APPLY');
    assert.equal(status.listingStatus, 'LISTED');
  });

  it('refuses a bad signature (401) and a malformed body (400); acknowledges unknown types and jobs (200)', async () => {
    const raw = JSON.stringify({ type: 'JOB_POSTING_STATUS', externalJobPostingId: 'J0000000000' });
    const unsigned = await fetch(`${base}/${KEY}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': 'ab'.repeat(32) }, body: raw });
    assert.equal(unsigned.status, 401);
    assert.equal((await post({ type: 'JOB_POSTING_STATUS' })).status, 400);
    assert.equal((await post({ type: 'JOB_POSTING_STATUS', externalJobPostingId: 'x', listingStatus: 42 })).status, 400);
    assert.deepEqual(await (await post({ type: 'SOMETHING_NEW', externalJobPostingId: 'x' })).json(), { status: 'ignored' });
    assert.deepEqual(await (await post({ type: 'JOB_POSTING_STATUS', externalJobPostingId: 'not-ours' })).json(), { status: 'unknown_job' });
  });
});
