import assert from 'node:assert/strict';
import { queueApiOperation } from '../src/domain/jobPosting';
import {
  afterBatchAnswer, afterStatus, afterTaskResult, EMPTY_BUDGET, isInDoubt, jobPostingElement, organizationIdOf, settleInDoubt, takeBudget,
  type BudgetState
} from '../src/domain/jobPostingElements';
import { apiNotice, apiNoticeRenderers, rejectionSentence } from '../src/linkedin/apiNotices';
import { validate } from './support/fakeJobPostings';
import { ALEX } from './support/samples';
import { sampleJob, NOW } from './support/apiJobs';


describe('Job Posting API: elements from jobs', () => {
  it('builds an element the spec accepts: organization, our job id, location, enums, job functions, workplace', () => {
    const job = sampleJob();
    const element = jobPostingElement(job, job.api!, { organizationId: '1234' });
    assert.equal(validate(element as unknown as Record<string, unknown>), undefined);
    assert.equal(element.integrationContext, 'urn:li:organization:1234');
    assert.equal(element.externalJobPostingId, job.id);
    assert.equal(element.jobPostingOperationType, 'CREATE');
    assert.equal(element.location, 'Oslo, Norway');
    assert.equal(element.listedAt, NOW.getTime());
    assert.equal(element.employmentStatus, 'FULL_TIME');
    assert.equal(element.experienceLevel, 'MID_SENIOR_LEVEL');
    assert.deepEqual(element.categories, ['eng', 'it']);
    assert.deepEqual(element.workplaceTypes, ['HYBRID']);
    assert.equal(element.listingType, 'BASIC');
    assert.equal(element.contract, undefined);
  });

  it('a promoted job is PREMIUM with the contract; without a contract id it stays BASIC', () => {
    const job = sampleJob({ promoted: true });
    job.api = queueApiOperation(job, 'CREATE', NOW);
    const premium = jobPostingElement(job, job.api, { organizationId: '1', contractId: '777' });
    assert.equal(premium.listingType, 'PREMIUM');
    assert.equal(premium.contract, 'urn:li:contract:777');
    assert.equal(validate(premium as unknown as Record<string, unknown>), undefined);
    assert.equal(jobPostingElement(job, job.api, { organizationId: '1' }).listingType, 'BASIC');
  });

  it('the organization is the RSC organization id, else the company id', () => {
    assert.equal(organizationIdOf({ rsc: { organizationId: '55' }, companyId: '66' }), '55');
    assert.equal(organizationIdOf({ rsc: {}, companyId: '66' }), '66');
    assert.equal(organizationIdOf({ rsc: {} }), undefined);
  });

  it('the fake LinkedIn refuses what the spec refuses (a missing title, a wrong enum, PREMIUM without contract)', () => {
    const job = sampleJob();
    const element = jobPostingElement(job, job.api!, { organizationId: '1' }) as unknown as Record<string, unknown>;
    assert.equal(validate({ ...element, title: '' })?.field, 'title');
    assert.equal(validate({ ...element, jobPostingOperationType: 'CREATED' })?.field, 'jobPostingOperationType');
    assert.equal(validate({ ...element, listingType: 'PREMIUM' })?.field, 'contract');
  });
});

describe('Job Posting API: what answers do to a job', () => {
  const followUp = 5 * 60_000;

  it('a task answer: sent, followed up five minutes later', () => {
    const job = sampleJob();
    const { job: sent } = afterBatchAnswer({ ...job, api: { ...job.api!, sendingVersion: 1, sendingAt: NOW.toISOString() } }, { kind: 'task', taskUrn: 'urn:li:simpleJobPostingTask:1' }, NOW, followUp);
    assert.equal(sent.api!.state, 'sent');
    assert.equal(sent.api!.taskUrn, 'urn:li:simpleJobPostingTask:1');
    assert.equal(sent.api!.nextCheckAt, new Date(NOW.getTime() + followUp).toISOString());
    assert.equal(sent.api!.sendingVersion, undefined);
  });

  it('SUCCEEDED and PROCESSED without errors: on LinkedIn, posted through the API, with the link, and the author is told', () => {
    for (const status of ['SUCCEEDED', 'PROCESSED']) {
      const job = sampleJob();
      const sent = { ...job, api: { ...job.api!, state: 'sent' as const, taskUrn: 't' } };
      const change = afterTaskResult(sent, { status, jobPosting: 'urn:li:jobPosting:123' }, NOW, 60_000);
      assert.equal(change.job.api!.state, 'on_linkedin');
      assert.equal(change.job.state, 'posted');
      assert.equal(change.job.channel, 'api');
      assert.equal(change.job.api!.status!.jobPostingUrl, 'https://www.linkedin.com/jobs/view/123');
      assert.equal(change.notice, 'live');
    }
  });

  it('FAILED, PROCESSED with errors: rejected with LinkedIn\'s reason; a refused CREATE goes back to draft', () => {
    const job = sampleJob();
    const sent = { ...job, api: { ...job.api!, state: 'sent' as const, taskUrn: 't' } };
    const failed = afterTaskResult(sent, { status: 'FAILED', errorMessage: 'dropped: true\n\nInvalid Field: /city; ' }, NOW, 60_000);
    assert.equal(failed.job.api!.state, 'rejected');
    assert.match(failed.job.api!.error!, /Invalid Field: \/city/);
    assert.equal(failed.job.state, 'draft');
    assert.equal(failed.notice, 'rejected');
    assert.equal(afterTaskResult(sent, { status: 'PROCESSED', errorMessage: 'Invalid Field: /title' }, NOW, 60_000).job.api!.state, 'rejected');
  });

  it('IN_PROGRESS: looked at again later, nothing else changes', () => {
    const job = sampleJob();
    const sent = { ...job, api: { ...job.api!, state: 'sent' as const, taskUrn: 't' } };
    const change = afterTaskResult(sent, { status: 'IN_PROGRESS' }, NOW, 60_000);
    assert.equal(change.job.api!.state, 'sent');
    assert.equal(change.job.api!.nextCheckAt, new Date(NOW.getTime() + 60_000).toISOString());
    assert.equal(change.notice, undefined);
  });

  it('a per-element 4xx in the batch answer is a rejection', () => {
    const job = sampleJob();
    const change = afterBatchAnswer(job, { kind: 'error', message: 'ERROR :: /title :: field is required', status: 422 }, NOW, followUp);
    assert.equal(change.job.api!.state, 'rejected');
    assert.equal(change.notice, 'rejected');
  });

  it('a CLOSE that succeeded closes the job', () => {
    const job = sampleJob({ state: 'posted' });
    const closing = { ...job, api: { ...queueApiOperation(job, 'CLOSE', NOW), state: 'sent' as const, taskUrn: 't' } };
    const change = afterTaskResult(closing, { status: 'SUCCEEDED' }, NOW, 60_000);
    assert.equal(change.job.api!.state, 'closed');
    assert.equal(change.job.state, 'closed');
    assert.equal(change.notice, undefined);
  });

  it('a status LinkedIn closed shows the job closed with the reason and tells the author; the same status again changes nothing', () => {
    const job = sampleJob({ state: 'posted' });
    const live = { ...job, api: { ...job.api!, state: 'on_linkedin' as const, status: { listingStatus: 'LISTED', checkedAt: NOW.toISOString() } } };
    const change = afterStatus(live, { listingStatus: 'CLOSED', reason: 'Reported by members' }, NOW)!;
    assert.equal(change.job.state, 'closed');
    assert.equal(change.job.api!.state, 'closed');
    assert.equal(change.job.api!.status!.reason, 'Reported by members');
    assert.equal(change.notice, 'closed_by_linkedin');
    assert.equal(afterStatus(change.job, { listingStatus: 'CLOSED', reason: 'Reported by members' }, NOW), undefined);
    const promoted = afterStatus(live, { promotionStatus: 'PROMOTED' }, NOW)!;
    assert.equal(promoted.job.api!.status!.promotionStatus, 'PROMOTED');
    assert.equal(promoted.notice, undefined);
  });

  it('an in-doubt send is settled by whether LinkedIn has the job', () => {
    assert.equal(isInDoubt({ ...sampleJob().api!, sendingVersion: 1 }), true);
    assert.equal(isInDoubt(sampleJob().api), false);
    assert.equal(settleInDoubt('CREATE', { listingStatus: 'LISTED' }), 'arrived');
    assert.equal(settleInDoubt('CREATE', undefined), 'resend');
    assert.equal(settleInDoubt('CLOSE', { listingStatus: 'LISTED' }), 'resend');
    assert.equal(settleInDoubt('CLOSE', { listingStatus: 'CLOSED' }), 'arrived');
    assert.equal(settleInDoubt('RENEW', { listingStatus: 'LISTED' }), 'arrived');
    assert.equal(settleInDoubt('UPDATE', { listingStatus: 'LISTED' }), 'resend');
  });
});

describe('Job Posting API: LinkedIn\'s throttles as a budget', () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');

  it('never more than 2,000 records in any 60 s window, at close to the full rate', () => {
    let state: BudgetState = EMPTY_BUDGET;
    const sends: number[] = [];
    let now = t0;
    while (sends.length < 60) {
      const decision = takeBudget(state, 100, 1, now);
      if (decision.ok) {
        state = decision.state;
        sends.push(now);
      } else {
        now = decision.until;
      }
    }
    for (let i = 0; i < sends.length; i++) {
      const inWindow = sends.filter((at) => at >= sends[i] && at < sends[i] + 60_000).length * 100;
      assert.ok(inWindow <= 2000, `${inWindow} records within 60 s from send ${i}`);
    }
    const perMinute = (sends.length * 100) / ((sends[sends.length - 1] - sends[0] + 60_000 * 100 / 1900) / 60_000);
    assert.ok(perMinute >= 1800, `paced at ${perMinute} records a minute`);
  });

  it('the daily limits hold sends until midnight UTC; a 429 holds them until Retry-After', () => {
    const full: BudgetState = { ...EMPTY_BUDGET, day: '2026-12-01', dayRecords: 59_950 };
    const decision = takeBudget(full, 100, 1, t0);
    assert.deepEqual(decision, { ok: false, until: Date.parse('2026-12-02T00:00:00Z') });
    assert.equal(takeBudget(full, 100, 1, Date.parse('2026-12-02T00:00:01Z')).ok, true);
    const calls: BudgetState = { ...EMPTY_BUDGET, day: '2026-12-01', dayRequests: 100_000 };
    assert.equal(takeBudget(calls, 0, 1, t0).ok, false);
    assert.deepEqual(takeBudget({ ...EMPTY_BUDGET, blockedUntil: t0 + 5000 }, 1, 1, t0), { ok: false, until: t0 + 5000 });
  });
});

describe('Job Posting API: what the author is told', () => {
  it('says in words what LinkedIn did not accept, in English and Norwegian', () => {
    assert.equal(rejectionSentence('en', 'Backend Engineer', 'dropped: true\n\nInvalid Field: /city; '), 'LinkedIn did not accept the city of your job "Backend Engineer". Fix it and post the job again.');
    assert.match(rejectionSentence('nb', 'Backend Engineer', 'Invalid Field: /city'), /LinkedIn godtok ikke byen/);
    assert.match(rejectionSentence('en', 'X', 'Invalid Field: /somethingNew'), /the field "somethingNew"/);
    assert.match(rejectionSentence('en', 'X', 'Caller is not authorized'), /Caller is not authorized/);
  });

  it('one notice per job version and event, rendered as a card with the link', () => {
    const job = sampleJob();
    const sent = { ...job, api: { ...job.api!, state: 'sent' as const, taskUrn: 't' } };
    const change = afterTaskResult(sent, { status: 'SUCCEEDED', jobPosting: 'urn:li:jobPosting:99' }, NOW, 60_000);
    const notice = apiNotice(change)!;
    assert.equal(notice.key, `api-live:1:${job.id}`);
    assert.deepEqual(notice.to, { kind: 'user', aadObjectId: ALEX.aadObjectId });
    const reply = apiNoticeRenderers[notice.message.kind]('en', notice.message.data) as { card: unknown };
    assert.match(JSON.stringify(reply.card), /is on LinkedIn: https:\/\/www.linkedin.com\/jobs\/view\/99/);
  });
});
