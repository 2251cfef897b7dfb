import assert from 'node:assert/strict';
import { applyEdit, createJob, isJobId, newJobId, normalizeJobId, validateJobInput, PARTNER_JOB_ID_MAX } from '../src/domain/job';
import { ALEX, DESCRIPTION, validForm } from './support/samples';

const NOW = new Date('2026-11-25T10:00:00Z');

function errorsOf(overrides: Record<string, unknown>) {
  const result = validateJobInput(validForm(overrides), NOW);
  assert.equal(result.ok, false, 'expected the form to be rejected');
  return (result as { errors: Record<string, string> }).errors;
}

describe('job form rules (LinkedIn limits)', () => {
  it('accepts a complete form and normalises it', () => {
    const result = validateJobInput(validForm(), NOW);
    assert.ok(result.ok);
    assert.equal(result.value.country, 'NO');
    assert.equal(result.value.salaryCurrency, 'NOK');
    assert.deepEqual(result.value.jobFunctions, ['eng', 'it']);
    assert.equal(result.value.salaryMin, 700000);
    assert.equal(result.value.region, undefined, 'blank optional fields are dropped');
  });

  it('accepts the minimum: no salary, no expiration, no job functions', () => {
    const result = validateJobInput(validForm({ salaryMin: '', salaryMax: '', salaryCurrency: '', salaryPeriod: '', jobFunctions: '' }), NOW);
    assert.ok(result.ok);
  });

  it('title: 1 to 200 characters', () => {
    assert.equal(errorsOf({ title: '   ' }).title, 'title_required');
    assert.equal(errorsOf({ title: 'x'.repeat(201) }).title, 'title_required_too_long');
    assert.ok(validateJobInput(validForm({ title: 'x'.repeat(200) }), NOW).ok);
  });

  it('description: 100 to 25,000 characters', () => {
    assert.equal(errorsOf({ description: 'Too short, sorry.   ' }).description, 'description_too_short');
    assert.equal(errorsOf({ description: 'x'.repeat(25001) }).description, 'description_too_long');
    assert.ok(validateJobInput(validForm({ description: 'x'.repeat(100) }), NOW).ok);
    assert.ok(validateJobInput(validForm({ description: 'x'.repeat(25000) }), NOW).ok);
  });

  it('apply URL must be absolute https', () => {
    for (const applyUrl of ['http://careers.contoso.com/1', '/jobs/1', 'careers.contoso.com', 'https://localhost/x', 'javascript:alert(1)', '']) {
      assert.equal(errorsOf({ applyUrl }).applyUrl, 'apply_url_invalid', applyUrl);
    }
  });

  it('city and country must be present, country as an ISO code', () => {
    assert.equal(errorsOf({ city: '' }).city, 'city_required');
    assert.equal(errorsOf({ country: '' }).country, 'country_required');
    assert.equal(errorsOf({ country: 'Norway' }).country, 'country_invalid');
  });

  it('choices must be LinkedIn values', () => {
    assert.equal(errorsOf({ workplaceType: 'Office' }).workplaceType, 'workplace_type_required');
    assert.equal(errorsOf({ employmentType: 'SEASONAL' }).employmentType, 'employment_type_required');
    assert.equal(errorsOf({ experienceLevel: '' }).experienceLevel, 'experience_level_required');
    assert.equal(errorsOf({ jobFunctions: 'eng,it,hr,fin' }).jobFunctions, 'job_functions_too_many');
    assert.equal(errorsOf({ jobFunctions: 'eng,cooking' }).jobFunctions, 'jobFunctions_invalid');
  });

  it('salary: positive amounts, currency and period required, range in order', () => {
    assert.equal(errorsOf({ salaryMin: '-5' }).salaryMin, 'salary_amount_invalid');
    assert.equal(errorsOf({ salaryCurrency: '' }).salaryCurrency, 'salary_currency_required');
    assert.equal(errorsOf({ salaryPeriod: '' }).salaryPeriod, 'salary_period_required');
    assert.equal(errorsOf({ salaryMin: '900', salaryMax: '100' }).salaryMax, 'salary_range_inverted');
  });

  it('expiration date may not be in the past', () => {
    assert.equal(errorsOf({ expirationDate: '2026-11-24' }).expirationDate, 'expiration_date_past');
    assert.equal(errorsOf({ expirationDate: '25.12.2026' }).expirationDate, 'expiration_date_invalid');
    assert.ok(validateJobInput(validForm({ expirationDate: '2026-11-25' }), NOW).ok);
  });

  it('reports every broken field at once', () => {
    const errors = errorsOf({ title: '', description: 'short', applyUrl: 'ftp://x' });
    assert.deepEqual(Object.keys(errors).sort(), ['applyUrl', 'description', 'title']);
  });
});

describe('job ids', () => {
  it('are short, URL-safe and fit LinkedIn partnerJobId', () => {
    const id = newJobId(NOW);
    assert.ok(isJobId(id), id);
    assert.ok(id.length <= PARTNER_JOB_ID_MAX);
    assert.equal(encodeURIComponent(id), id);
  });

  it('sort newest first', () => {
    const older = newJobId(new Date('2026-01-01T00:00:00Z'));
    const newer = newJobId(new Date('2026-06-01T00:00:00Z'));
    assert.ok(newer < older, `${newer} should sort before ${older}`);
  });

  it('are read back leniently from what people type', () => {
    const id = newJobId(NOW);
    assert.equal(normalizeJobId(` ${id.toLowerCase()} `), id);
  });
});

describe('editing a job', () => {
  const input = (() => {
    const result = validateJobInput(validForm(), NOW);
    assert.ok(result.ok);
    return result.value;
  })();

  it('locks the title once the job has been in a feed', () => {
    const fed = { ...createJob(input, ALEX, NOW), firstFedAt: NOW.toISOString() };
    const renamed = applyEdit(fed, { ...input, title: 'Senior Backend Engineer' }, NOW);
    assert.deepEqual(renamed, { ok: false, errors: { title: 'title_locked' } });
    const edited = applyEdit(fed, { ...input, description: DESCRIPTION + ' Remote days welcome.' }, NOW);
    assert.ok(edited.ok);
  });

  it('allows a title change before LinkedIn has seen the job', () => {
    const edited = applyEdit(createJob(input, ALEX, NOW), { ...input, title: 'Senior Backend Engineer' }, NOW);
    assert.ok(edited.ok && edited.job.title === 'Senior Backend Engineer');
  });
});
