/**
 * The real bot process (`node dist/src/index.js`) end to end for LinkedIn exports: a fake LinkedIn and a local Bot
 * Connector stub on 127.0.0.1, shared Azurite storage so a killed bot can be restarted on the same data.
 */
import assert from 'node:assert/strict';
import { createJob, validateJobInput } from '../../src/domain/job';
import { TableConversationStore, CONVERSATIONS_TABLE } from '../../src/storage/conversationStore';
import { TableJobStore, JOBS_TABLE } from '../../src/storage/tableJobStore';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { useAzurite } from '../support/azurite';
import { startBot, type BotHandle } from '../support/botProcess';
import { cardText } from '../support/botHarness';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { CLIENT, ORGANIZATION_ID, PUSH_KEY, TENANT, exportsBotEnv, pushBody, sign, waitFor } from '../support/exportsRig';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { personalReference } from '../support/notifyStack';
import { ALEX, validForm } from '../support/samples';

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
    const jobs = tableClient(azurite().connection, JOBS_TABLE);
    const conversations = tableClient(azurite().connection, CONVERSATIONS_TABLE);
    await Promise.all([ensureTable(jobs), ensureTable(conversations)]);
    const input = validateJobInput(validForm());
    assert.ok(input.ok);
    jobId = (await new TableJobStore(jobs).create(createJob(input.value, ALEX))).id;
    // Alex has talked to the bot before: his 1:1 conversation points at the connector stub.
    await new TableConversationStore(conversations).save({
      tenantId: TENANT, aadObjectId: ALEX.aadObjectId, reference: personalReference(connector.url, TENANT, ALEX.aadObjectId), language: 'en', active: true, updatedAt: new Date().toISOString()
    });
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
