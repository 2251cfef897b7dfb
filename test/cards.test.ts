import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { CARDS_DIR, CARD_NAMES, type AdaptiveCardJson } from '../src/bot/cards';
import { closeConfirmCard, helpCard, jobCard, jobFormCard, jobFormValues, jobListCard, noticeCard } from '../src/bot/views';
import { createJob, validateJobInput } from '../src/domain/job';
import { candidateExportedCard, exportStatusCard } from '../src/exports/exportCards';
import type { ExportCardData } from '../src/exports/exportNotice';
import type { Language } from '../src/i18n/strings';
import { ALEX, validForm } from './support/samples';

// adaptivecards@3's ESM build cannot be required from Node; its UMD bundle can.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const AC = require('adaptivecards/dist/adaptivecards.js');

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
    'candidate-exported': candidateExportedCard(language, exportSample()),
    'candidate-exported (reviewed, unknown job)': candidateExportedCard(language, {
      ...exportSample(),
      job: { id: 'J0000000000', title: '', state: 'unknown' },
      candidate: { ...exportSample().candidate, headline: '', profileUrl: '' },
      reviewedBy: 'Rita Recruiter',
      reviewedAt: '2026-11-27T10:00:00Z'
    }),
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
    'export-status (empty)': exportStatusCard(language, { pending: 0, problems: [] }, 'UTC')
  };
}

function exportSample(): ExportCardData {
  return {
    eventId: 'n1',
    candidate: { name: 'Nora Candidate', headline: 'Backend engineer', company: 'Fabrikam', title: 'Tech lead', profileUrl: 'https://www.linkedin.com/in/nora' },
    job: { id: 'J0ABCDEFGHJ', title: 'Backend Engineer', state: 'open' },
    exporter: 'Rita Recruiter',
    exportedAt: '2026-11-27T09:30:00Z',
    timeZone: 'Europe/Oslo'
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

  it('Norwegian cards are in Norwegian', () => {
    const card = JSON.stringify(samples('nb')['job']);
    assert.match(card, /I kø til LinkedIns neste daglige feed/);
    assert.doesNotMatch(card, /Queued for LinkedIn/);
  });
});
