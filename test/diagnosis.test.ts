import assert from 'node:assert/strict';
import { diagnose, isPossibleDuplicate, type Cause, type DiagnosisFacts } from '../src/domain/diagnosis';
import { createJob, validateJobInput, type Job } from '../src/domain/job';
import { ALEX, validForm } from './support/samples';

const NOW = new Date('2026-11-26T12:00:00Z');
const NEXT_BUILD = new Date('2026-11-27T01:00:00Z');
const HOUR = 3_600_000;

function job(overrides: Partial<Job> = {}, form: Record<string, unknown> = {}): Job {
  const input = validateJobInput(validForm(form), NOW);
  assert.ok(input.ok, JSON.stringify(input));
  return { ...createJob(input.value, ALEX, new Date(NOW.getTime() - 72 * HOUR), 'J0000000001'), ...overrides };
}

/** A job that is fine and has been on LinkedIn for days: nothing to report. */
function facts(overrides: Partial<DiagnosisFacts> = {}): DiagnosisFacts {
  return {
    job: job({ state: 'in_feed', firstFedAt: new Date(NOW.getTime() - 70 * HOUR).toISOString() }),
    settings: { companyId: '1234567', companyName: 'Contoso', posterEmail: 'jobs@contoso.com', postingEnabled: true },
    feed: { tracksDownloads: true, lastDownloadAt: new Date(NOW.getTime() - 2 * HOUR), nextBuildAt: NEXT_BUILD },
    otherOpenJobs: [],
    now: NOW,
    ...overrides
  };
}

const codes = (causes: Cause[]) => causes.map((cause) => cause.code);

describe('why a job is not on LinkedIn (pure diagnosis)', () => {
  it('finds nothing wrong with a valid job LinkedIn has had for days', () => {
    assert.deepEqual(diagnose(facts()), []);
  });

  it('a closed job is closed, and nothing else matters', () => {
    assert.deepEqual(diagnose(facts({ job: job({ state: 'closed' }), settings: { postingEnabled: false } })), [{ code: 'closed' }]);
  });

  it('company ID missing, or not numeric (with the value shown)', () => {
    assert.deepEqual(codes(diagnose(facts({ settings: { ...facts().settings, companyId: undefined } }))), ['company_id_missing']);
    assert.deepEqual(diagnose(facts({ settings: { ...facts().settings, companyId: ' contoso-ltd ' } })), [
      { code: 'company_id_not_numeric', companyId: 'contoso-ltd' }
    ]);
  });

  it('location without city and country, or a US job without its state', () => {
    assert.deepEqual(codes(diagnose(facts({ job: job({ city: '' }) }))), ['location_incomplete']);
    const longFed = { state: 'in_feed' as const, firstFedAt: facts().job.firstFedAt };
    assert.deepEqual(codes(diagnose(facts({ job: job(longFed, { country: 'US', region: '' }) }))), ['location_incomplete']);
    assert.deepEqual(codes(diagnose(facts({ job: job(longFed, { country: 'US', region: 'WA' }) }))), []);
  });

  it('held back by the feed for other reasons, with each reason and the next build', () => {
    const causes = diagnose(facts({ job: job({ company: 'Confidential' }), settings: { ...facts().settings, posterEmail: undefined } }));
    assert.deepEqual(causes, [{ code: 'held_back', reasons: ['poster_email_missing', 'company_confidential'], nextBuildAt: NEXT_BUILD }]);
  });

  it('posting switched off, awaiting approval, draft', () => {
    assert.deepEqual(codes(diagnose(facts({ settings: { ...facts().settings, postingEnabled: false } }))), ['posting_off']);
    assert.deepEqual(codes(diagnose(facts({ job: job({ state: 'awaiting_approval' }) }))), ['awaiting_approval']);
    assert.deepEqual(codes(diagnose(facts({ job: job({ state: 'draft' }) }))), ['draft']);
  });

  it('every blocking cause at once is reported, and timing is left out while something blocks', () => {
    const causes = diagnose(facts({ job: job({ state: 'awaiting_approval', city: '' }), settings: { postingEnabled: false, companyId: 'x' } }));
    assert.deepEqual(codes(causes), ['awaiting_approval', 'posting_off', 'company_id_not_numeric', 'location_incomplete', 'held_back']);
  });

  it('queued, not yet in a build: says when the next build is', () => {
    assert.deepEqual(diagnose(facts({ job: job({ state: 'queued' }) })), [{ code: 'not_yet_built', nextBuildAt: NEXT_BUILD }]);
  });

  it('left out by the last build but fixed since: goes in at the next build', () => {
    const causes = diagnose(facts({ job: job({ state: 'queued' }), feed: { ...facts().feed, lastBuildHeldBack: ['company_id_missing'] } }));
    assert.deepEqual(causes, [{ code: 'fixed_since_build', reasons: ['company_id_missing'], nextBuildAt: NEXT_BUILD }]);
  });

  it('built but not downloaded by LinkedIn since (or never)', () => {
    const builtAt = new Date(NOW.getTime() - 5 * HOUR);
    const built = job({ state: 'in_feed', firstFedAt: builtAt.toISOString() });
    const earlier = new Date(NOW.getTime() - 20 * HOUR);
    assert.deepEqual(diagnose(facts({ job: built, feed: { tracksDownloads: true, lastDownloadAt: earlier, nextBuildAt: NEXT_BUILD } })), [
      { code: 'not_yet_downloaded', builtAt, lastDownloadAt: earlier }
    ]);
    assert.deepEqual(diagnose(facts({ job: built, feed: { tracksDownloads: true, nextBuildAt: NEXT_BUILD } })), [
      { code: 'not_yet_downloaded', builtAt, lastDownloadAt: undefined }
    ]);
  });

  it('downloaded less than 48 hours ago: expect it within 48 hours of that read', () => {
    const built = job({ state: 'in_feed', firstFedAt: new Date(NOW.getTime() - 10 * HOUR).toISOString() });
    const read = new Date(NOW.getTime() - 8 * HOUR);
    assert.deepEqual(diagnose(facts({ job: built, feed: { tracksDownloads: true, lastDownloadAt: read, nextBuildAt: NEXT_BUILD } })), [
      { code: 'downloaded_recently', downloadedAt: read, expectedBy: new Date(read.getTime() + 48 * HOUR) }
    ]);
  });

  it('without a feed service nothing is claimed about downloads', () => {
    const built = job({ state: 'in_feed', firstFedAt: new Date(NOW.getTime() - 5 * HOUR).toISOString() });
    assert.deepEqual(diagnose(facts({ job: built, feed: { tracksDownloads: false, nextBuildAt: NEXT_BUILD } })), []);
  });

  it('possible duplicate: another open job of the tenant with the same title and location', () => {
    const twin = job({ id: 'J0000000002', title: '  backend   ENGINEER ', city: 'oslo' });
    const elsewhere = job({ id: 'J0000000003', city: 'Bergen' });
    const closedTwin = job({ id: 'J0000000004', state: 'closed' });
    const otherTenant = job({ id: 'J0000000005', tenantId: 'tenant-b' });
    const causes = diagnose(facts({ otherOpenJobs: [twin, elsewhere, closedTwin, otherTenant, facts().job] }));
    assert.deepEqual(causes, [{ code: 'possible_duplicate', jobIds: ['J0000000002'] }]);
    assert.equal(isPossibleDuplicate(facts().job, facts().job), false, 'a job is not its own duplicate');
  });
});
