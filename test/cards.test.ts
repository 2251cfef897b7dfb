import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { CARDS_DIR, CARD_NAMES, type AdaptiveCardJson } from '../src/bot/cards';
import { closeConfirmCard, helpCard, jobCard, jobFormCard, jobFormValues, jobListCard, noticeCard } from '../src/bot/views';
import { createJob, validateJobInput } from '../src/domain/job';
import type { Language } from '../src/i18n/strings';
import { ALEX, validForm } from './support/samples';
import { approvalCard, approvalData } from '../src/bot/approvalViews';
import { settingsCard, settingsFormValues, settingsHistoryCard } from '../src/bot/settingsViews';
import { defaultSettings, type TenantSettings } from '../src/domain/settings';

// adaptivecards@3's ESM build cannot be required from Node; its UMD bundle can.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const AC = require('adaptivecards/dist/adaptivecards.js');

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
    ...settingsSamples(language, job)
  };
}

function settingsSamples(language: Language, job: ReturnType<typeof sampleJob>): Record<string, AdaptiveCardJson> {
  const settings = sampleSettings();
  const values = settingsFormValues(settings, ['aad-boot']);
  return {
    settings: settingsCard({ language, settings, values, bootstrapAdmins: [{ aadObjectId: 'aad-boot', name: 'Adele Vance' }], callbackUrl: 'https://bot.contoso.com/api/linkedin/push/k1', notice: 'Saved' }),
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
    }), { note: 'Megan decided first.' })
  };
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

  it('a settings card with errors keeps the values, never the typed secret', () => {
    const text = JSON.stringify(samples('en')['settings (errors, no callback URL)']);
    assert.match(text, /The LinkedIn company ID is a number/);
    assert.match(text, /"id":"companyId","label":"[^"]*","value":"abc"/);
    assert.match(text, /I could not find kari@contoso\.com/);
    assert.doesNotMatch(text, /typed-secret/);
  });

  it('Norwegian cards are in Norwegian', () => {
    const card = JSON.stringify(samples('nb')['job']);
    assert.match(card, /I kø til LinkedIns neste daglige feed/);
    assert.doesNotMatch(card, /Queued for LinkedIn/);
  });
});
