import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import * as cards from '../src/bot/cards';
import { CARDS_DIR, CARD_NAMES, renderCard, type CardName } from '../src/bot/cards';
import { escapeMarkdown } from '../src/bot/markdown';
import { approvalRenderers } from '../src/bot/approvalNotices';
import { diagnosisCard, faqAnswerCard, faqListCard, faqSuggestCard } from '../src/bot/faqViews';
import { closeConfirmCard, helpCard, jobCard, jobFormCard, jobFormValues, jobListCard, noticeCard } from '../src/bot/views';
import { buildResultCard, feedStatusCard } from '../src/bot/feedViews';
import { feedNoticeRenderers } from '../src/feed/feedNotices';
import { FAQ_TOPIC_IDS } from '../src/domain/faq';
import { createJob, validateJobInput, type Job } from '../src/domain/job';
import type { ApiPosting } from '../src/domain/jobPosting';
import type { FeedStatus } from '../src/feed/feedService';
import { candidateExportedCard, exportStatusCard } from '../src/exports/exportCards';
import type { CandidateView, ExportCardData } from '../src/exports/exportNotice';
import { handoverCard, type HandoverCardData } from '../src/exports/handover';
import { sharedJobCard } from '../src/bot/shareViews';
import type { Candidate } from '../src/domain/candidate';
import { forgetCard, privacyHelpCard, subjectDataCard } from '../src/bot/privacyViews';
import type { Language } from '../src/i18n/strings';
import { ALEX, validForm } from './support/samples';
import { cardText as cardTextOf } from './support/botHarness';
import { approvalCard, approvalData } from '../src/bot/approvalViews';
import { digestCard, type DigestData } from '../src/morning/digest';

const DIGEST_SAMPLE: DigestData = {
  tenantId: 'tenant-a',
  date: '2026-11-27',
  timeZone: 'Europe/Oslo',
  candidates: [{ candidateId: 'C1', jobId: 'J0000000001', jobTitle: 'Backend Engineer' }, { candidateId: 'C2' }],
  candidatesTotal: 12,
  approvals: [{ jobId: 'J0000000002', title: 'Nurse', authorName: 'Megan Bowen', days: 2 }],
  approvalsTotal: 1,
  heldBack: [{ jobId: 'J0000000003', title: 'Seattle Engineer', reasons: ['location_incomplete', 'poster_email_missing'] }],
  heldBackTotal: 1,
  feed: { lastReadAt: '2026-11-27T03:12:00Z' }
};
import { settingsCard, settingsFormValues, settingsHistoryCard } from '../src/bot/settingsViews';
import { defaultSettings, type TenantSettings } from '../src/domain/settings';
import type { AdaptiveCardJson } from '../src/shared/types';

// adaptivecards@3's ESM build cannot be required from Node; its UMD bundle can.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package's import resolves to the ESM build
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

function sampleSettings(): TenantSettings {
  const settings = defaultSettings('tenant-a', { buildTime: '02:00', timeZone: 'Europe/Oslo', bootstrapAdmins: ['aad-boot'], companyName: 'Contoso' });
  return {
    ...settings,
    companyId: '1234567',
    rsc: { clientId: 'abc123', organizationId: '42', status: 'requested', clientSecretSetAt: '2026-11-20T10:00:00Z', clientSecretSetBy: 'Megan Bowen' },
    admins: [...settings.admins, { aadObjectId: 'aad-megan', name: 'Megan Bowen' }],
    recruiters: [{ aadObjectId: 'aad-alex', name: 'Alex Wilber' }],
    etag: 'W/"1"'
  };
}

function sampleJob() {
  const input = validateJobInput(validForm(), new Date('2026-01-01'));
  assert.ok(input.ok);
  return { ...createJob(input.value, ALEX, new Date('2026-11-25T10:00:00Z')), etag: 'W/"1"' };
}

const NOW = new Date('2026-11-27T10:00:00Z');
const NEXT_BUILD = new Date('2026-11-28T02:00:00Z');
const HELD_BACK = [
  { jobId: 'J0000000003', title: 'Seattle Engineer', reasons: ['location_incomplete' as const, 'poster_email_missing' as const] },
  { jobId: 'J0000000004', reasons: ['description_too_short' as const] }
];
const STATUS: FeedStatus = {
  lastBuild: { builtAt: '2026-11-27T02:00:03Z', jobCount: 41, bytes: 120_000 },
  heldBack: HELD_BACK,
  heldBackTotal: 12,
  lastDownload: { at: '2026-11-27T06:12:00Z', userAgent: 'LinkedInBot/1.0', bytes: 120_000 },
  previews: [{ at: '2026-11-27T08:00:00Z', userAgent: 'Mozilla/5.0 (Windows NT 10.0) Edge/131', bytes: 120_000 }],
  nextBuildAt: NEXT_BUILD,
  timeZone: 'Europe/Oslo',
  feedUrl: 'https://bot.contoso.com/feeds/linkedin/abc.xml'
};

function feedNotice(kind: keyof typeof feedNoticeRenderers, language: Language): AdaptiveCardJson {
  const reply = feedNoticeRenderers[kind](language, { jobId: 'J0000000001', title: 'Backend Engineer' });
  assert.ok('card' in reply);
  return reply.card;
}

/** Every template, expanded with realistic data through the same view code the bot uses. */
function samples(language: Language): Record<string, AdaptiveCardJson> {
  const job = sampleJob();
  return {
    'job-form (new)': jobFormCard({ language, values: {}, today: '2026-11-25' }),
    'job-form (errors)': jobFormCard({
      language,
      values: validForm({ description: 'Too short' }),
      errors: { description: 'description_too_short', title: 'title_required' },
      today: '2026-11-25'
    }),
    'job-form (edit, title locked)': jobFormCard({ language, values: jobFormValues(job), job: { ...job, firstFedAt: job.createdAt }, today: '2026-11-25' }),
    job: jobCard({ language, job, canEdit: true, notice: 'Saved' }),
    'job-list': jobListCard({ language, jobs: [job, { ...job, id: 'J0000000002', state: 'posted' }], everyone: false, next: 'token' }),
    'job-list (empty)': jobListCard({ language, jobs: [], everyone: true }),
    'job-close-confirm': closeConfirmCard(language, job),
    help: helpCard(language),
    notice: noticeCard('Done', 'good'),
    ...apiJobSamples(language, job),
    'job (held back)': jobCard({ language, job, canEdit: true, feed: { nextBuild: 'Sat, 28 Nov 2026, 03:00 (Europe/Oslo)', heldBack: ['One.', 'Two.'] } }),
    'feed-build': buildResultCard({
      language,
      timeZone: 'Europe/Oslo',
      outcome: { outcome: 'built', builtAt: '2026-11-27T09:00:00Z', jobCount: 41, newlyFed: 3, heldBack: HELD_BACK, heldBackTotal: 12 },
      heldBack: { lines: HELD_BACK, total: 12, yoursOnly: false },
      lastDownload: STATUS.lastDownload,
      nextBuildAt: NEXT_BUILD,
      now: NOW
    }),
    'feed-build (busy)': buildResultCard({
      language,
      timeZone: 'UTC',
      outcome: { outcome: 'busy', jobCount: 0, newlyFed: 0, heldBack: [], heldBackTotal: 0 },
      heldBack: { lines: [], total: 0, yoursOnly: false },
      nextBuildAt: NEXT_BUILD,
      now: NOW
    }),
    'feed-status (admin)': feedStatusCard({ language, timeZone: 'Europe/Oslo', status: STATUS, heldBack: { lines: HELD_BACK, total: 12, yoursOnly: false }, isAdmin: true, now: NOW }),
    'feed-status (hiring manager, never built)': feedStatusCard({
      language,
      timeZone: 'UTC',
      status: { ...STATUS, lastBuild: undefined, lastDownload: undefined, heldBack: [], heldBackTotal: 0 },
      heldBack: { lines: [], total: 0, yoursOnly: true },
      isAdmin: false,
      now: NOW
    }),
    'feed-notice (in feed)': feedNotice('feed.in_feed', language),
    'feed-notice (posted)': feedNotice('feed.posted', language),
    'faq-topics (help linkedin)': faqListCard(language),
    'faq-topics (did you mean)': faqSuggestCard(language, ['premium_slots', 'batch_frequency']),
    ...Object.fromEntries(
      FAQ_TOPIC_IDS.map((id) => [`faq-answer (${id})`, faqAnswerCard(language, id, { buildTime: '02:00', timeZone: 'Europe/Oslo' })])
    ),
    'job-diagnosis (causes)': diagnosisCard({
      language,
      job,
      timeZone: 'Europe/Oslo',
      causes: [
        { code: 'company_id_not_numeric', companyId: 'contoso' },
        { code: 'held_back', reasons: ['poster_email_missing', 'expired'], nextBuildAt: new Date('2026-11-26T01:00:00Z') },
        { code: 'downloaded_recently', downloadedAt: new Date('2026-11-25T03:00:00Z'), expectedBy: new Date('2026-11-27T03:00:00Z') },
        { code: 'possible_duplicate', jobIds: ['J0000000002'] }
      ]
    }),
    'job-diagnosis (nothing wrong)': diagnosisCard({ language, job, timeZone: 'UTC', causes: [] }),
    ...settingsSamples(language, job)
  };
}

/** A job on LinkedIn's Job Posting API in each of its states (the engine moves it; the card says where it stands). */
function apiJob(job: ReturnType<typeof sampleJob>, api: Partial<ApiPosting>, extra: Partial<Job> = {}): Job {
  return { ...job, channel: 'api', api: { state: 'waiting', version: 1, operation: 'CREATE', listingType: 'BASIC', ...api }, ...extra };
}

const LIVE_STATUS = {
  jobPostingUrn: 'urn:li:jobPosting:123', jobPostingUrl: 'https://www.linkedin.com/jobs/view/123', listingStatus: 'LISTED',
  linkedInApplyStatus: 'ENABLED', promotionStatus: 'NOT_PROMOTED', checkedAt: '2026-11-27T09:00:00Z'
};

function apiJobSamples(language: Language, job: ReturnType<typeof sampleJob>): Record<string, AdaptiveCardJson> {
  return {
    'job (api waiting, held back by limits)': jobCard({ language, job: apiJob(job, { waitingUntil: '2026-11-27T11:00:00Z' }), canEdit: true, timeZone: 'Europe/Oslo' }),
    'job (api sent)': jobCard({ language, job: apiJob(job, { state: 'sent', taskUrn: 'urn:li:simpleJobPostingTask:1' }), canEdit: true }),
    'job (api on LinkedIn, renew and promote)': jobCard({
      language, job: apiJob(job, { state: 'on_linkedin', status: LIVE_STATUS }), canEdit: true, api: { canRenew: true, canPromote: true }
    }),
    'job (api rejected)': jobCard({ language, job: apiJob(job, { state: 'rejected', error: 'Invalid Field: /city' }), canEdit: true }),
    'job (api closed by LinkedIn)': jobCard({
      language, job: apiJob(job, { state: 'closed', operation: 'UPDATE', status: { ...LIVE_STATUS, listingStatus: 'CLOSED', reason: 'Member reports' } }), canEdit: true
    }),
    'job (moving from the feed to the api)': jobCard({ language, job: { ...apiJob(job, { state: 'sent' }), channel: 'feed', state: 'posted' }, canEdit: true }),
    'job-list (feed and api jobs)': jobListCard({
      language, jobs: [job, { ...apiJob(job, { state: 'on_linkedin', status: LIVE_STATUS }), id: 'J0000000005' }], everyone: true
    }),
    'feed-status (api tenant, switching back to the feed)': feedStatusCard({
      language, timeZone: 'UTC', status: STATUS, heldBack: { lines: [], total: 0, yoursOnly: false }, isAdmin: true, now: NOW,
      channel: { postingChannel: 'api', switchingTo: 'feed' }
    })
  };
}

function settingsSamples(language: Language, job: ReturnType<typeof sampleJob>): Record<string, AdaptiveCardJson> {
  const settings = sampleSettings();
  const values = settingsFormValues(settings, ['aad-boot']);
  return {
    settings: settingsCard({ language, settings, values, bootstrapAdmins: [{ aadObjectId: 'aad-boot', name: 'Adele Vance' }], callbackUrl: 'https://bot.contoso.com/api/linkedin/push/k1', linkedInActions: true, notice: 'Saved' }),
    'settings (job posting api, switch under way, test)': settingsCard({
      language,
      settings: { ...settings, postingChannel: 'api', linkedInContractId: '778899', channelSwitch: { from: 'feed', to: 'api', startedAt: '2026-11-27T09:00:00Z' } },
      values: { ...values, postingChannel: 'api', linkedInContractId: '778899' },
      bootstrapAdmins: [],
      jobPostingTest: true
    }),
    'settings (callback URL masked)': settingsCard({ language, settings, values, bootstrapAdmins: [], callbackMasked: 'https://bot.contoso.com/api/linkedin/push/…abcd', linkedInActions: true }),
    'settings (channel list)': settingsCard({
      language, settings, values: { ...values, channelPick: '19:sales@thread.tacv2' }, bootstrapAdmins: [], errors: { channelPick: 'channel_unknown' },
      channelChoices: [{ title: 'Recruiting › General', value: '19:general@thread.tacv2' }, { title: 'Recruiting › Candidates', value: '19:sales@thread.tacv2' }]
    }),
    'settings (errors, no callback URL)': settingsCard({
      language,
      settings: defaultSettings('tenant-a', { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }),
      values: { ...values, companyId: 'abc', rscClientSecret: 'typed-secret' },
      errors: { companyId: 'company_id_invalid', adminsAdd: 'person_unknown' },
      errorParams: { people: 'kari@contoso.com' },
      bootstrapAdmins: []
    }),
    'settings-history': settingsHistoryCard(language, [
      { at: '2026-11-25T10:00:00Z', by: { aadObjectId: 'aad-megan', name: 'Megan Bowen' }, field: 'companyId', old: '', new: '1234567' },
      { at: '2026-11-25T10:00:00Z', by: { aadObjectId: 'aad-megan', name: 'Megan Bowen' }, field: 'rsc.clientSecret', old: '', new: '', secret: true }
    ], 'Europe/Oslo'),
    'settings-history (empty)': settingsHistoryCard(language, [], 'UTC'),
    'approval (pending)': approvalCard(language, approvalData({ ...job, state: 'awaiting_approval' }), { reasonError: 'Enter a reason' }),
    'approval (decided)': approvalCard(language, approvalData({
      ...job,
      approval: { requestedAt: job.createdAt, decision: 'rejected', decidedBy: { aadObjectId: 'aad-megan', name: 'Megan Bowen' }, decidedAt: job.createdAt, reason: 'Salary missing' }
    }), { note: 'Megan decided first.' }),
    'approval (reminder)': approvalCard(language, { ...approvalData({ ...job, state: 'awaiting_approval' }), reminder: { days: 3, escalated: true }, timeZone: 'Europe/Oslo' }),
    'approval (changed)': approvalCard(language, { ...approvalData({ ...job, state: 'awaiting_approval' }), changed: { by: 'Alex Wilber', at: '2026-11-27T09:00:00Z' }, timeZone: 'Europe/Oslo' }),
    'digest': digestCard(language, DIGEST_SAMPLE, new Map([['C1', 'Ada Lovelace'], ['C2', 'Grace Hopper']])),
    'digest (feed not read, erased candidate)': digestCard(language, {
      ...DIGEST_SAMPLE, candidates: [{ candidateId: 'C9' }], approvals: [], heldBack: [], feed: { lastReadAt: '2026-11-25T03:00:00Z', notReadSince: '2026-11-26T07:00:00Z' }
    }, new Map()),
    'candidate-exported': candidateExportedCard(language, exportSample()),
    'candidate-exported (reviewed, unknown job)': candidateExportedCard(language, {
      ...exportSample(),
      job: { id: 'J0000000000', title: '', state: 'unknown' },
      candidate: { ...exportSample().candidate, headline: '', profileUrl: '' },
      reviewedBy: 'Rita Recruiter',
      reviewedAt: '2026-11-27T10:00:00Z'
    }),
    'candidate-exported (hand-over form)': candidateExportedCard(language, exportSample(), {
      people: [{ title: 'Hanna Hiring', value: 'aad-hanna' }, { title: 'Alex Wilber', value: 'aad-alex' }],
      defaultTo: 'aad-hanna',
      error: 'Pick the person to send the candidate to.'
    }),
    'candidate-exported (handed over, not a fit)': candidateExportedCard(language, {
      ...exportSample(),
      handover: { to: 'Hanna Hiring', by: 'Alex Wilber', sentAt: '2026-11-27T10:00:00Z', verdict: 'not_fit', reason: 'Needs Go', answeredAt: '2026-11-27T11:00:00Z' }
    }),
    'candidate-handover': handoverCard(language, { ...handoverSample(), candidate: exportSample().candidate }),
    'candidate-handover (answered)': handoverCard(language, {
      ...handoverSample(),
      candidate: exportSample().candidate,
      verdict: 'interested',
      reason: 'Strong on Kafka',
      answeredAt: '2026-11-27T11:00:00Z'
    }),
    'job-share': sharedJobCard(language, sampleJob()),
    'export-status': exportStatusCard(
      language,
      {
        pending: 2,
        lastSettled: { eventId: 'n1', status: 'done', settledAt: '2026-11-27T09:31:00Z' },
        problems: [
          { tenantId: 't', eventId: 'n2', requestId: 'r2', status: 'failed', receivedAt: '2026-11-27T09:00:00Z', settledAt: '2026-11-27T09:40:00Z', attempts: 8, reason: 'gave up after 8 tries: HTTP 503' }
        ]
      },
      'Europe/Oslo'
    ),
    'export-status (empty)': exportStatusCard(language, { pending: 0, problems: [] }, 'UTC'),
    'export-status (purge check overdue)': exportStatusCard(language, { pending: 0, problems: [] }, 'UTC', {
      firstAttemptAt: '2026-11-01T03:30:00Z',
      lastSuccessAt: '2026-11-10T03:30:00Z',
      lastError: 'atsPurgedExportedCandidates: HTTP 503',
      now: new Date('2026-11-27T10:00:00Z')
    }),
    'privacy-help': privacyHelpCard(language, 6),
    'privacy-people (forget candidate)': forgetCard({ language, query: 'nora', people: [candidateSample()], retentionMonths: 6, timeZone: 'Europe/Oslo' }),
    'privacy-people (candidate data)': subjectDataCard({
      language,
      query: 'nora@example.com',
      people: [candidateSample()],
      retentionMonths: 12,
      timeZone: 'Europe/Oslo',
      downloadUrl: 'https://bot.contoso.com/api/privacy/download/abc',
      expiresAt: '2026-11-27T11:00:00Z'
    })
  };
}

function candidateSample(): Candidate {
  return {
    id: 'C0123456789ABCDEFGHIJ',
    tenantId: 'tenant-a',
    source: 'LinkedIn',
    firstName: 'Nora',
    lastName: 'Candidate',
    headline: 'Backend engineer',
    currentCompany: 'Fabrikam',
    currentTitle: 'Tech lead',
    profileUrl: 'https://www.linkedin.com/in/nora',
    memberUrn: 'urn:li:person:abc',
    emails: ['nora@example.com'],
    phones: [],
    exports: [{ eventId: 'n1', jobId: 'J0ABCDEFGHJ', exportedAt: '2026-11-27T09:30:00Z', exportedBy: 'Rita Recruiter' }],
    createdAt: '2026-11-27T09:30:00Z',
    updatedAt: '2026-11-27T09:30:00Z',
    lastActivityAt: '2026-11-27T09:30:00Z'
  };
}

function exportSample(): ExportCardData & { candidate: CandidateView } {
  return {
    eventId: 'n1',
    candidate: { name: 'Nora Candidate', headline: 'Backend engineer', company: 'Fabrikam', title: 'Tech lead', profileUrl: 'https://www.linkedin.com/in/nora' },
    job: { id: 'J0ABCDEFGHJ', title: 'Backend Engineer', state: 'open' },
    exporter: 'Rita Recruiter',
    exportedAt: '2026-11-27T09:30:00Z',
    timeZone: 'Europe/Oslo'
  };
}

function handoverSample(): HandoverCardData {
  return { eventId: 'n1', tenantId: 'tenant-a', candidateId: 'C0123456789ABCDEFGHIJ', job: exportSample().job, by: 'Alex Wilber', to: 'Hanna Hiring', note: 'Look at her Kafka work', timeZone: 'Europe/Oslo' };
}

function parse(card: AdaptiveCardJson): string[] {
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

describe('card templates', () => {
  it('every template in cards/ is covered by these tests', () => {
    const files = readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    assert.deepEqual(files, [...CARD_NAMES].sort());
    const covered = new Set(Object.keys(samples('en')).map((name) => name.split(' ')[0]));
    assert.deepEqual([...covered].sort(), [...CARD_NAMES].sort());
  });

  for (const language of ['en', 'nb'] as const) {
    for (const [name, card] of Object.entries(samples(language))) {
      it(`${name} [${language}] expands to a valid Adaptive Card 1.5`, () => {
        assert.equal(card.type, 'AdaptiveCard');
        assert.ok(Number(card.version) <= 1.5, `version ${card.version}`);
        assert.deepEqual(parse(card), []);
        const text = JSON.stringify(card);
        assert.ok(!text.includes('${'), `unexpanded binding left in ${name}: ${text.match(/.{30}\$\{.{30}/)?.[0]}`);
      });
    }
  }

  it('the form shows each error next to its field and keeps the values', () => {
    const card = JSON.stringify(samples('en')['job-form (errors)']);
    assert.match(card, /LinkedIn needs a description of at least 100 characters \(this one has 9\)/);
    assert.match(card, /"id":"company","label":"Company name","value":"Contoso"/);
  });

  it('the settings card shows LinkedIn\'s terms sentence, the secret only as "set on … by …", and the people picker', () => {
    const card = samples('en').settings;
    const text = JSON.stringify(card);
    assert.match(text, /By posting your job to LinkedIn, you agree to LinkedIn's Jobs Terms & Conditions\./);
    assert.match(text, /set on .* by Megan Bowen/);
    assert.match(text, /"choices\.data":\{"type":"Data\.Query","dataset":"graph\.microsoft\.com\/users"\}/);
    assert.match(text, /https:\/\/bot\.contoso\.com\/api\/linkedin\/push\/k1/);
    assert.match(text, /premium job slots are bought and managed in LinkedIn Recruiter/);
  });

  it('with channels known, the settings card offers them by name instead of a pasted channel id', () => {
    const card = samples('en')['settings (channel list)'];
    const text = JSON.stringify(card);
    assert.match(text, /"id":"channelPick"/);
    assert.doesNotMatch(text, /"id":"channelId"/);
    assert.match(cardTextOf(card), /Recruiting › Candidates/);
    assert.match(cardTextOf(card), /No channel/);
    assert.match(JSON.stringify(samples('en').settings), /"id":"channelId"/, 'without a list the pasted id stays');
  });

  it('a settings card with errors keeps the values, never the typed secret', () => {
    const text = JSON.stringify(samples('en')['settings (errors, no callback URL)']);
    assert.match(text, /The LinkedIn company ID is a number/);
    assert.match(text, /"id":"companyId","label":"[^"]*","value":"abc"/);
    assert.match(text, /I could not find kari@contoso\.com/);
    assert.doesNotMatch(text, /typed-secret/);
  });

  it('an empty salary leaves the number inputs without a value (clients show "" as 0 and submit it)', () => {
    const inputs = JSON.stringify(samples('en')['job-form (new)']).match(/\{[^{}]*"id":"salaryM(in|ax)"[^{}]*\}/g) ?? [];
    assert.equal(inputs.length, 2);
    for (const input of inputs) assert.doesNotMatch(input, /"value"/);
    const filled = JSON.stringify(samples('en')['job-form (errors)']);
    assert.match(filled, /"id":"salaryMin","label":"From","value":"700000"/);
  });

  it('the feed status shows the secret URL and the build button to admins only', () => {
    const admin = JSON.stringify(samples('en')['feed-status (admin)']);
    assert.match(admin, /feeds\/linkedin\/abc\.xml/);
    assert.match(admin, /"verb":"feed\.build"/);
    const hiringManager = JSON.stringify(samples('en')['feed-status (hiring manager, never built)']);
    assert.doesNotMatch(hiringManager, /feeds\/linkedin|"verb":"feed\.build"/);
    assert.match(hiringManager, /The feed has not been built yet/);
  });

  it('feed notices say where the job stands, in the recipient\'s language, with a button to the job card', () => {
    assert.match(JSON.stringify(feedNotice('feed.in_feed', 'en')), /Your job \\"Backend Engineer\\" is in the feed LinkedIn reads next; it usually shows within 48 hours/);
    assert.match(JSON.stringify(feedNotice('feed.posted', 'en')), /LinkedIn has downloaded the feed with your job \\"Backend Engineer\\"; it usually shows within 48 hours/);
    assert.match(JSON.stringify(feedNotice('feed.posted', 'nb')), /LinkedIn har lastet ned feeden med jobben din «Backend Engineer»/);
    assert.match(JSON.stringify(feedNotice('feed.in_feed', 'nb')), /"verb":"job\.show","data":\{"jobId":"J0000000001"\}/);
    const withHint = feedNoticeRenderers['feed.in_feed']('en', { jobId: 'J0000000001', title: 'Backend Engineer', nextDownloadHint: '2026-11-28T06:12:00.000Z' });
    assert.match(JSON.stringify(withHint), /LinkedIn is expected to read the feed around Sat, 28 Nov 2026, 06:12 \(UTC\)/);
    assert.throws(() => feedNoticeRenderers['feed.posted']('en', { title: 'No id' }));
  });

  it('the options table is an Adaptive Card Table: a header row and one row per aspect, four columns each', () => {
    const card = samples('en')['faq-answer (options_table)'];
    const table = (card.body as Array<Record<string, unknown>>).find((element) => element.type === 'Table') as {
      columns: unknown[];
      rows: Array<{ cells: unknown[] }>;
      firstRowAsHeader: boolean;
    };
    assert.ok(table, 'a Table element');
    assert.equal(table.firstRowAsHeader, true);
    assert.equal(table.columns.length, 4);
    assert.equal(table.rows.length, 8);
    assert.ok(table.rows.every((row) => row.cells.length === 4));
    assert.match(JSON.stringify(table.rows[0]), /This bot \(daily feed\).*Job Wrapping.*Recruiter System Connect API/);
    assert.match(JSON.stringify(samples('nb')['faq-answer (options_table)']), /Anbefalt av LinkedIn/);
    for (const [name, other] of Object.entries(samples('en'))) {
      if (name !== 'faq-answer (options_table)') assert.ok(!JSON.stringify(other).includes('"Table"'), `${name} has no table`);
    }
  });

  it('the diagnosis card lists each cause with what to do, or says nothing is wrong', () => {
    const causes = JSON.stringify(samples('en')['job-diagnosis (causes)']);
    assert.match(causes, /The LinkedIn company ID .{1,2}contoso.{1,2} is not a number/);
    assert.match(causes, /no job poster email is set .*; its expiration date has passed/);
    assert.match(causes, /Possible duplicate: J0000000002/);
    assert.match(causes, /What to do: /);
    assert.match(JSON.stringify(samples('nb')['job-diagnosis (nothing wrong)']), /Jeg fant ingenting galt/);
  });

  it('Norwegian cards are in Norwegian', () => {
    const card = JSON.stringify(samples('nb')['job']);
    assert.match(card, /I kø til LinkedIns neste daglige feed/);
    assert.doesNotMatch(card, /Queued for LinkedIn/);
  });
});

/** CommonMark as the Adaptive Cards JS renderer reads it (markdown-it, no raw HTML); Teams' renderers follow it. */
const markdown = new MarkdownIt({ html: false, linkify: false });
const MARKUP = /<(a|strong|em|code|pre|img|h[1-6]|blockquote|s|hr|ol|table)\b/;

function plainTextOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every text Teams reads as Markdown: TextBlock text and FactSet facts. */
function markdownTexts(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => markdownTexts(child, found));
  else if (node && typeof node === 'object') {
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && typeof element.text === 'string') found.push(element.text);
    if (element.type === 'FactSet') for (const fact of element.facts as Array<{ title: string; value: string }>) found.push(fact.title, fact.value);
    Object.values(element).forEach((child) => markdownTexts(child, found));
  }
  return found;
}

/** Each line of hostile text tries one Markdown construct Teams renders (and a few it may). */
const HOSTILE_LINES = [
  '[Approve here](https://evil.example/login) **bold** __strong__ _it_ *it* `code` ~~gone~~ &amp; <b>x</b>',
  '- item',
  '+ item',
  '1. one',
  '2) two',
  '# head',
  '> quote',
  '![img](https://evil.example/i.png) <https://evil.example/auto> \\[not escaped\\]',
  '==='
];
const HOSTILE = HOSTILE_LINES.join('\n');

/** What a reader must see for each hostile line, whatever Markdown would have made of it. */
function assertShownAsTyped(text: string, where: string): void {
  if (!text.includes('Approve here')) return;
  const html = markdown.render(text);
  assert.doesNotMatch(html, MARKUP, `${where}: markup from ${JSON.stringify(text)}`);
  const shown = plainTextOf(html);
  for (const line of HOSTILE_LINES) assert.ok(shown.includes(line.replace(/\s+/g, ' ')), `${where}: ${JSON.stringify(line)} not shown as typed in ${JSON.stringify(shown)}`);
}

/** Data keys a template declares as our own Markdown (`${markdown(answer)}`): the FAQ's texts, never user data. */
function trustedKeys(name: CardName): Set<string> {
  const source = readFileSync(join(CARDS_DIR, `${name}.json`), 'utf8');
  return new Set([...source.matchAll(/markdown\(([\w.]+)\)/g)].map((m) => m[1].split('.').pop()!));
}

/** Every string the view handed the template, hostile; the card's own labels (`s`) and trusted Markdown kept. */
function hostile(data: unknown, trusted: Set<string>, key = ''): unknown {
  if (typeof data === 'string') return trusted.has(key) ? data : data === '' ? '' : HOSTILE;
  if (Array.isArray(data)) return data.map((item) => hostile(item, trusted, key));
  if (data && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, k === 's' ? v : hostile(v, trusted, k)]));
  }
  return data;
}

/** The data each sample card was rendered with, as the views built it. */
function renderedData(language: Language): Array<{ sample: string; name: CardName; data: object }> {
  const calls: Array<{ name: CardName; data: object }> = [];
  const real = cards.renderCard;
  (cards as { renderCard: typeof renderCard }).renderCard = (name, data) => {
    calls.push({ name, data });
    return real(name, data);
  };
  try {
    const found: Array<{ sample: string; name: CardName; data: object }> = [];
    for (const sample of Object.keys(samples(language))) found.push({ sample, ...calls[found.length] });
    return found;
  } finally {
    (cards as { renderCard: typeof renderCard }).renderCard = real;
  }
}

describe('card text is shown as typed, never as Markdown', () => {
  it('a job titled as a Markdown link is no link on the recruiter\'s approval card', () => {
    const job = { ...sampleJob(), state: 'awaiting_approval' as const, title: '[Approve here](https://evil.example/login)', company: '**Contoso**' };
    const card = approvalCard('en', approvalData({ ...job, author: { ...job.author, name: '_Alex_' } }));
    const texts = markdownTexts(card).map((text) => markdown.render(text));
    assert.ok(texts.some((html) => html.includes('[Approve here](https://evil.example/login)')), texts.join('\n'));
    for (const html of texts) assert.doesNotMatch(html, /<a\b|<strong>|<em>/, html);
  });

  it('the approval result message escapes the title, the name and the reason (Teams reads messages as Markdown)', () => {
    const reply = approvalRenderers['approval.result']('en', {
      jobId: 'J0000000001', title: '[Click](https://evil.example)', decision: 'rejected', deciderName: '**Megan**', reason: '_no_'
    });
    assert.ok('text' in reply);
    assert.doesNotMatch(markdown.render(reply.text), /<a\b|<strong>|<em>/);
  });

  it('escaping keeps the text: what Markdown shows is exactly what was typed', () => {
    for (const text of [...HOSTILE_LINES, 'C:\\temp\\x', 'snake_case_name', '2026-11-27', '27. nov. 2026', 'a & b < c > d', '5 * 3 = 15']) {
      assert.equal(plainTextOf(markdown.render(escapeMarkdown(text))), text.replace(/\s+/g, ' ').trim(), text);
      assert.doesNotMatch(markdown.render(escapeMarkdown(text)), MARKUP, text);
    }
    assert.equal(escapeMarkdown('Backend Engineer, Oslo (Hybrid) – 700 000 NOK!'), 'Backend Engineer, Oslo (Hybrid) – 700 000 NOK!');
  });

  for (const language of ['en', 'nb'] as const) {
    it(`every template shows hostile values as typed [${language}]`, () => {
      const rendered = renderedData(language);
      assert.equal(new Set(rendered.map((r) => r.name)).size, CARD_NAMES.length);
      for (const { sample, name, data } of rendered) {
        const hostileData = hostile(data, trustedKeys(name)) as object;
        const texts = markdownTexts(renderCard(name, hostileData));
        const reached = texts.some((text) => text.includes('Approve here'));
        assert.equal(reached, JSON.stringify(hostileData).includes('Approve here'), `${sample}: hostile values reach the card's text`);
        texts.forEach((text) => assertShownAsTyped(text, `${sample} [${language}]`));
      }
    });
  }
});

describe('job card on the Job Posting API', () => {
  const job = sampleJob();
  const text = (card: AdaptiveCardJson) => JSON.stringify(card);
  const actions = (card: AdaptiveCardJson) => (card.actions as Array<Record<string, unknown>>).map((a) => a.verb ?? a.url);

  it('says which channel a job uses and what it means for timing', () => {
    assert.match(text(jobCard({ language: 'en', job, canEdit: true })), /Daily feed[\s\S]*LinkedIn reads the feed once a day; a job can take up to 48 hours to appear/);
    assert.match(text(jobCard({ language: 'en', job: apiJob(job, {}), canEdit: true })), /Job Posting API[\s\S]*Sent to LinkedIn's Job Posting API: usually live within minutes/);
    assert.match(text(jobCard({ language: 'nb', job: apiJob(job, {}), canEdit: true })), /Sendt til LinkedIns Job Posting API: vanligvis synlig i løpet av minutter/);
  });

  it('waiting says until when LinkedIn\'s limits hold it back, in the reader\'s time zone', () => {
    const card = jobCard({ language: 'en', job: apiJob(job, { waitingUntil: '2026-11-27T11:00:00Z' }), canEdit: true, timeZone: 'Europe/Oslo' });
    assert.match(text(card), /Waiting to be sent[\s\S]*Held back by LinkedIn's limits until 27 Nov 2026, 12:00/);
  });

  it('"On LinkedIn" with a "View on LinkedIn" link, and every status LinkedIn reported', () => {
    const card = jobCard({ language: 'en', job: apiJob(job, { state: 'on_linkedin', status: LIVE_STATUS }), canEdit: true });
    assert.match(text(card), /On LinkedIn/);
    const view = (card.actions as Array<Record<string, unknown>>).find((a) => a.type === 'Action.OpenUrl');
    assert.deepEqual(view, { type: 'Action.OpenUrl', title: 'View on LinkedIn', url: 'https://www.linkedin.com/jobs/view/123' });
    assert.match(text(card), /Listing status[\s\S]*Listed[\s\S]*Apply on LinkedIn[\s\S]*Enabled[\s\S]*Promotion[\s\S]*Not promoted/);
    assert.doesNotMatch(text(card), /job\.renew|job\.promote/, 'no Renew or Promote unless the handler allows them');
    const nb = jobCard({ language: 'nb', job: apiJob(job, { state: 'on_linkedin', status: LIVE_STATUS }), canEdit: true });
    assert.match(text(nb), /På LinkedIn[\s\S]*Vis på LinkedIn/);
  });

  it('a link that is not https is not offered', () => {
    const card = jobCard({ language: 'en', job: apiJob(job, { state: 'on_linkedin', status: { ...LIVE_STATUS, jobPostingUrl: 'javascript:alert(1)' } }), canEdit: true });
    assert.ok(!(card.actions as Array<Record<string, unknown>>).some((a) => a.type === 'Action.OpenUrl'));
  });

  it('rejected: LinkedIn\'s reason in words and "Edit and resubmit"', () => {
    const card = jobCard({ language: 'en', job: apiJob(job, { state: 'rejected', error: 'Invalid Field: /city' }), canEdit: true });
    assert.match(text(card), /Not accepted[\s\S]*LinkedIn did not accept the city\. Edit the job and save it to send it again/);
    assert.deepEqual(actions(card), ['job.edit', 'job.closeAsk']);
    assert.match(text(card), /"title":"Edit and resubmit"/);
    const nb = jobCard({ language: 'nb', job: apiJob(job, { state: 'rejected', error: 'Invalid Field: /companyApplyUrl' }), canEdit: true });
    assert.match(text(nb), /LinkedIn godtok ikke søknadsadressen/);
    const words = jobCard({ language: 'en', job: apiJob(job, { state: 'rejected', error: 'Duplicate job posting' }), canEdit: true });
    assert.match(text(words), /LinkedIn did not accept the job: \\"Duplicate job posting\\"/);
  });

  it('closed by LinkedIn says why; Renew and Promote show only when the handler allows them', () => {
    const closed = jobCard({ language: 'en', job: apiJob(job, { state: 'closed', operation: 'UPDATE', status: { ...LIVE_STATUS, reason: 'Member reports' } }), canEdit: true });
    assert.match(text(closed), /Closed on LinkedIn[\s\S]*LinkedIn closed it: Member reports/);
    const live = apiJob(job, { state: 'on_linkedin', status: LIVE_STATUS });
    assert.deepEqual(actions(jobCard({ language: 'en', job: live, canEdit: true, api: { canRenew: true, canPromote: true } })),
      ['https://www.linkedin.com/jobs/view/123', 'job.edit', 'job.renew', 'job.promote', 'job.closeAsk']);
  });

  it('my jobs says each job\'s channel, and the API state in words', () => {
    const card = jobListCard({ language: 'en', jobs: [job, { ...apiJob(job, { state: 'on_linkedin', status: LIVE_STATUS }), id: 'J0000000005' }], everyone: true });
    assert.match(text(card), /Daily feed[\s\S]*Job Posting API[\s\S]*On LinkedIn/);
    assert.match(text(card), /Daily feed: up to 48 hours to appear\. Job Posting API: usually live within minutes/);
  });

  it('feed status says how the tenant\'s jobs reach LinkedIn', () => {
    const card = feedStatusCard({ language: 'en', timeZone: 'UTC', status: STATUS, heldBack: { lines: [], total: 0, yoursOnly: false }, isAdmin: true, now: NOW,
      channel: { postingChannel: 'api', switchingTo: 'api' } });
    assert.match(text(card), /Jobs reach LinkedIn through the Job Posting API, usually within minutes; they are not in this feed\. Open jobs are moving to the Job Posting API/);
  });

  it('the settings card offers the channel choice, the contract id and the test in one block', () => {
    const settings = { ...sampleSettings(), postingChannel: 'api' as const, linkedInContractId: '778899' };
    const card = settingsCard({ language: 'en', settings, values: settingsFormValues(settings, []), bootstrapAdmins: [], jobPostingTest: true });
    assert.match(text(card), /How jobs reach LinkedIn[\s\S]*Daily feed: free, for any company[\s\S]*Job Posting API: usually live within minutes/);
    assert.match(text(card), /"id":"postingChannel"[^}]*"value":"api"/);
    assert.match(text(card), /"id":"linkedInContractId"[^}]*"value":"778899"/);
    assert.match(text(card), /settings\.jobPostingTest/);
  });
});
