import assert from 'node:assert/strict';
import { createJob, validateJobInput, type Job } from '../src/domain/job';
import { searchJobs, matchesSearch } from '../src/domain/jobSearch';
import { handoverAnswerSchema, handoverCandidates, handoverSubmitSchema } from '../src/domain/handover';
import { channelChoices, pickChannel } from '../src/domain/channelChoice';
import { ALEX, MEGAN, validForm } from './support/samples';

function job(form: Record<string, unknown>, author = ALEX, at = '2026-11-01T10:00:00Z'): Job {
  const input = validateJobInput(validForm(form), new Date('2026-01-01'));
  assert.ok(input.ok);
  return createJob(input.value, author, new Date(at));
}

describe('share a job: search', () => {
  const data = job({ title: 'Data Engineer', city: 'Oslo' }, ALEX, '2026-11-01T10:00:00Z');
  const frontend = job({ title: 'Frontend Developer', city: 'Bergen' }, MEGAN, '2026-11-02T10:00:00Z');
  const closed = { ...job({ title: 'Data Analyst', city: 'Oslo' }), state: 'closed' as const };
  const waiting = { ...job({ title: 'Data Scientist', city: 'Oslo' }), state: 'awaiting_approval' as const };
  const all = [data, frontend, closed, waiting];

  it('every typed word must appear in the title, company or place, in any case', () => {
    assert.ok(matchesSearch(data, 'data OSLO'));
    assert.ok(matchesSearch(data, 'contoso'));
    assert.ok(!matchesSearch(data, 'data bergen'));
    assert.ok(matchesSearch(data, '   '));
  });

  it('lists open jobs only (no closed ones, none waiting for approval), newest first', () => {
    assert.deepEqual(searchJobs(all, '', { skip: 0, count: 10 }).map((j) => j.title), ['Frontend Developer', 'Data Engineer']);
    assert.deepEqual(searchJobs(all, 'data', { skip: 0, count: 10 }).map((j) => j.title), ['Data Engineer']);
  });

  it('a hiring manager\'s search is limited to their own jobs; paging with skip and count', () => {
    assert.deepEqual(searchJobs(all, '', { onlyAuthor: MEGAN.aadObjectId, skip: 0, count: 10 }).map((j) => j.title), ['Frontend Developer']);
    assert.deepEqual(searchJobs(all, '', { skip: 1, count: 1 }).map((j) => j.title), ['Data Engineer']);
  });
});

describe('hand a candidate to a hiring manager: rules', () => {
  it('offers the job\'s author first, then recruiters and admins, each once, only people with a name', () => {
    const people = handoverCandidates({ aadObjectId: 'aad-hanna', name: 'Hanna Hiring' }, [
      { aadObjectId: 'aad-rita', name: 'Rita Recruiter' },
      { aadObjectId: 'aad-hanna', name: 'Hanna Hiring' },
      { aadObjectId: 'aad-boot' }
    ]);
    assert.deepEqual(people.map((p) => p.aadObjectId), ['aad-hanna', 'aad-rita']);
    assert.deepEqual(handoverCandidates(undefined, [{ aadObjectId: 'aad-rita', name: 'Rita' }]).map((p) => p.aadObjectId), ['aad-rita']);
  });

  it('a hand-over needs a person; the note is optional and trimmed, at most 1000 characters', () => {
    assert.equal(handoverSubmitSchema.safeParse({ eventId: 'e1', handoverTo: ' ' }).success, false);
    assert.deepEqual(handoverSubmitSchema.parse({ eventId: 'e1', handoverTo: 'aad-x', handoverNote: '  look  ' }), { eventId: 'e1', handoverTo: 'aad-x', handoverNote: 'look' });
    assert.equal(handoverSubmitSchema.safeParse({ eventId: 'e1', handoverTo: 'aad-x', handoverNote: 'x'.repeat(1001) }).success, false);
  });

  it('"Not a fit" needs a reason; "Interested" does not; nothing else is an answer', () => {
    assert.equal(handoverAnswerSchema.safeParse({ eventId: 'e1', verdict: 'not_fit', handoverReason: '  ' }).success, false);
    assert.equal(handoverAnswerSchema.safeParse({ eventId: 'e1', verdict: 'not_fit', handoverReason: 'No Go' }).success, true);
    assert.equal(handoverAnswerSchema.safeParse({ eventId: 'e1', verdict: 'interested' }).success, true);
    assert.equal(handoverAnswerSchema.safeParse({ eventId: 'e1', verdict: 'maybe' }).success, false);
  });
});

describe('notification channel from a list: rules', () => {
  const known = [
    { teamId: 't1', teamName: 'Recruiting', channelId: '19:b@thread.tacv2', channelName: 'Candidates' },
    { teamId: 't1', teamName: 'Recruiting', channelId: 't1', channelName: 'General' }
  ];

  it('offers the known channels by team and name, sorted, and keeps a current channel that is no longer listed', () => {
    assert.deepEqual(channelChoices(known, undefined).map((c) => c.title), ['Recruiting › Candidates', 'Recruiting › General']);
    assert.deepEqual(channelChoices(known, { channelId: '19:old@thread.tacv2', name: 'Old' })[0], { title: 'Old', value: '19:old@thread.tacv2' });
  });

  it('a pick must be a known channel, the current one, or none', () => {
    assert.deepEqual(pickChannel('19:b@thread.tacv2', known, undefined), { ok: true, channel: { channelId: '19:b@thread.tacv2', teamId: 't1', name: 'Recruiting › Candidates' } });
    assert.deepEqual(pickChannel('none', known, undefined), { ok: true, channel: undefined });
    assert.deepEqual(pickChannel('19:old@thread.tacv2', known, { channelId: '19:old@thread.tacv2', name: 'Old' }), { ok: true, channel: { channelId: '19:old@thread.tacv2', name: 'Old' } });
    assert.deepEqual(pickChannel('19:forged@thread.tacv2', known, undefined), { ok: false });
    assert.deepEqual(pickChannel({ not: 'text' }, known, undefined), { ok: false });
  });
});
