import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { exportRenderers } from '../../src/exports/exportCards';
import type { ExportCardData } from '../../src/exports/exportNotice';
import { EnvSettingsReader } from '../../src/storage/settingsStore';
import { useAzurite } from '../support/azurite';
import { feedStack } from '../support/feedStack';
import type { TableConnection } from '../../src/storage/tables';
import type { SettingsReader } from '../../src/storage/settingsStore';
import { BotHarness, cardText } from '../support/botHarness';
import { CLIENT, ExportsRig, FixedSettings, PUSH_KEY, TENANT, documentedPushBody, pushBody, sign, stubProfileExport, tenantSettings, waitFor } from '../support/exportsRig';
import { RecordingNotifier } from '../support/recordingNotifier';
import { ALEX, MEGAN } from '../support/samples';

const ADMIN = { aadObjectId: 'aad-admin', name: 'Ada Admin', tenantId: TENANT };
const RITA = { aadObjectId: 'aad-rita', name: 'Rita Recruiter', tenantId: TENANT };

function person(n: number, partnerJobId: string, extra: Record<string, unknown> = {}) {
  return {
    partnerJobId,
    exportedAt: Date.UTC(2026, 10, 27, 9, 30),
    exporter: { firstName: 'Rita', lastName: 'Recruiter' },
    candidate: {
      member: `urn:li:person:member${n}`,
      firstName: 'Nora',
      lastName: `Candidate${n}`,
      headline: 'Senior backend engineer · TypeScript',
      currentCompanyName: 'Fabrikam',
      currentJobTitle: 'Tech lead',
      profileUrl: `https://www.linkedin.com/in/nora-${n}`,
      emailAddresses: [`nora${n}@example.com`],
      ...extra
    }
  };
}

describe('LinkedIn Recruiter exports: push → inbox → LinkedIn → candidate → notices (Azurite, fake LinkedIn)', function () {
  const azurite = useAzurite();
  let rig: ExportsRig;
  let notifier: RecordingNotifier;

  beforeEach(async () => {
    notifier = new RecordingNotifier();
    rig = await new ExportsRig({ connection: azurite().connection, notifier }).start();
    rig.worker.start();
  });

  afterEach(async () => {
    await rig.stop();
  });

  describe('the callback URL', () => {
    it('answers LinkedIn\'s validation challenge with the hex HMAC-SHA256 of the code, keyed with the client secret', async () => {
      const code = 'f3a8b2c4-1d2e-4f5a-9b8c-7d6e5f4a3b2c';
      const response = await fetch(`${rig.base}/api/linkedin/push/${PUSH_KEY}?challengeCode=${code}`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { challengeCode: code, challengeResponse: createHmac('sha256', CLIENT.clientSecret).update(code).digest('hex') });
    });

    it('signs only challenge codes shaped like LinkedIn\'s: the challenge is no signing oracle for forged pushes', async () => {
      const forged = documentedPushBody('forged-1');
      const asCode = `hmacsha256=${forged}`;
      const response = await fetch(`${rig.base}/api/linkedin/push/${PUSH_KEY}?challengeCode=${encodeURIComponent(asCode)}`);
      assert.equal(response.status, 400);
      assert.doesNotMatch(await response.text(), new RegExp(sign(forged)));
      for (const code of ['', 'a'.repeat(65), 'abc def', 'abc=', '{"id":1}']) {
        assert.equal((await fetch(`${rig.base}/api/linkedin/push/${PUSH_KEY}?challengeCode=${encodeURIComponent(code)}`)).status, 400, code);
      }
      assert.equal((await rig.push(forged, null)).status, 401);
    });

    it('honours applicationId: the tenant\'s own client id, or the parent application\'s secret', async () => {
      const code = '0b6c3a36-0f5e-4d0b-9a1e-3c1f2a4b5c6d';
      const own = await fetch(`${rig.base}/api/linkedin/push/${PUSH_KEY}?challengeCode=${code}&applicationId=${CLIENT.clientId}`);
      assert.equal(((await own.json()) as { challengeResponse: string }).challengeResponse, createHmac('sha256', CLIENT.clientSecret).update(code).digest('hex'));
      const unknown = await fetch(`${rig.base}/api/linkedin/push/${PUSH_KEY}?challengeCode=${code}&applicationId=someone-else`);
      assert.equal(unknown.status, 400);
      const parent = { clientId: 'parent-app', clientSecret: 'parent-secret-xyz' };
      const withParent = await new ExportsRig({ connection: azurite().connection, notifier, parentCredentials: parent }).start();
      try {
        const answer = await fetch(`${withParent.base}/api/linkedin/push/${PUSH_KEY}?challengeCode=${code}&applicationId=parent-app`);
        assert.equal(((await answer.json()) as { challengeResponse: string }).challengeResponse, createHmac('sha256', parent.clientSecret).update(code).digest('hex'));
      } finally {
        await withParent.stop();
      }
    });

    it('an unknown key gets 404, for the challenge and for pushes', async () => {
      assert.equal((await fetch(`${rig.base}/api/linkedin/push/not-our-key?challengeCode=x`)).status, 404);
      assert.equal((await rig.push(pushBody('n1'), sign(pushBody('n1')), 'not-our-key')).status, 404);
    });

    it('a missing or wrong signature gets 401 and nothing is stored', async () => {
      const body = pushBody('n-bad');
      assert.equal((await rig.push(body, null)).status, 401);
      assert.equal((await rig.push(body, sign(body, 'another-secret'))).status, 401);
      assert.equal((await rig.push(body, sign(body + ' '))).status, 401);
      const status = await rig.inbox.status(TENANT);
      assert.equal(status.pending, 0);
      assert.equal(await rig.inbox.get(TENANT, 'n-bad'), undefined);
      assert.equal(rig.linkedIn.candidateRequests.length, 0);
    });

    it('signed malformed JSON or a push without an id gets 400 with a JSON reason', async () => {
      const broken = '{"type": "EXPORT_CANDIDATE_PROFILE",';
      const response = await rig.push(broken);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_json');
      const rejected = await rig.push(JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', expiresAt: 1 }));
      assert.equal(rejected.status, 400);
      const reason = (await rejected.json()) as { error: string; message: string };
      assert.equal(reason.error, 'invalid_push');
      assert.match(reason.message, /^id: /);
      assert.equal((await rig.inbox.status(TENANT)).pending, 0);
    });

    it('a correctly signed push of another type is acknowledged (2xx) and recorded, once, and nothing is fetched', async () => {
      const body = documentedPushBody('x-1', {}, 'SOMETHING_NEW');
      const first = await rig.push(body);
      assert.equal(first.status, 200);
      assert.deepEqual(await first.json(), { status: 'recorded' });
      assert.deepEqual(await (await rig.push(body)).json(), { status: 'duplicate' });
      const recorded = await rig.inbox.get(TENANT, 'SOMETHING_NEW:x-1');
      assert.equal(recorded?.status, 'recorded');
      assert.equal(recorded?.type, 'SOMETHING_NEW');
      const status = await rig.inbox.status(TENANT);
      assert.equal(status.pending, 0);
      assert.equal(status.problems.length, 0);
      assert.equal(rig.linkedIn.calls.length, 0);
    });

    it('X-LI-Signature with the hmacsha256= prefix and in upper case is accepted', async () => {
      const body = documentedPushBody('sig-1');
      assert.equal((await rig.push(body, `hmacsha256=${sign(body).toUpperCase()}`)).status, 200);
    });

    it('the signature is checked on the raw bytes (not re-encoded text), and an oversized body gets 413', async () => {
      const raw = Buffer.from([0x7b, 0xff, 0x7d]); // not UTF-8: re-encoding would change these bytes
      const signature = createHmac('sha256', CLIENT.clientSecret).update(Buffer.concat([Buffer.from('hmacsha256='), raw])).digest('hex');
      const response = await fetch(`${rig.base}/api/linkedin/push/${PUSH_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': signature }, body: raw });
      assert.equal(response.status, 400, 'signature accepted, body refused');
      const big = await rig.push(JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
      assert.equal(big.status, 413);
      assert.equal(((await big.json()) as { error: string }).error, 'payload_too_large');
    });
  });

  it('full path: a signed push stores the candidate and tells the job author and the recruiters with the right card', async () => {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('req-n10', person(10, job.id));
    const response = await rig.push(pushBody('n10'));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'accepted' });

    const notices = await waitFor('notices', () => (notifier.all().length >= 2 ? notifier.all() : undefined));
    assert.deepEqual(notices.map((n) => n.key).sort(), ['export:n10:aad-alex', 'export:n10:aad-rita']);
    const toAlex = notices.find((n) => n.key === 'export:n10:aad-alex')!;
    assert.deepEqual(toAlex.to, { kind: 'user', aadObjectId: ALEX.aadObjectId });
    assert.equal(toAlex.thread, 'export:n10');
    assert.equal(toAlex.message.kind, 'candidate.exported');

    const card = await exportRenderers(rig.candidates)['candidate.exported']('en', toAlex.message.data);
    const text = cardText(card.card);
    for (const expected of ['Nora Candidate10', 'Senior backend engineer · TypeScript', 'Fabrikam', 'Tech lead', `Backend Engineer (${job.id})`, 'Rita Recruiter', 'Open LinkedIn profile', 'Open job', 'Mark reviewed']) {
      assert.ok(text.includes(expected), `card lacks "${expected}":\n${text}`);
    }
    const actions = (card.card.actions as { type: string; url?: string; verb?: string; data?: Record<string, string> }[]);
    assert.equal(actions.find((a) => a.type === 'Action.OpenUrl')?.url, 'https://www.linkedin.com/in/nora-10');
    assert.deepEqual(actions.find((a) => a.verb === 'job.show')?.data, { jobId: job.id });
    assert.deepEqual(actions.find((a) => a.verb === 'candidate.review')?.data, { eventId: 'n10' });
    assert.match(cardText((await exportRenderers(rig.candidates)['candidate.exported']('nb', toAlex.message.data)).card), /Merk som gjennomgått/);

    const event = await rig.inbox.get(TENANT, 'n10');
    assert.equal(event?.status, 'done');
    const [linked] = await Promise.all([rig.candidates.get(TENANT, (await waitFor('candidate', () => findCandidate(rig, 10))))]);
    assert.equal(linked?.source, 'LinkedIn');
    assert.deepEqual(linked?.exports.map((e) => e.jobId), [job.id]);
  });

  it('documented shape: a push {id, type, expiresAt} fetched from rest/exportedCandidates becomes a card with the StubProfile', async () => {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('li-req-7', stubProfileExport(7, job.id));
    const response = await rig.push(documentedPushBody('li-req-7', { somethingUnknown: true }));
    assert.equal(response.status, 200);
    const notices = await waitFor('notices', () => (notifier.all().length >= 2 ? notifier.all() : undefined));
    assert.deepEqual(notices.map((n) => n.key).sort(), ['export:li-req-7:aad-alex', 'export:li-req-7:aad-rita']);
    assert.deepEqual(rig.linkedIn.calls.map((c) => [c.method, c.path, c.version, c.protocol]), [['GET', '/rest/exportedCandidates', '202604', '2.0.0']]);
    const text = cardText((await exportRenderers(rig.candidates)['candidate.exported']('en', notices[0].message.data)).card);
    for (const expected of [
      'Ingrid Stub7', 'Staff data engineer · Kafka and Spark', 'Northwind Traders', 'Oslo, Norway', '11 years',
      'Apache Kafka, Scala, Data modeling', 'MSc, Computer science · NTNU', 'ingrid7@example.com',
      'Staff data engineer, Northwind Traders (2021–now)', 'Data engineer, Tailspin Toys (2016–2021)', `Backend Engineer (${job.id})`
    ]) {
      assert.ok(text.includes(expected), `card lacks "${expected}":\n${text}`);
    }
    const nb = cardText((await exportRenderers(rig.candidates)['candidate.exported']('nb', notices[0].message.data)).card);
    assert.match(nb, /11 år/);
    assert.match(nb, /Siste stillinger/);
  });

  it('a StubProfile with only the required fields and no email still makes a good card, which says no email was shared', async () => {
    rig.linkedIn.exports.set('li-min', {
      candidate: { firstName: 'Per', lastName: 'Minimal', member: 'urn:li:person:min', profileUrl: 'https://www.linkedin.com/in/per-minimal', emailAddresses: [], currentEmployerNames: [] }
    });
    await rig.push(documentedPushBody('li-min'));
    const notices = await waitFor('notices', () => (notifier.all().length ? notifier.all() : undefined));
    const card = (await exportRenderers(rig.candidates)['candidate.exported']('en', notices[0].message.data)).card;
    const text = cardText(card);
    assert.match(text, /Per Minimal/);
    assert.match(text, /The recruiter shared no email address/);
    assert.match(text, /exported without a job/);
    assert.doesNotMatch(text, /undefined|null|Recent positions|Top skills/);
    assert.match(cardText((await exportRenderers(rig.candidates)['candidate.exported']('nb', notices[0].message.data)).card), /Rekruttereren delte ingen e-postadresse/);
  });

  it('an export that expired before it could be fetched is parked with that reason, shown by `export status`', async () => {
    rig.linkedIn.exports.set('li-old', stubProfileExport(8));
    await rig.push(documentedPushBody('li-old', { expiresAt: new Date(Date.now() - 60_000).toISOString() }));
    const old = await waitFor('parked', () => rig.inbox.get(TENANT, 'li-old'));
    assert.equal(old.status, 'expired');
    assert.match(old.reason ?? '', /expired at .* before it could be fetched/);
    assert.ok(!rig.linkedIn.candidateRequests.includes('li-old'), 'not fetched after expiry');

    const patient = await new ExportsRig({ connection: azurite().connection, notifier, worker: { maxAttempts: 50 } }).start();
    try {
      patient.linkedIn.failAlways(503);
      patient.worker.start();
      await patient.push(documentedPushBody('li-soon', { expiresAt: Date.now() + 2000 }));
      const soon = await waitFor('parked', () => patient.inbox.get(TENANT, 'li-soon'));
      assert.equal(soon.status, 'expired');
      assert.match(soon.reason ?? '', /last error: exportedCandidates: HTTP 503/);
      assert.ok(soon.attempts < 50);
    } finally {
      await patient.stop();
    }
    assert.equal(notifier.all().length, 0);
    const bot = new BotHarness({ jobs: rig.jobs, feed: await unusedFeed(azurite().connection, rig.settings), conversations: undefined as never, settings: rig.settings, bootstrapAdmins: [], now: () => new Date(), exportInbox: rig.inbox, notifier });
    const text = cardText((await bot.say(ADMIN, 'export status'))[0].attachments?.[0]?.content);
    assert.match(text, /Expired before it could be fetched: event li-old/);
    assert.match(text, /expired at .* before it could be fetched/);
  });

  it('tells the notification channel too when settings name one', async () => {
    (rig.settings as FixedSettings).settings = tenantSettings({ notificationChannel: { channelId: '19:abc@thread.tacv2', teamId: 'team-1' } });
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('req-n11', person(11, job.id));
    await rig.push(pushBody('n11'));
    const notices = await waitFor('notices', () => (notifier.all().length >= 3 ? notifier.all() : undefined));
    assert.ok(notices.some((n) => n.key === 'export:n11:channel:19:abc@thread.tacv2' && n.to.kind === 'channel'));
  });

  it('a replayed notification id is acknowledged and processed once', async () => {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('req-n20', person(20, job.id));
    const body = pushBody('n20');
    assert.equal((await rig.push(body)).status, 200);
    await waitFor('settled', () => rig.inbox.get(TENANT, 'n20'));
    const again = await rig.push(body);
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { status: 'duplicate' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(rig.linkedIn.candidateRequests, ['req-n20']);
    assert.equal(notifier.enqueueCalls.length, 1);
  });

  it('an export naming another organization is rejected: logged, no candidate, nobody told', async () => {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('req-n30', person(30, job.id));
    rig.linkedIn.wrongOrganization('9999');
    await rig.push(pushBody('n30'));
    const event = await waitFor('settled', () => rig.inbox.get(TENANT, 'n30'));
    assert.equal(event.status, 'rejected');
    assert.match(event.reason ?? '', /urn:li:organization:9999 is not urn:li:organization:4242/);
    assert.equal(notifier.all().length, 0);
    assert.equal(await findCandidate(rig, 30), undefined);
  });

  it('LinkedIn failing twice, then answering: one card per person', async () => {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('req-n40', person(40, job.id));
    rig.linkedIn.failNext(2, 503);
    await rig.push(pushBody('n40'));
    await waitFor('settled', () => rig.inbox.get(TENANT, 'n40'));
    assert.deepEqual(rig.linkedIn.candidateRequests, ['req-n40', 'req-n40', 'req-n40']);
    assert.equal((await rig.inbox.get(TENANT, 'n40'))?.status, 'done');
    assert.deepEqual(notifier.all().map((n) => n.key).sort(), ['export:n40:aad-alex', 'export:n40:aad-rita']);
    assert.equal(notifier.enqueueCalls.length, 1);
  });

  it('LinkedIn answering 429 with Retry-After: tried again after the wait', async () => {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('req-n45', person(45, job.id));
    rig.linkedIn.tooManyRequests(1, 1);
    const started = Date.now();
    await rig.push(pushBody('n45'));
    const event = await waitFor('settled', () => rig.inbox.get(TENANT, 'n45'));
    assert.equal(event.status, 'done');
    assert.ok(Date.now() - started >= 1000, 'retried before Retry-After');
    assert.equal(rig.linkedIn.rateLimited, 1);
  });

  it('LinkedIn failing always: parked as failed after the last try, and admins see it with `export status`', async () => {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('req-n50', person(50, job.id));
    rig.linkedIn.failAlways(503);
    await rig.push(pushBody('n50'));
    const event = await waitFor('parked', () => rig.inbox.get(TENANT, 'n50'));
    assert.equal(event.status, 'failed');
    assert.equal(rig.linkedIn.candidateRequests.length, 4);
    assert.equal(notifier.all().length, 0);

    const bot = new BotHarness({ jobs: rig.jobs, feed: await unusedFeed(azurite().connection, rig.settings), conversations: undefined as never, settings: rig.settings, bootstrapAdmins: [], now: () => new Date(), exportInbox: rig.inbox, candidates: rig.candidates, notifier });
    const [reply] = await bot.say(ADMIN, 'export status');
    const text = cardText(reply.attachments?.[0]?.content);
    assert.match(text, /Failed: event n50/);
    assert.match(text, /gave up after 4 tries: exportedCandidates: HTTP 503/);
    assert.match(text, /Request req-n50 · 4 tries/);
    const [refused] = await bot.say({ ...MEGAN }, 'export status');
    assert.doesNotMatch(String(refused.text ?? ''), /n50/);
  });

  it('an export to an unknown or closed job goes to the admins, saying so', async () => {
    rig.linkedIn.exports.set('req-n60', person(60, 'J0000000000'));
    await rig.push(pushBody('n60'));
    const notices = await waitFor('notices', () => (notifier.all().length ? notifier.all() : undefined));
    assert.deepEqual(notices.map((n) => n.key), ['export:n60:aad-admin']);
    const text = cardText((await exportRenderers(rig.candidates)['candidate.exported']('en', notices[0].message.data)).card);
    assert.match(text, /exported to job J0000000000, which this bot does not know/);
    assert.doesNotMatch(text, /Open job/);
  });

  it('a re-export of the same person to another job links the same candidate to both jobs', async () => {
    const first = await rig.addJob(ALEX);
    const second = await rig.addJob(MEGAN, { title: 'Platform Engineer' });
    rig.linkedIn.exports.set('req-n70', person(70, first.id));
    // Same member, different email casing on the second export.
    rig.linkedIn.exports.set('req-n71', person(70, second.id, { emailAddresses: ['NORA70@example.com'] }));
    await rig.push(pushBody('n70'));
    await waitFor('first', () => rig.inbox.get(TENANT, 'n70'));
    await rig.push(pushBody('n71'));
    await waitFor('second', () => rig.inbox.get(TENANT, 'n71'));
    const id = await findCandidate(rig, 70);
    const candidate = await rig.candidates.get(TENANT, id!);
    assert.deepEqual(candidate?.exports.map((e) => e.jobId).sort(), [first.id, second.id].sort());
    assert.equal(await countCandidates(rig), 1);
  });

  it('Mark reviewed records the reviewer, updates the card for everyone and returns the updated card', async () => {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set('req-n80', person(80, job.id));
    await rig.push(pushBody('n80'));
    await waitFor('settled', () => rig.inbox.get(TENANT, 'n80'));
    const bot = new BotHarness({ jobs: rig.jobs, feed: await unusedFeed(azurite().connection, rig.settings), conversations: undefined as never, settings: rig.settings, bootstrapAdmins: [], now: () => new Date(), exportInbox: rig.inbox, candidates: rig.candidates, notifier });
    const card = await bot.execute({ ...RITA }, 'candidate.review', { eventId: 'n80' });
    assert.match(cardText(card), /Reviewed by Rita Recruiter/);
    assert.doesNotMatch(cardText(card), /Mark reviewed/);
    assert.equal(notifier.threadUpdates.length, 1);
    assert.equal(notifier.threadUpdates[0].thread, 'export:n80');
    assert.equal((notifier.threadUpdates[0].message.data as ExportCardData).reviewedBy, 'Rita Recruiter');
    assert.deepEqual((await rig.inbox.get(TENANT, 'n80'))?.reviewedBy, { aadObjectId: RITA.aadObjectId, name: RITA.name });
    // A hiring manager who was not told may not review.
    const refused = await bot.execute({ ...MEGAN }, 'candidate.review', { eventId: 'n80' });
    assert.doesNotMatch(cardText(refused), /Reviewed by Megan/);
  });
});

describe('LinkedIn exports: several processes, crashes (Azurite, fake LinkedIn)', function () {
  const azurite = useAzurite();

  it('two processes on one storage handle each event once', async function () {
    this.timeout(60000);
    const notifier = new RecordingNotifier();
    const first = await new ExportsRig({ connection: azurite().connection, notifier, worker: { concurrency: 4 } }).start();
    const second = await new ExportsRig({ connection: azurite().connection, notifier, tables: first.tables, worker: { concurrency: 4 } }).start(first.linkedIn);
    try {
      const job = await first.addJob(ALEX);
      first.linkedIn.fallback = (requestId) => person(Number(requestId.replace(/\D/g, '')), job.id);
      const ids = Array.from({ length: 40 }, (_, i) => `m${100 + i}`);
      // Pushes arrive at both processes before either works: both then compete for the same items.
      await Promise.all(ids.map((id, i) => (i % 2 ? first : second).push(pushBody(id))));
      first.worker.start();
      second.worker.start();
      await waitFor('all settled', async () => ((await first.inbox.status(TENANT)).pending === 0 ? true : undefined), 30000);
      assert.equal(first.linkedIn.candidateRequests.length, ids.length, 'each event fetched from LinkedIn once');
      assert.equal(notifier.enqueueCalls.length, ids.length, 'each event told once');
      assert.equal(notifier.all().length, ids.length * 2);
    } finally {
      await second.worker.stop();
      second.server.close();
      await first.stop();
    }
  });

  it('a process that dies after claiming an event leaves it to another, which tells people once', async () => {
    const notifier = new RecordingNotifier();
    const rig = await new ExportsRig({ connection: azurite().connection, notifier, worker: { leaseMs: 300 } }).start();
    try {
      const job = await rig.addJob(ALEX);
      rig.linkedIn.exports.set('req-c1', person(1, job.id));
      await rig.push(pushBody('c1'));
      const [claimed] = await rig.inbox.claimDue(1, 300); // the "dead" process's claim: never finished
      assert.equal(claimed.eventId, 'c1');
      rig.worker.start();
      await waitFor('settled', () => rig.inbox.get(TENANT, 'c1'));
      assert.equal(notifier.enqueueCalls.length, 1);
      assert.equal((await rig.inbox.status(TENANT)).pending, 0);
    } finally {
      await rig.stop();
    }
  });

  it('an outbox outage after the export was settled: retried past the last try until people are told, once', async () => {
    const notifier = new RecordingNotifier();
    let outages = 6; // more than maxAttempts (4)
    const flaky = {
      enqueue: async (notices: Parameters<RecordingNotifier['enqueue']>[0]) => {
        if (outages-- > 0) throw new Error('outbox unavailable');
        return notifier.enqueue(notices);
      },
      updateThread: notifier.updateThread.bind(notifier)
    };
    const rig = await new ExportsRig({ connection: azurite().connection, notifier: flaky, worker: { retryBaseMs: 5 } }).start();
    try {
      const job = await rig.addJob(ALEX);
      rig.linkedIn.exports.set('req-o1', person(5, job.id));
      rig.worker.start();
      await rig.push(pushBody('o1'));
      await waitFor('told', () => (notifier.enqueueCalls.length ? true : undefined));
      await waitFor('removed', async () => ((await rig.inbox.status(TENANT)).pending === 0 ? true : undefined));
      assert.equal((await rig.inbox.get(TENANT, 'o1'))?.status, 'done');
      assert.deepEqual(rig.linkedIn.candidateRequests, ['req-o1'], 'LinkedIn asked once');
      assert.equal(notifier.all().length, 2);
    } finally {
      await rig.stop();
    }
  });

  it('env settings: a deployment configured by environment answers the challenge with LINKEDIN_CLIENT_SECRET', async () => {
    const settings = new EnvSettingsReader({ buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }, CLIENT);
    const rig = await new ExportsRig({ connection: azurite().connection, notifier: new RecordingNotifier(), settings }).start();
    try {
      const response = await fetch(`${rig.base}/api/linkedin/push/${PUSH_KEY}?challengeCode=abc`);
      assert.equal(((await response.json()) as { challengeResponse: string }).challengeResponse, createHmac('sha256', CLIENT.clientSecret).update('abc').digest('hex'));
    } finally {
      await rig.stop();
    }
  });
});

async function findCandidate(rig: ExportsRig, n: number): Promise<string | undefined> {
  const { candidateIdFor, identityKeys } = await import('../../src/domain/candidate');
  const id = candidateIdFor(identityKeys({ memberUrn: `urn:li:person:member${n}`, emails: [] })[0]);
  return (await rig.candidates.get(TENANT, id)) ? id : undefined;
}

async function countCandidates(rig: ExportsRig): Promise<number> {
  const { tableClient } = await import('../../src/storage/tables');
  let count = 0;
  const table = tableClient((rig as unknown as { options: { connection: never } }).options.connection, rig.tables.candidates);
  for await (const row of table.listEntities()) if (row.rowKey?.startsWith('cand|')) count++;
  return count;
}

describe('LinkedIn exports with the real notification outbox and a Bot Connector stub (Azurite)', function () {
  const azurite = useAzurite();

  it('cards reach the author and the recruiter; Mark reviewed updates both cards in place', async function () {
    this.timeout(60000);
    const { TeamsAdapter } = await import('@microsoft/teams-ai');
    const { DeliveryWorker } = await import('../../src/notifications/deliveryWorker');
    const { OutboxNotifier } = await import('../../src/notifications/outboxNotifier');
    const { TeamsRateLimiter } = await import('../../src/notifications/rateLimiter');
    const { TeamsChatSender } = await import('../../src/teams/teamsSender');
    const { TableOutboxStore } = await import('../../src/storage/tableOutboxStore');
    const { TableConversationStore } = await import('../../src/storage/conversationStore');
    const { ensureTable, tableClient } = await import('../../src/storage/tables');
    const { uniqueTableName } = await import('../support/azurite');
    const { startConnectorStub } = await import('../support/connectorStub');
    const { personalReference, FAST_POLICY } = await import('../support/notifyStack');
    const { silentLogger } = await import('../../src/logger');

    const connector = await startConnectorStub();
    const outboxTable = tableClient(azurite().connection, uniqueTableName('outbox'));
    const conversationsTable = tableClient(azurite().connection, uniqueTableName('conversations'));
    await Promise.all([ensureTable(outboxTable), ensureTable(conversationsTable)]);
    const outbox = new TableOutboxStore(outboxTable);
    const conversations = new TableConversationStore(conversationsTable);
    for (const person of [ALEX, RITA]) {
      await conversations.save({ tenantId: TENANT, aadObjectId: person.aadObjectId, reference: personalReference(connector.url, TENANT, person.aadObjectId), language: 'en', active: true, updatedAt: new Date().toISOString() });
    }
    const adapter = new TeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
    // Cards are rendered from the candidate row, which the rig (made below, with the notifier) stores.
    const renderers = exportRenderers({ get: (tenantId: string, id: string) => rig.candidates.get(tenantId, id) });
    const delivery = new DeliveryWorker({
      outbox, conversations, chat: new TeamsChatSender(adapter, ''), renderers, limiter: new TeamsRateLimiter(), logger: silentLogger, policy: FAST_POLICY
    });
    const notifier = new OutboxNotifier(outbox, renderers, delivery);
    const rig = await new ExportsRig({ connection: azurite().connection, notifier }).start();
    delivery.start();
    rig.worker.start();
    try {
      const job = await rig.addJob(ALEX);
      rig.linkedIn.exports.set('req-r1', person(90, job.id));
      await rig.push(pushBody('r1'));
      await waitFor('two cards', () => (connector.sent.length >= 2 ? true : undefined), 20000);
      assert.deepEqual(connector.sent.map((a) => a.conversationId).sort(), [`a:${TENANT}:${ALEX.aadObjectId}`, `a:${TENANT}:${RITA.aadObjectId}`].sort());
      for (const sent of connector.sent) assert.match(cardText((sent.activity.attachments as { content: never }[])[0].content), /Nora Candidate90/);

      const bot = new BotHarness({ jobs: rig.jobs, feed: await unusedFeed(azurite().connection, rig.settings), conversations, settings: rig.settings, bootstrapAdmins: [], now: () => new Date(), exportInbox: rig.inbox, candidates: rig.candidates, notifier });
      const returned = await bot.execute({ ...RITA }, 'candidate.review', { eventId: 'r1' });
      assert.match(cardText(returned), /Reviewed by Rita Recruiter/);
      await waitFor('two updates', () => (connector.updates.length >= 2 ? true : undefined), 20000);
      assert.deepEqual(connector.updates.map((a) => a.conversationId).sort(), [`a:${TENANT}:${ALEX.aadObjectId}`, `a:${TENANT}:${RITA.aadObjectId}`].sort());
      for (const update of connector.updates) {
        const text = cardText((update.activity.attachments as { content: never }[])[0].content);
        assert.match(text, /Reviewed by Rita Recruiter/);
        assert.doesNotMatch(text, /Mark reviewed/);
      }
      assert.equal(connector.sent.length, 2, 'no new messages, only updates');
    } finally {
      await rig.stop();
      await delivery.stop(1000);
      await connector.stop();
    }
  });
});

/** These conversations never touch the feed; the bot needs one all the same. */
async function unusedFeed(connection: TableConnection, settings: SettingsReader) {
  return (await feedStack(connection, settings, () => new Date())).feed;
}

describe('LinkedIn INTEGRATION_STATUS_CHANGE (Azurite, fake LinkedIn, stored settings)', function () {
  const azurite = useAzurite();

  it('refreshes the tenant\'s RSC status from atsIntegrations and tells its admins in words, once', async () => {
    const { TableSettingsStore } = await import('../../src/storage/tableSettingsStore');
    const { secretBoxFrom } = await import('../../src/storage/secretBox');
    const { freshTables } = await import('../support/azurite');
    const { builtInRenderers } = await import('../../src/bot/builtInRenderers');
    const [settingsTable] = await freshTables(azurite().connection, 'settings');
    const store = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }, secretBoxFrom(undefined));
    const initial = tenantSettings({ rsc: { status: 'requested', organizationId: '4242', clientId: CLIENT.clientId } });
    const { tenantId: _t, etag: _e, updatedAt: _u, ...stored } = initial;
    await store.save({ tenantId: TENANT, settings: stored, clientSecret: CLIENT.clientSecret, changes: [], by: { aadObjectId: 'aad-admin', name: 'Ada Admin' }, at: new Date() });
    const notifier = new RecordingNotifier();
    const rig = await new ExportsRig({ connection: azurite().connection, notifier, settings: store }).start();
    rig.worker.start();
    try {
      rig.linkedIn.integrations.set('int-1', [
        { integrationContext: 'urn:li:organization:4242', integrationType: 'ONE_CLICK_EXPORT', tenantType: 'RECRUITER', dataProvider: 'ATS', enabled: true }
      ]);
      const body = documentedPushBody('int-1', {}, 'INTEGRATION_STATUS_CHANGE');
      const response = await rig.push(body);
      assert.equal(response.status, 200);
      const event = await waitFor('settled', () => rig.inbox.get(TENANT, 'INTEGRATION_STATUS_CHANGE:int-1'));
      assert.equal(event.status, 'done');
      assert.equal((await store.get(TENANT)).rsc.status, 'enabled');
      const [line] = await store.history(TENANT, 1);
      assert.deepEqual([line.field, line.old, line.new, line.by.name], ['rsc.status', 'requested', 'enabled', 'LinkedIn']);
      assert.deepEqual(notifier.all().map((n) => n.key), ['rsc-status:INTEGRATION_STATUS_CHANGE:int-1:aad-admin']);
      const rendered = builtInRenderers.notice('en', notifier.all()[0].message.data);
      assert.match(cardText((rendered as { card: never }).card), /Recruiter System Connect is enabled for your organization/);
      assert.match(cardText((builtInRenderers.notice('nb', notifier.all()[0].message.data) as { card: never }).card), /er aktivert/);
      assert.deepEqual(await (await rig.push(body)).json(), { status: 'duplicate' });
      assert.deepEqual(rig.linkedIn.calls.map((c) => c.path), ['/v2/atsIntegrations']);
    } finally {
      await rig.stop();
    }
  });
});
