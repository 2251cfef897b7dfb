import assert from 'node:assert/strict';
import {
  apiHasJob, applySwitchStep, canPromote, canRenew, changeOperation, channelSwitchAfterSave, expiresAt, promoteJob, renewJob,
  routeClosed, routeEdited, routeSubmitted, switchProgress, switchStep
} from '../src/domain/apiChannel';
import { isInFeedSnapshot } from '../src/domain/feedRules';
import { createJob, isTitleLocked, validateJobInput, type Job } from '../src/domain/job';
import type { ApiPosting } from '../src/domain/jobPosting';
import { applySettingsInput, validateSettingsInput } from '../src/domain/settingsForm';
import { defaultSettings } from '../src/domain/settings';
import { linkedInReasonText } from '../src/bot/apiViews';
import { settingsForm } from './support/settingsSupport';
import { ALEX, validForm } from './support/samples';

const NOW = new Date('2026-11-27T10:00:00Z');

function job(extra: Partial<Job> = {}): Job {
  const input = validateJobInput(validForm(), new Date('2026-01-01'));
  assert.ok(input.ok);
  return { ...createJob(input.value, ALEX, new Date('2026-11-20T10:00:00Z')), ...extra };
}

const api = (state: ApiPosting['state'], operation: ApiPosting['operation'] = 'CREATE', extra: Partial<ApiPosting> = {}): ApiPosting =>
  ({ state, operation, version: 1, listingType: 'BASIC', ...extra });
const live = api('on_linkedin', 'CREATE', { status: { jobPostingUrn: 'urn:li:jobPosting:1', checkedAt: NOW.toISOString() } });

describe('API channel: what each change sends', () => {
  it('a job submitted on an API tenant goes by API only (CREATE queued); on a feed tenant or awaiting approval, nothing', () => {
    const routed = routeSubmitted(job(), 'api', NOW);
    assert.equal(routed.channel, 'api');
    assert.deepEqual({ state: routed.api?.state, operation: routed.api?.operation, version: routed.api?.version }, { state: 'waiting', operation: 'CREATE', version: 1 });
    assert.equal(routeSubmitted(job(), 'feed', NOW).api, undefined);
    assert.equal(routeSubmitted(job({ state: 'awaiting_approval' }), 'api', NOW).api, undefined);
  });

  it('an edit sends UPDATE once LinkedIn has the job; CREATE again after LinkedIn refused it (edit and resubmit); nothing for a feed job', () => {
    assert.equal(routeEdited(job({ channel: 'api', api: live }), NOW).api?.operation, 'UPDATE');
    const resubmitted = routeEdited(job({ channel: 'api', api: api('rejected', 'CREATE', { version: 3, error: 'Invalid Field: /city' }) }), NOW);
    assert.deepEqual([resubmitted.api?.operation, resubmitted.api?.state, resubmitted.api?.version], ['CREATE', 'waiting', 4]);
    assert.equal(routeEdited(job(), NOW).api, undefined);
    assert.equal(changeOperation({ api: api('sent') }), 'UPDATE', 'a CREATE on its way: LinkedIn will have it');
  });

  it('closing sends CLOSE when LinkedIn has the job; a CREATE never sent is just not sent', () => {
    assert.equal(routeClosed(job({ channel: 'api', api: live }), NOW).api?.operation, 'CLOSE');
    const unsent = routeClosed(job({ channel: 'api', api: api('waiting') }), NOW);
    assert.deepEqual([unsent.api?.state, unsent.api?.operation], ['closed', 'CREATE']);
    assert.equal(routeClosed(job(), NOW).api, undefined);
    const backOnFeed = job({ channel: 'feed', api: api('closed', 'CLOSE', { version: 2 }) });
    assert.deepEqual(routeClosed(backOnFeed, NOW).api, backOnFeed.api, 'closed on the API already: nothing more is sent');
    assert.equal(isTitleLocked(backOnFeed), true, 'LinkedIn had it: the title stays locked');
  });

  it('the title is locked once LinkedIn has the job by API, not while LinkedIn refused its CREATE', () => {
    assert.equal(isTitleLocked(job({ channel: 'api', api: live })), true);
    assert.equal(isTitleLocked(job({ channel: 'api', api: api('sent') })), true);
    assert.equal(isTitleLocked(job({ channel: 'api', api: api('rejected') })), false);
    assert.equal(isTitleLocked(job({ channel: 'api', api: api('waiting') })), false);
    assert.equal(apiHasJob({ api: api('rejected', 'UPDATE') }), true);
  });

  it('Renew: an API job on LinkedIn within 7 days of its expiration date or of LinkedIn\'s 30-day listing, nothing on its way', () => {
    const onLinkedIn = job({ channel: 'api', api: live });
    assert.equal(expiresAt(onLinkedIn).toISOString(), '2026-12-20T10:00:00.000Z', '30 days after it was listed');
    assert.equal(canRenew(onLinkedIn, NOW), false, '23 days left');
    assert.equal(canRenew(onLinkedIn, new Date('2026-12-14T10:00:00Z')), true, '6 days left');
    assert.equal(canRenew(job({ channel: 'api', api: live, expirationDate: '2026-12-01' }), NOW), true, 'its own date is near');
    assert.equal(canRenew(job({ expirationDate: '2026-12-01' }), NOW), false, 'a feed job');
    assert.equal(canRenew(job({ channel: 'api', api: { ...live, state: 'waiting', operation: 'UPDATE' }, expirationDate: '2026-12-01' }), NOW), false);
    const renewed = renewJob(job({ channel: 'api', api: live, expirationDate: '2026-12-01' }), NOW);
    assert.deepEqual([renewed.api?.operation, renewed.expirationDate, renewed.renewedAt], ['RENEW', '2026-12-31', NOW.toISOString()]);
    assert.equal(canRenew(renewed, NOW), false);
  });

  it('Promote: only with a contract id, for recruiters and admins, on an open API job not yet promoted; sends PREMIUM', () => {
    const onApi = job({ channel: 'api', api: live });
    assert.equal(canPromote(onApi, { linkedInContractId: '42' }, 'recruiter'), true);
    assert.equal(canPromote(onApi, { linkedInContractId: '42' }, 'admin'), true);
    assert.equal(canPromote(onApi, { linkedInContractId: '42' }, 'hiring_manager'), false);
    assert.equal(canPromote(onApi, {}, 'admin'), false);
    assert.equal(canPromote(job(), { linkedInContractId: '42' }, 'admin'), false, 'a feed job');
    const promoted = promoteJob(onApi, NOW);
    assert.deepEqual([promoted.promoted, promoted.api?.operation, promoted.api?.listingType], [true, 'UPDATE', 'PREMIUM']);
    assert.equal(canPromote(promoted, { linkedInContractId: '42' }, 'admin'), false);
  });

  it('the feed never carries a job on the API channel', () => {
    assert.equal(isInFeedSnapshot(job(), NOW), true);
    assert.equal(isInFeedSnapshot(job({ channel: 'feed', api: api('sent') }), NOW), true, 'moving to the API: stays in the feed until confirmed');
    assert.equal(isInFeedSnapshot(job({ channel: 'api', api: live }), NOW), false);
  });

  it('LinkedIn\'s reasons in words, with the form\'s names for its fields', () => {
    assert.equal(linkedInReasonText('en', 'Invalid Field: /city'), 'LinkedIn did not accept the city.');
    assert.equal(linkedInReasonText('en', 'Invalid Field: /companyApplyUrl'), 'LinkedIn did not accept the apply URL.');
    assert.equal(linkedInReasonText('nb', 'Invalid Field: /employmentStatus'), 'LinkedIn godtok ikke ansettelsestypen.');
    assert.equal(linkedInReasonText('en', 'Invalid Field: /somethingNew'), 'LinkedIn did not accept the field "somethingNew".');
    assert.equal(linkedInReasonText('en', 'Quota exceeded'), 'LinkedIn did not accept the job: "Quota exceeded".');
  });
});

describe('API channel: moving a tenant between channels', () => {
  it('a save that changes the channel starts a switch; the same channel keeps the one under way', () => {
    assert.deepEqual(channelSwitchAfterSave({ postingChannel: 'feed' }, 'api', NOW), { from: 'feed', to: 'api', startedAt: NOW.toISOString() });
    const underway = { from: 'feed' as const, to: 'api' as const, startedAt: '2026-11-26T00:00:00Z' };
    assert.equal(channelSwitchAfterSave({ postingChannel: 'api', channelSwitch: underway }, 'api', NOW), underway);
    assert.equal(channelSwitchAfterSave({ postingChannel: 'feed' }, 'feed', NOW), undefined);
  });

  it('to the API: CREATE for each open feed job, which stays in the feed until LinkedIn confirms it', () => {
    const feedJob = job({ state: 'posted' });
    const step = switchStep(feedJob, 'api');
    assert.deepEqual(step, { kind: 'queue', operation: 'CREATE' });
    const queued = applySwitchStep(feedJob, step, NOW);
    assert.equal(queued.channel, undefined, 'still on the feed');
    assert.equal(isInFeedSnapshot(queued, NOW), true);
    assert.deepEqual(switchStep(queued, 'api'), { kind: 'wait' });
    assert.deepEqual(switchStep({ ...queued, api: { ...queued.api!, state: 'rejected' } }, 'api'), { kind: 'wait', refused: true });
    assert.deepEqual(switchStep({ ...queued, channel: 'api', api: live }, 'api'), { kind: 'done' }, 'confirmed: the sender moved it');
    for (const state of ['draft', 'awaiting_approval', 'closed'] as const) assert.deepEqual(switchStep(job({ state }), 'api'), { kind: 'done' });
  });

  it('to the feed: CLOSE on the API first, back on the feed only once LinkedIn closed it; a job LinkedIn never had moves at once', () => {
    const onApi = job({ channel: 'api', api: live });
    assert.deepEqual(switchStep(onApi, 'feed'), { kind: 'queue', operation: 'CLOSE' });
    const closing = applySwitchStep(onApi, { kind: 'queue', operation: 'CLOSE' }, NOW);
    assert.equal(isInFeedSnapshot(closing, NOW), false, 'never both channels');
    assert.deepEqual(switchStep(closing, 'feed'), { kind: 'wait' });
    const closed = { ...closing, api: { ...closing.api!, state: 'closed' as const } };
    assert.deepEqual(switchStep(closed, 'feed'), { kind: 'move', channel: 'feed' });
    const back = applySwitchStep(closed, { kind: 'move', channel: 'feed' }, NOW);
    assert.deepEqual([back.channel, back.state, isInFeedSnapshot(back, NOW)], ['feed', 'queued', true]);
    const refused = job({ channel: 'api', api: api('rejected') });
    assert.deepEqual(switchStep(refused, 'feed'), { kind: 'move', channel: 'feed' });
    const refusedBack = applySwitchStep(refused, { kind: 'move', channel: 'feed' }, NOW);
    assert.deepEqual([refusedBack.channel, refusedBack.api?.state], ['feed', 'closed']);
    assert.equal(routeEdited(refusedBack, NOW).api?.state, 'closed', 'an edit on the feed sends nothing by API');
    assert.deepEqual(switchStep(refusedBack, 'feed'), { kind: 'done' });
    // A switch to the API reversed while LinkedIn refused a job's CREATE: the job stays on the feed, its API life over.
    const abandoned = job({ state: 'posted', api: api('rejected') });
    assert.deepEqual(switchStep(abandoned, 'feed'), { kind: 'move', channel: 'feed' });
    const kept = applySwitchStep(abandoned, { kind: 'move', channel: 'feed' }, NOW);
    assert.deepEqual([kept.channel, kept.state, kept.api?.state], ['feed', 'posted', 'closed']);
    assert.deepEqual(switchStep(job({ state: 'posted', api: api('sent') }), 'feed'), { kind: 'wait' });
    assert.deepEqual(switchStep(job({ channel: 'api', api: api('waiting') }), 'feed'), { kind: 'wait' }, 'a CREATE on its way is followed first');
  });

  it('progress counts the jobs left to move and those LinkedIn refused', () => {
    assert.deepEqual(switchProgress([{ kind: 'done' }, { kind: 'wait' }, { kind: 'wait', refused: true }]), { pending: 2, refused: 1 });
    assert.deepEqual(switchProgress([{ kind: 'done' }]), { pending: 0, refused: 0 });
  });
});

describe('settings: posting channel and contract id', () => {
  it('the Job Posting API needs the client id and organization id; the contract id is a number', () => {
    const refused = validateSettingsInput(settingsForm({ postingChannel: 'api' }));
    assert.ok(!refused.ok);
    assert.equal(refused.errors.postingChannel, 'api_needs_rsc');
    const ok = validateSettingsInput(settingsForm({ postingChannel: 'api', rscClientId: 'client-1', rscOrganizationId: '123', linkedInContractId: ' 778899 ' }));
    assert.ok(ok.ok);
    assert.equal(ok.value.linkedInContractId, '778899');
    const badContract = validateSettingsInput(settingsForm({ linkedInContractId: 'urn:li:contract:1' }));
    assert.ok(!badContract.ok);
    assert.equal(badContract.errors.linkedInContractId, 'contract_id_invalid');
    const forged = validateSettingsInput(settingsForm({ postingChannel: 'both' }));
    assert.ok(!forged.ok);
    assert.equal(forged.errors.postingChannel, 'posting_channel_invalid');
    const old = validateSettingsInput(settingsForm());
    assert.ok(old.ok && old.value.postingChannel === undefined, 'a card without the field keeps the stored channel');
    const current = { ...defaultSettings('t', { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }), postingChannel: 'api' as const, linkedInContractId: '42' };
    const kept = applySettingsInput(current, old.value, { admins: [], recruiters: [] }, undefined);
    assert.deepEqual([kept.postingChannel, kept.linkedInContractId], ['api', '42']);
    const blank = validateSettingsInput(settingsForm({ linkedInContractId: ' ' }));
    assert.ok(blank.ok);
    assert.equal(applySettingsInput(current, blank.value, { admins: [], recruiters: [] }, undefined).linkedInContractId, undefined, 'blank clears it');
  });
});
