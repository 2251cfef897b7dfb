/**
 * The real bot process (`node dist/src/index.js`) end to end for LinkedIn exports: a fake LinkedIn and a local Bot
 * Connector stub on 127.0.0.1, shared Azurite storage so a killed bot can be restarted on the same data.
 */
import assert from 'node:assert/strict';
import { useAzurite } from '../support/azurite';
import { startBot, type BotHandle } from '../support/botProcess';
import { cardText } from '../support/botHarness';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { CLIENT, ORGANIZATION_ID, PUSH_KEY, TENANT, documentedPushBody, exportsBotEnv, pushBody, seedJobAndChat, sign, stubProfileExport, waitFor } from '../support/exportsRig';
import { sendMessage, waitForCard, waitForText } from '../support/browser';
import { PLAYGROUND_USER_AAD_ID } from '../support/e2eStack';
import { seedPlaygroundJob, seedPlaygroundTenant, usePlaygroundWithLinkedIn } from '../support/playgroundLinkedIn';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { ALEX } from '../support/samples';

describe('LinkedIn exports through the real bot process (fake LinkedIn, Bot Connector stub)', function () {
  this.timeout(120000);
  const azurite = useAzurite();
  let linkedIn: FakeLinkedIn;
  let connector: ConnectorStub;
  let bot: BotHandle | undefined;
  let jobId: string;

  const env = () => ({
    ...exportsBotEnv(azurite().connection.connectionString, linkedIn.url),
    EXPORT_RETRY_BASE_MS: '50',
    EXPORT_LEASE_MS: '2000',
    EXPORT_POLL_MS: '200'
  });

  const push = (id: string) => {
    const body = pushBody(id);
    return fetch(`${bot!.url}/api/linkedin/push/${PUSH_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': sign(body) }, body });
  };
  const cardsFor = (name: string) => connector.sent.filter((a) => cardText((a.activity.attachments as { content: never }[] | undefined)?.[0]?.content).includes(name));

  before(async () => {
    linkedIn = await new FakeLinkedIn({ ...CLIENT, organizationId: ORGANIZATION_ID }).start();
    connector = await startConnectorStub();
    // Alex has talked to the bot before: his 1:1 conversation points at the connector stub.
    jobId = await seedJobAndChat(azurite().connection, connector.url, ALEX);
    linkedIn.fallback = (requestId) => ({
      partnerJobId: jobId,
      exporter: { firstName: 'Rita', lastName: 'Recruiter' },
      candidate: { member: `urn:li:person:${requestId}`, firstName: 'Ola', lastName: requestId, headline: 'Data engineer', profileUrl: `https://www.linkedin.com/in/${requestId}`, emailAddresses: [`${requestId}@example.com`] }
    });
  });

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  after(async () => {
    await connector.stop();
    await linkedIn.stop();
  });

  it('full path: a signed push ends as a card in the job author\'s chat with the candidate and the job', async () => {
    bot = await startBot({ env: env() });
    const response = await push('e2e-1');
    assert.equal(response.status, 200);
    await waitFor('card', () => (cardsFor('Ola req-e2e-1').length ? true : undefined), 30000);
    const [delivered] = cardsFor('Ola req-e2e-1');
    assert.equal(delivered.conversationId, `a:${TENANT}:${ALEX.aadObjectId}`);
    const text = cardText((delivered.activity.attachments as { content: never }[])[0].content);
    assert.match(text, /Data engineer/);
    assert.match(text, new RegExp(`Backend Engineer \\(${jobId}\\)`));
    assert.match(text, /Mark reviewed/);
  });

  it('killed (SIGKILL) right after accepting a push: after a restart the card is delivered, once', async () => {
    linkedIn.slow(5000); // the push is stored and claimed, then the process dies waiting for LinkedIn
    bot = await startBot({ env: env() });
    const dataDir = bot.dataDir;
    assert.equal((await push('e2e-kill')).status, 200);
    await waitFor('LinkedIn called', () => (linkedIn.candidateRequests.includes('req-e2e-kill') ? true : undefined));
    await bot.kill('SIGKILL');
    bot = undefined;
    assert.equal(cardsFor('Ola req-e2e-kill').length, 0);
    linkedIn.heal();
    bot = await startBot({ env: env(), dataDir });
    await waitFor('card after restart', () => (cardsFor('Ola req-e2e-kill').length ? true : undefined), 30000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(cardsFor('Ola req-e2e-kill').length, 1);
  });
});

/**
 * The documented push, end to end in the Agents Playground: the recruiter (the playground's Alex Wilber) has talked to
 * the bot; LinkedIn pushes `{ id, type, expiresAt }`; the bot fetches the StubProfile from the fake LinkedIn's
 * versioned `rest/exportedCandidates` and the card appears in Alex's chat with employer, headline and location.
 */
describe('e2e: a documented-shape LinkedIn push becomes a card in the recruiter\'s chat (Agents Playground, fake LinkedIn)', function () {
  this.timeout(180000);
  const rig = usePlaygroundWithLinkedIn({
    name: 'exports',
    app: { ...CLIENT, organizationId: ORGANIZATION_ID },
    botEnv: () => ({ LINKEDIN_PUSH_KEY: PUSH_KEY, LINKEDIN_ORGANIZATION_ID: ORGANIZATION_ID, EXPORT_POLL_MS: '200' })
  });
  const stack = rig.stack;

  it('the recruiter finds the candidate card with employer, headline and location', async () => {
    // An admin named Alex Wilber a recruiter on the settings card.
    const jobs = await seedPlaygroundTenant(stack.azurite.connection, {
      admins: [{ aadObjectId: 'aad-e2e-admin', name: 'Ada Admin' }],
      recruiters: [{ aadObjectId: PLAYGROUND_USER_AAD_ID, name: 'Alex Wilber' }],
      rsc: { status: 'enabled', organizationId: ORGANIZATION_ID }
    }, { aadObjectId: 'aad-e2e-admin', name: 'Ada Admin' });
    const job = await seedPlaygroundJob(jobs, 'Data Platform Engineer', { aadObjectId: 'aad-e2e-author', name: 'Hanna Hiring' });
    rig.linkedIn.exports.set('li-e2e-1', stubProfileExport(42, job.id));

    // Alex has talked to the bot: his chat is where the card goes.
    await sendMessage(stack.page, 'help');
    await waitForText(stack.page, /export status/);

    const body = documentedPushBody('li-e2e-1');
    const response = await fetch(`${stack.bot.url}/api/linkedin/push/${PUSH_KEY}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': sign(body) }, body
    });
    assert.equal(response.status, 200);
    const card = await waitForCard(stack.page, 'Ingrid Stub42', { timeoutMs: 60000 });
    const text = await card.innerText();
    for (const expected of ['Northwind Traders', 'Staff data engineer · Kafka and Spark', 'Oslo, Norway', 'Data Platform Engineer']) {
      assert.ok(text.includes(expected), `the card lacks "${expected}":\n${text}`);
    }
    assert.deepEqual(rig.linkedIn.calls.map((c) => [c.path, c.version]), [['/rest/exportedCandidates', '202604']]);
  });
});
