import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { parseConfig } from '../src/config';
import { identityKeys, candidateIdFor } from '../src/domain/candidate';
import { LinkedInClient, LinkedInError } from '../src/linkedin/client';
import { retryAfterMs } from '../src/retryAfter';
import { EnvPushKeyResolver, isChallengeCode, parsePush } from '../src/linkedin/push';
import { challengeResponse, isValidPushSignature, pushSignature } from '../src/linkedin/signature';
import { FakeLinkedIn } from './support/fakeLinkedIn';

describe('LinkedIn webhook signatures', () => {
  const secret = 'client-secret';
  const body = Buffer.from('{"type":"EXPORT_CANDIDATE_PROFILE","notificationId":"1","requestId":"r"}');

  it('the challenge response is the hex HMAC-SHA256 of the code keyed with the client secret', () => {
    assert.equal(challengeResponse('abc', secret), createHmac('sha256', secret).update('abc').digest('hex'));
  });

  it('a push signature covers "hmacsha256=" and the raw bytes', () => {
    const expected = createHmac('sha256', secret).update(Buffer.concat([Buffer.from('hmacsha256='), body])).digest('hex');
    assert.equal(pushSignature(body, secret), expected);
    assert.ok(isValidPushSignature(body, expected, secret));
    assert.ok(isValidPushSignature(body, expected.toUpperCase(), secret), 'hex case does not matter');
    assert.ok(isValidPushSignature(body, `hmacsha256=${expected}`, secret), 'with the prefix in the header');
    assert.ok(isValidPushSignature(body, `HMACSHA256=${expected.toUpperCase()}`, secret));
  });

  it('rejects a missing, short, wrong-key or other-body signature', () => {
    const good = pushSignature(body, secret);
    assert.equal(isValidPushSignature(body, undefined, secret), false);
    assert.equal(isValidPushSignature(body, good.slice(0, 10), secret), false);
    assert.equal(isValidPushSignature(body, pushSignature(body, 'other'), secret), false);
    assert.equal(isValidPushSignature(Buffer.concat([body, Buffer.from(' ')]), good, secret), false);
  });

  it('bytes that are not valid UTF-8 are signed as received', () => {
    const odd = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    assert.ok(isValidPushSignature(odd, pushSignature(odd, secret), secret));
  });
});

describe('LinkedIn push body and key', () => {
  it('accepts an export push in the older shape, with string or numeric ids', () => {
    const parsed = parsePush({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId: 123, requestId: 'abc-1', extra: true });
    assert.deepEqual(parsed, { ok: true, push: { type: 'EXPORT_CANDIDATE_PROFILE', eventId: '123', requestId: 'abc-1' } });
  });

  it('accepts the documented shape: id is the request id, expiresAt is kept, unknown fields are ignored', () => {
    const parsed = parsePush({ id: 'f2c1-77', type: 'EXPORT_CANDIDATE_PROFILE', expiresAt: Date.UTC(2026, 11, 1, 12), somethingNew: { a: 1 } });
    assert.deepEqual(parsed, { ok: true, push: { type: 'EXPORT_CANDIDATE_PROFILE', eventId: 'f2c1-77', requestId: 'f2c1-77', expiresAt: '2026-12-01T12:00:00.000Z' } });
  });

  it('dedupes on type and id: other types get their type in the event id', () => {
    const parsed = parsePush({ id: 'r9', type: 'INTEGRATION_STATUS_CHANGE' });
    assert.ok(parsed.ok);
    assert.equal(parsed.push.eventId, 'INTEGRATION_STATUS_CHANGE:r9');
    assert.equal(parsed.push.requestId, 'r9');
  });

  it('refuses pushes without an id, with unusable ids or without a type', () => {
    assert.equal(parsePush({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId: '1' }).ok, false);
    assert.equal(parsePush({ type: 'EXPORT_CANDIDATE_PROFILE', id: 'a b' }).ok, false);
    assert.equal(parsePush({ id: 'r' }).ok, false);
    assert.equal(parsePush({ type: 'EXPORT_CANDIDATE_PROFILE', id: 'r', expiresAt: 'tomorrow' }).ok, false);
  });

  it('a challenge code is a UUID-like token: never a signature base', () => {
    assert.ok(isChallengeCode('f3a8b2c4-1d2e-4f5a-9b8c-7d6e5f4a3b2c'));
    assert.ok(isChallengeCode('abc'));
    assert.equal(isChallengeCode('hmacsha256={"type":"EXPORT_CANDIDATE_PROFILE"}'), false);
    assert.equal(isChallengeCode('a'.repeat(65)), false);
    assert.equal(isChallengeCode(''), false);
  });

  it('the environment key maps to its tenant; anything else to none', async () => {
    const keys = new EnvPushKeyResolver('k'.repeat(30), 'tenant-a');
    assert.equal(await keys.tenantFor('k'.repeat(30)), 'tenant-a');
    assert.equal(await keys.tenantFor('k'.repeat(29)), undefined);
    assert.equal(await new EnvPushKeyResolver(undefined, 'tenant-a').tenantFor(''), undefined);
  });
});

describe('LinkedIn client (fake LinkedIn on 127.0.0.1)', () => {
  const credentials = { clientId: 'id', clientSecret: 'secret' };
  let linkedIn: FakeLinkedIn;
  let client: LinkedInClient;

  beforeEach(async () => {
    linkedIn = await new FakeLinkedIn({ ...credentials, organizationId: '7' }).start();
    linkedIn.exports.set('r1', { partnerJobId: 'J0000000001', candidate: { firstName: 'Kari', emailAddresses: ['kari@example.com'], profileUrl: 'https://www.linkedin.com/in/kari' } });
    client = new LinkedInClient({ oauthBaseUrl: linkedIn.url, apiBaseUrl: linkedIn.url, timeoutMs: 500 });
  });

  afterEach(() => linkedIn.stop());

  it('fetches with one client-credentials token, cached across calls', async () => {
    const [first] = await client.exportedCandidates(credentials, 'r1');
    await client.exportedCandidates(credentials, 'r1');
    assert.equal(first.integrationContext, 'urn:li:organization:7');
    assert.equal(first.candidate.firstName, 'Kari');
    assert.equal(linkedIn.tokenRequests, 1);
  });

  it('classifies failures: 5xx, 429 (with Retry-After) and timeouts retry; 404 and bad answers do not', async () => {
    linkedIn.failNext(1, 502);
    await assert.rejects(client.exportedCandidates(credentials, 'r1'), (e: LinkedInError) => e.retryable && e.status === 502);
    linkedIn.tooManyRequests(1, 7);
    await assert.rejects(client.exportedCandidates(credentials, 'r1'), (e: LinkedInError) => e.retryable && e.retryAfterMs === 7000);
    await assert.rejects(client.exportedCandidates(credentials, 'unknown'), (e: LinkedInError) => !e.retryable && e.status === 404);
    linkedIn.slow(1000);
    await assert.rejects(client.exportedCandidates(credentials, 'r1'), (e: LinkedInError) => e.retryable && /timed out/.test(e.message));
    linkedIn.heal();
    linkedIn.exports.set('bad', { candidate: { profileUrl: 'javascript:alert(1)' } });
    await assert.rejects(client.exportedCandidates(credentials, 'bad'), (e: LinkedInError) => !e.retryable && /profileUrl/.test(e.message));
  });

  it('wrong client credentials fail without a token', async () => {
    await assert.rejects(client.exportedCandidates({ clientId: 'id', clientSecret: 'nope' }, 'r1'), LinkedInError);
  });

  it('Retry-After as seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(retryAfterMs(null), undefined);
  });
});

describe('candidate identity', () => {
  it('the same member or the same email (any case) is the same person; keys hold no personal data', () => {
    const a = identityKeys({ memberUrn: 'urn:li:person:1', emails: ['Nora@Example.com'] });
    const b = identityKeys({ emails: ['nora@example.com'] });
    assert.equal(a[1], b[0]);
    assert.ok(!a.join().includes('nora'));
    assert.equal(candidateIdFor(a[0]), candidateIdFor(identityKeys({ memberUrn: 'urn:li:person:1', emails: [] })[0]));
  });
});

describe('LinkedIn export configuration', () => {
  it('a push key needs a tenant (LINKEDIN_TENANT_ID or BOT_TENANT_ID), and client id and secret come together', () => {
    const key = 'k'.repeat(30);
    assert.throws(() => parseConfig({ LINKEDIN_PUSH_KEY: key }), /LINKEDIN_TENANT_ID is required with LINKEDIN_PUSH_KEY/);
    assert.equal(parseConfig({ LINKEDIN_PUSH_KEY: key, BOT_TENANT_ID: '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21' }).LINKEDIN_PUSH_KEY, key);
    assert.throws(() => parseConfig({ LINKEDIN_CLIENT_ID: 'x' }), /LINKEDIN_CLIENT_SECRET is required/);
    assert.throws(() => parseConfig({ LINKEDIN_PUSH_KEY: 'short', LINKEDIN_TENANT_ID: 't' }), /LINKEDIN_PUSH_KEY must be 24-128/);
    const config = parseConfig({});
    assert.equal(config.LINKEDIN_API_VERSION, '202604');
    assert.equal(config.LINKEDIN_FEED_USER_AGENT, 'linkedin');
    assert.throws(() => parseConfig({ LINKEDIN_FEED_USER_AGENT: '(' }), /LINKEDIN_FEED_USER_AGENT must be a regular expression/);
    assert.throws(() => parseConfig({ LINKEDIN_API_VERSION: 'latest' }), /LINKEDIN_API_VERSION must be a LinkedIn API version/);
    assert.equal(config.LINKEDIN_API_BASE_URL, 'https://api.linkedin.com');
    assert.equal(config.LINKEDIN_OAUTH_BASE_URL, 'https://www.linkedin.com');
  });
});
