import assert from 'node:assert/strict';
import { createJob, validateJobInput, type Job } from '../src/domain/job';
import {
  approversOf, localDate, morningAt, nudgeRefusal, previousMorning, reminderAudience, reminderRecipients, wantsDigest
} from '../src/domain/morning';
import { defaultSettings, type TenantSettings } from '../src/domain/settings';
import { digestFor, type TenantFacts } from '../src/morning/digest';
import { messageRoutes } from '../src/bot/routes';
import type { SettledExport } from '../src/storage/exportInbox';
import { ALEX, validForm } from './support/samples';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

function awaitingJob(requestedAt: string, overrides: Partial<Job> = {}): Job {
  const input = validateJobInput(validForm(), new Date('2026-01-01'));
  assert.ok(input.ok);
  return { ...createJob(input.value, ALEX, new Date(requestedAt), 'J0000000001'), state: 'awaiting_approval', approval: { requestedAt }, ...overrides };
}

function settings(overrides: Partial<TenantSettings> = {}): TenantSettings {
  return {
    ...defaultSettings('tenant-a', { buildTime: '02:00', timeZone: 'Europe/Oslo', bootstrapAdmins: [] }),
    admins: [{ aadObjectId: 'aad-admin', name: 'Ada Admin' }],
    recruiters: [{ aadObjectId: 'aad-rita', name: 'Rita Recruiter' }, { aadObjectId: 'aad-rob', name: 'Rob Recruiter' }],
    ...overrides
  };
}

describe('a person\'s morning (pure rules, fixed clocks)', () => {
  describe('when the morning is', () => {
    it('is 08:00 to noon on working days in the person\'s own time zone', () => {
      // Friday 27 November 2026.
      assert.equal(morningAt(at('2026-11-27T06:59:00Z'), 'Europe/Oslo'), undefined, '07:59 in Oslo');
      assert.deepEqual(morningAt(at('2026-11-27T07:00:00Z'), 'Europe/Oslo'), { date: '2026-11-27', startsAt: at('2026-11-27T07:00:00Z') });
      assert.equal(morningAt(at('2026-11-27T11:00:00Z'), 'Europe/Oslo'), undefined, 'noon in Oslo: too late for a morning card');
      // The same instant is still night in Seattle and already afternoon in Tokyo.
      assert.equal(morningAt(at('2026-11-27T07:30:00Z'), 'America/Los_Angeles'), undefined);
      assert.equal(morningAt(at('2026-11-27T07:30:00Z'), 'Asia/Tokyo'), undefined);
      assert.equal(morningAt(at('2026-11-27T16:30:00Z'), 'America/Los_Angeles')?.date, '2026-11-27');
      assert.equal(morningAt(at('2026-11-26T23:30:00Z'), 'Asia/Tokyo')?.date, '2026-11-27', 'Tokyo\'s Friday begins on Thursday UTC');
    });

    it('skips weekends', () => {
      assert.equal(morningAt(at('2026-11-28T08:00:00Z'), 'Europe/Oslo'), undefined, 'Saturday');
      assert.equal(morningAt(at('2026-11-29T08:00:00Z'), 'Europe/Oslo'), undefined, 'Sunday');
      assert.equal(morningAt(at('2026-11-30T08:00:00Z'), 'Europe/Oslo')?.date, '2026-11-30', 'Monday');
    });

    it('follows daylight saving time: 08:00 local on both sides of the change', () => {
      // New York moves to EDT on Sunday 8 March 2026: Friday 08:00 is 13:00Z, Monday 08:00 is 12:00Z.
      assert.deepEqual(morningAt(at('2026-03-09T12:00:00Z'), 'America/New_York'), { date: '2026-03-09', startsAt: at('2026-03-09T12:00:00Z') });
      assert.equal(morningAt(at('2026-03-09T11:59:00Z'), 'America/New_York'), undefined);
      const monday = morningAt(at('2026-03-09T12:30:00Z'), 'America/New_York')!;
      assert.deepEqual(previousMorning(monday, 'America/New_York'), { date: '2026-03-06', startsAt: at('2026-03-06T13:00:00Z') });
      // Oslo leaves summer time on Sunday 25 October 2026: Monday 08:00 is 07:00Z, Friday 08:00 was 06:00Z.
      const oslo = morningAt(at('2026-10-26T07:00:00Z'), 'Europe/Oslo')!;
      assert.equal(oslo.date, '2026-10-26');
      assert.deepEqual(previousMorning(oslo, 'Europe/Oslo').startsAt, at('2026-10-23T06:00:00Z'));
    });

    it('the day before a Tuesday is Monday; before a Monday, Friday', () => {
      assert.equal(previousMorning({ date: '2026-12-01', startsAt: at('2026-12-01T07:00:00Z') }, 'Europe/Oslo').date, '2026-11-30');
      assert.equal(previousMorning({ date: '2026-11-30', startsAt: at('2026-11-30T07:00:00Z') }, 'Europe/Oslo').date, '2026-11-27');
    });

    it('the local date for "once a day"', () => {
      assert.equal(localDate(at('2026-11-27T23:30:00Z'), 'Europe/Oslo'), '2026-11-28');
      assert.equal(localDate(at('2026-11-27T23:30:00Z'), 'America/Los_Angeles'), '2026-11-27');
    });
  });

  describe('approval reminders', () => {
    const requested = '2026-11-24T10:00:00Z';
    it('nobody before 24 hours; the approvers after 24; the admins too after 3 days; nothing once decided', () => {
      const job = awaitingJob(requested);
      assert.equal(reminderAudience(job, new Date(Date.parse(requested) + 23 * HOUR)), 'none');
      assert.equal(reminderAudience(job, new Date(Date.parse(requested) + 24 * HOUR)), 'approvers');
      assert.equal(reminderAudience(job, new Date(Date.parse(requested) + 72 * HOUR)), 'approvers_and_admins');
      assert.equal(reminderAudience({ ...job, state: 'queued' }, new Date(Date.parse(requested) + 96 * HOUR)), 'none');
    });

    it('reminds the recruiters who have not decided, then the admins, never the author', () => {
      const job = awaitingJob(requested, { author: { ...ALEX, aadObjectId: 'aad-rob' } });
      const day2 = reminderRecipients(job, settings(), [], new Date(Date.parse(requested) + 30 * HOUR)).map((p) => p.aadObjectId);
      assert.deepEqual(day2, ['aad-rita'], 'Rob wrote the job himself');
      const day4 = reminderRecipients(job, settings(), ['aad-boot'], new Date(Date.parse(requested) + 73 * HOUR)).map((p) => p.aadObjectId);
      assert.deepEqual(day4, ['aad-rita', 'aad-admin', 'aad-boot']);
    });

    it('without recruiters the admins approve, and are reminded once each', () => {
      const job = awaitingJob(requested);
      assert.deepEqual(approversOf(settings({ recruiters: [] }), [], ALEX.aadObjectId).map((p) => p.aadObjectId), ['aad-admin']);
      const people = reminderRecipients(job, settings({ recruiters: [] }), [], new Date(Date.parse(requested) + 80 * HOUR));
      assert.deepEqual(people.map((p) => p.aadObjectId), ['aad-admin']);
    });

    it('remind approvers: the author only, while it waits, once a local day', () => {
      const job = awaitingJob(requested);
      assert.equal(nudgeRefusal(job, 'aad-rita', '2026-11-25', 'Europe/Oslo'), 'not_author');
      assert.equal(nudgeRefusal({ ...job, state: 'queued' }, ALEX.aadObjectId, '2026-11-25', 'Europe/Oslo'), 'not_awaiting');
      assert.equal(nudgeRefusal(job, ALEX.aadObjectId, '2026-11-25', 'Europe/Oslo'), undefined);
      const reminded = { ...job, approval: { requestedAt: requested, remindedAt: '2026-11-25T23:30:00Z' } };
      assert.equal(nudgeRefusal(reminded, ALEX.aadObjectId, '2026-11-25', 'Europe/Oslo'), undefined, '00:30 in Oslo was already the 26th');
      assert.equal(nudgeRefusal(reminded, ALEX.aadObjectId, '2026-11-26', 'Europe/Oslo'), 'already_today');
    });
  });

  describe('the morning digest', () => {
    it('recruiters by the tenant\'s default, admins only when they turn it on, the person\'s choice first', () => {
      assert.equal(wantsDigest('recruiter', undefined, true), true);
      assert.equal(wantsDigest('recruiter', undefined, false), false);
      assert.equal(wantsDigest('recruiter', 'off', true), false);
      assert.equal(wantsDigest('admin', undefined, true), false);
      assert.equal(wantsDigest('admin', 'on', false), true);
      assert.equal(wantsDigest('hiring_manager', 'on', true), false);
    });

    const morning = { date: '2026-11-27', startsAt: at('2026-11-27T07:00:00Z') };
    const since = at('2026-11-26T07:00:00Z');
    const now = at('2026-11-27T07:01:00Z');
    const exported = (eventId: string, settledAt: string, extra: Partial<SettledExport> = {}): SettledExport => ({
      tenantId: 'tenant-a', eventId, requestId: eventId, status: 'done', receivedAt: settledAt, settledAt, attempts: 1,
      card: { candidateId: `C-${eventId}`, job: { id: 'J0000000009', title: 'Nurse' } }, ...extra
    });
    const quiet: TenantFacts = { awaiting: [], exports: [], feed: { builtAt: '2026-11-27T01:00:00Z', lastReadAt: '2026-11-27T03:00:00Z', heldBack: [], heldBackTotal: 0 } };
    const rita = { aadObjectId: 'aad-rita', role: 'recruiter' as const, timeZone: 'Europe/Oslo' };

    it('nothing to say, no card: LinkedIn\'s ordinary nightly read alone is no news', () => {
      assert.equal(digestFor(rita, morning, since, quiet, settings(), [], now), undefined);
    });

    it('lists candidates exported since yesterday\'s morning and not reviewed', () => {
      const facts = { ...quiet, exports: [exported('old', '2026-11-26T06:59:00Z'), exported('new', '2026-11-26T15:00:00Z'), exported('seen', '2026-11-26T16:00:00Z', { reviewedBy: { aadObjectId: 'x', name: 'X' } })] };
      const digest = digestFor(rita, morning, since, facts, settings(), [], now)!;
      assert.deepEqual(digest.candidates, [{ candidateId: 'C-new', jobId: 'J0000000009', jobTitle: 'Nurse' }]);
      assert.equal(digest.feed?.lastReadAt, '2026-11-27T03:00:00Z', 'and what LinkedIn read');
    });

    it('lists jobs waiting for this person\'s approval, not their own nor other approvers\'', () => {
      const mine = awaitingJob('2026-11-25T07:00:00Z', { id: 'J0000000001' });
      const ritasOwn = awaitingJob('2026-11-25T07:00:00Z', { id: 'J0000000002', author: { ...ALEX, aadObjectId: 'aad-rita' } });
      const digest = digestFor(rita, morning, since, { ...quiet, awaiting: [mine, ritasOwn] }, settings(), [], now)!;
      assert.deepEqual(digest.approvals.map((a) => [a.jobId, a.days]), [['J0000000001', 2]]);
      const admin = { aadObjectId: 'aad-admin', role: 'admin' as const, timeZone: 'UTC' };
      assert.equal(digestFor(admin, morning, since, { ...quiet, awaiting: [mine] }, settings(), [], now)?.approvals.length, 1, 'admins may decide too');
    });

    it('says when LinkedIn has not read a feed that stood all night, and lists held-back jobs', () => {
      const unread = { ...quiet, feed: { builtAt: '2026-11-25T01:00:00Z', lastReadAt: '2026-11-25T03:00:00Z', heldBack: [], heldBackTotal: 0 } };
      assert.equal(digestFor(rita, morning, since, unread, settings(), [], now)?.feed?.notReadSince, since.toISOString());
      assert.equal(digestFor(rita, morning, since, unread, settings({ postingEnabled: false }), [], now), undefined, 'posting off: nothing to read');
      const held = { ...quiet, feed: { ...quiet.feed!, heldBack: [{ jobId: 'J0000000003', title: 'Engineer', reasons: ['location_incomplete' as const] }], heldBackTotal: 1 } };
      assert.deepEqual(digestFor(rita, morning, since, held, settings(), [], now)?.heldBack.map((h) => h.reasons), [['location_incomplete']]);
      assert.equal(digestFor(rita, morning, since, { ...held, feed: undefined }, settings(), [], now), undefined, 'an API tenant has no feed section');
    });
  });
});

describe('morning commands in the route table (anchored)', () => {
  const routeOf = (text: string) => messageRoutes.find((route) => route.pattern.test(text));

  it('remind approvers and digest on/off, in English and Norwegian, only as whole messages', () => {
    for (const text of ['remind approvers J0ABCDEFGHJ', 'Remind the approvers j0abcdefghj', 'påminn godkjennere J0ABCDEFGHJ', 'paminn godkjennerne J0ABCDEFGHJ', 'remind approvers']) {
      assert.equal(routeOf(text)?.name, 'remind approvers', text);
    }
    assert.equal('J0ABCDEFGHJ', 'påminn godkjennere J0ABCDEFGHJ'.match(routeOf('påminn godkjennere J0ABCDEFGHJ')!.pattern)?.groups?.id);
    for (const text of ['digest off', 'Digest on', 'morning digest off', 'sammendrag av', 'sammendrag på', 'morgensammendrag av']) {
      assert.equal(routeOf(text)?.name, 'digest on/off', text);
    }
    for (const text of ['please remind approvers J0ABCDEFGHJ', 'digest offline', 'turn the digest off please']) {
      assert.notEqual(routeOf(text)?.name ?? '', 'remind approvers', text);
      assert.notEqual(routeOf(text)?.name ?? '', 'digest on/off', text);
    }
  });
});

describe('whose time zone', () => {
  it('the person\'s from Teams, else the tenant\'s; an unknown zone never stops anyone\'s morning', async () => {
    const { timeZoneOf } = await import('../src/domain/morning');
    assert.equal(timeZoneOf('America/New_York', { timeZone: 'Europe/Oslo' }), 'America/New_York');
    assert.equal(timeZoneOf(undefined, { timeZone: 'Europe/Oslo' }), 'Europe/Oslo');
    assert.equal(timeZoneOf('Mars/Olympus_Mons', { timeZone: 'Europe/Oslo' }), 'Europe/Oslo');
  });
});

describe('the morning pass\'s test clock', () => {
  it('is refused in production', async () => {
    const { productionProblems } = await import('../src/config');
    const problems = productionProblems({ MORNING_TEST_CLOCK_FILE: '/tmp/now', BOT_ID: 'x', BOT_PASSWORD: 'y', PUBLIC_BASE_URL: 'https://bot.example.com', AZURE_STORAGE_CONNECTION_STRING: 'z' });
    assert.deepEqual(problems, ['MORNING_TEST_CLOCK_FILE must not be set (a test clock for the morning pass)']);
  });
});
