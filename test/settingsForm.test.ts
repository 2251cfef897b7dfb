import assert from 'node:assert/strict';
import { needsApproval } from '../src/domain/approval';
import { defaultSettings } from '../src/domain/settings';
import { applySettingsInput, settingsChanges, validateSettingsInput } from '../src/domain/settingsForm';
import { parseConfig } from '../src/config';
import { aesGcmBox, secretBoxFrom } from '../src/storage/secretBox';
import { settingsForm } from './support/settingsSupport';
import { randomBytes } from 'node:crypto';

describe('settings form rules', () => {
  it('accepts a complete card and reads toggles, lists and people', () => {
    const result = validateSettingsInput(settingsForm({
      companyId: '1234567', publisherUrl: 'https://contoso.com', posterEmail: 'jobs@contoso.com', postingEnabled: 'false',
      rscClientId: 'abcd1234', rscOrganizationId: '42', rscStatus: 'enabled', channelId: '19:abc@thread.tacv2',
      admins: 'aad-1, aad-2', recruitersAdd: 'kari@contoso.com; 0f5c2a1e-1111-4222-8333-944455556666'
    }));
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    assert.equal(result.value.postingEnabled, false);
    assert.deepEqual(result.value.admins, ['aad-1', 'aad-2']);
    assert.deepEqual(result.value.recruitersAdd, ['kari@contoso.com', '0f5c2a1e-1111-4222-8333-944455556666']);
  });

  const rejections: Array<[string, Record<string, unknown>, string]> = [
    ['a company ID with letters', { companyId: '12a' }, 'company_id_invalid'],
    ['a publisher URL without https', { publisherUrl: 'http://contoso.com' }, 'publisher_url_invalid'],
    ['a poster email that is not one', { posterEmail: 'jobs at contoso' }, 'poster_email_invalid'],
    ['a build time of 25:00', { buildTime: '25:00' }, 'build_time_invalid'],
    ['an unknown time zone', { timeZone: 'Europe/Atlantis' }, 'time_zone_invalid'],
    ['a forged toggle value', { postingEnabled: 'yes' }, 'toggle_invalid'],
    ['an unknown posting policy', { postingPolicy: 'anyone' }, 'posting_policy_invalid'],
    ['a secret with spaces', { rscClientSecret: 'has a space' }, 'client_secret_invalid'],
    ['a non-numeric organization id', { rscOrganizationId: 'urn:li:organization:1' }, 'organization_id_invalid'],
    ['an unknown RSC status', { rscStatus: 'on' }, 'rsc_status_invalid'],
    ['Enabled without client id and organization', { rscStatus: 'enabled' }, 'rsc_incomplete'],
    ['a channel id that is not a Teams one', { channelId: 'general' }, 'channel_id_invalid'],
    ['a typed person that is neither email nor id', { adminsAdd: 'Kari' }, 'person_text_invalid'],
    ['keeping candidates for 0 months', { retentionMonths: '0' }, 'retention_months_invalid'],
    ['keeping candidates for 37 months', { retentionMonths: '37' }, 'retention_months_invalid'],
    ['keeping candidates for 2.5 months', { retentionMonths: '2.5' }, 'retention_months_invalid'],
    ['a blank retention period', { retentionMonths: '' }, 'retention_months_invalid']
  ];
  for (const [what, overrides, code] of rejections) {
    it(`rejects ${what} (${code})`, () => {
      const result = validateSettingsInput(settingsForm(overrides));
      assert.ok(!result.ok);
      assert.ok(Object.values(result.errors).includes(code), JSON.stringify(result.errors));
    });
  }

  it('records old → new per field, the secret only as changed, and no admin as recruiter too', () => {
    const before = defaultSettings('t', { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [], companyId: '1' });
    const input = validateSettingsInput(settingsForm({ companyId: '2', rscClientSecret: 'super-secret-1' }));
    assert.ok(input.ok);
    const people = { admins: [{ aadObjectId: 'a', name: 'Ann' }], recruiters: [{ aadObjectId: 'a', name: 'Ann' }, { aadObjectId: 'r' }] };
    const after = applySettingsInput(before, input.value, people, { setAt: '2026-11-27T00:00:00Z', setBy: 'Ann' });
    assert.deepEqual(after.recruiters, [{ aadObjectId: 'r' }]);
    const changes = settingsChanges(before, after, true);
    assert.deepEqual(changes.find((c) => c.field === 'companyId'), { field: 'companyId', old: '1', new: '2' });
    assert.deepEqual(changes.find((c) => c.field === 'rsc.clientSecret'), { field: 'rsc.clientSecret', old: '', new: '', secret: true });
    assert.doesNotMatch(JSON.stringify(changes), /super-secret/);
  });

  it('keeps candidates 6 months by default; the card sets 1–36, and a card without the field keeps the stored value', () => {
    const before = defaultSettings('t', { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] });
    assert.equal(before.candidateRetentionMonths, 6);
    const people = { admins: [{ aadObjectId: 'a' }], recruiters: [] };
    const set = validateSettingsInput(settingsForm({ retentionMonths: '12' }));
    assert.ok(set.ok);
    const after = applySettingsInput(before, set.value, people, undefined);
    assert.equal(after.candidateRetentionMonths, 12);
    assert.deepEqual(settingsChanges(before, after, false).find((c) => c.field === 'candidateRetentionMonths'), { field: 'candidateRetentionMonths', old: '6', new: '12' });
    const { retentionMonths: _omitted, ...stale } = settingsForm({});
    const kept = validateSettingsInput(stale);
    assert.ok(kept.ok);
    assert.equal(applySettingsInput({ ...before, candidateRetentionMonths: 24 }, kept.value, people, undefined).candidateRetentionMonths, 24);
  });

  it('only hiring managers need approval, and only under the approval policy', () => {
    assert.equal(needsApproval('approval', 'hiring_manager'), true);
    assert.equal(needsApproval('approval', 'recruiter'), false);
    assert.equal(needsApproval('approval', 'admin'), false);
    assert.equal(needsApproval('direct', 'hiring_manager'), false);
  });
});

describe('secrets at rest', () => {
  it('AES-256-GCM round-trips, with a fresh IV each time', () => {
    const box = aesGcmBox(randomBytes(32));
    const a = box.seal('s3cret', 'tenant');
    assert.notEqual(a, box.seal('s3cret', 'tenant'));
    assert.equal(box.open(a, 'tenant'), 's3cret');
    assert.doesNotMatch(a, /s3cret/);
  });

  it('SETTINGS_ENCRYPTION_KEY must be 32 bytes of base64; unset means no encryption', () => {
    assert.throws(() => parseConfig({ SETTINGS_ENCRYPTION_KEY: 'c2hvcnQ=' }), /SETTINGS_ENCRYPTION_KEY must be 32 random bytes/);
    const key = randomBytes(32).toString('base64');
    assert.equal(parseConfig({ SETTINGS_ENCRYPTION_KEY: key }).SETTINGS_ENCRYPTION_KEY, key);
    assert.equal(secretBoxFrom(undefined).encrypts, false);
    assert.equal(secretBoxFrom(key).encrypts, true);
  });
});
