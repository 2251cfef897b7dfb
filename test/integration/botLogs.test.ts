/**
 * The real bot process, run with known secrets and a candidate with known personal data, writes JSON log lines that
 * name none of them. A root-level check at the end does the same for every bot process the test run started.
 */
import assert from 'node:assert/strict';
import { useAzurite } from '../support/azurite';
import { startBot, startedBots, type BotHandle } from '../support/botProcess';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { CLIENT, ORGANIZATION_ID, PUSH_KEY, TENANT, exportsBotEnv, pushBody, seedJobAndChat, sign, waitFor } from '../support/exportsRig';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { ALEX } from '../support/samples';

const FEED_TOKEN = 'logcheck_feed_token_0123456789ABCDEF';
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const CANDIDATE = { firstName: 'Ingeborg', lastName: 'Kvalheimsdottir', email: 'ingeborg.kvalheimsdottir@example.no', profileUrl: 'https://www.linkedin.com/in/ingeborg-kvalheimsdottir' };
const EXPORTER = { firstName: 'Torbjoern', lastName: 'Eksportoersen' };

/** Secrets and personal data of the suite's fixtures that no bot process may ever log. */
const NEVER_LOGGED = [PUSH_KEY, CLIENT.clientSecret, FEED_TOKEN, ENCRYPTION_KEY, CANDIDATE.firstName, CANDIDATE.lastName, CANDIDATE.email, CANDIDATE.profileUrl, EXPORTER.lastName];
/** Shapes of the other fixtures' personal data (exports e2e and bench candidates). */
const NEVER_LOGGED_SHAPES = [/@example\.(com|no)/i, /linkedin\.com\/in\//i, /Rita Recruiter/];

function leaks(lines: readonly string[]): string[] {
  return lines.filter((line) => NEVER_LOGGED.some((value) => line.includes(value)) || NEVER_LOGGED_SHAPES.some((shape) => shape.test(line)));
}

after('no bot process of this test run logged a fixture secret or personal data', () => {
  const found = startedBots.flatMap((bot) => leaks(bot.logs));
  assert.deepEqual(found, [], `secrets or personal data in bot logs:\n${found.slice(0, 5).join('\n')}`);
});

describe('bot process logs: no secrets, no personal data (real process, fake LinkedIn, Bot Connector stub)', function () {
  this.timeout(120_000);
  const azurite = useAzurite();
  let linkedIn: FakeLinkedIn;
  let connector: ConnectorStub;
  let bot: BotHandle | undefined;

  before(async () => {
    linkedIn = await new FakeLinkedIn({ ...CLIENT, organizationId: ORGANIZATION_ID }).start();
    connector = await startConnectorStub();
    const jobId = await seedJobAndChat(azurite().connection, connector.url, ALEX);
    linkedIn.fallback = (requestId) => ({
      partnerJobId: jobId,
      exporter: { ...EXPORTER },
      candidate: { member: `urn:li:person:${requestId}`, firstName: CANDIDATE.firstName, lastName: CANDIDATE.lastName, headline: 'Data engineer', profileUrl: CANDIDATE.profileUrl, emailAddresses: [CANDIDATE.email] }
    });
  });

  after(async () => {
    await bot?.stop();
    await connector?.stop();
    await linkedIn?.stop();
  });

  it('a push, a bad push, feed and challenge requests and a delivered card leave JSON lines with ids and none of the secrets or personal data', async () => {
    bot = await startBot({
      env: {
        ...exportsBotEnv(azurite().connection.connectionString, linkedIn.url),
        LINKEDIN_FEED_TOKEN: FEED_TOKEN,
        SETTINGS_ENCRYPTION_KEY: ENCRYPTION_KEY,
        EXPORT_RETRY_BASE_MS: '50',
        EXPORT_POLL_MS: '200'
      }
    });
    const base = `${bot.url}/api/linkedin/push/${PUSH_KEY}`;
    const body = pushBody('log-check-1');
    assert.equal((await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': sign(body) }, body })).status, 200);
    assert.equal((await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': 'bad' }, body })).status, 401);
    await fetch(`${base}?challengeCode=6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21`);
    await fetch(`${bot.url}/feeds/linkedin/${FEED_TOKEN}.xml`);
    await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: CANDIDATE.email }) });
    await waitFor('the candidate card', () => connector.sent.length > 0, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const lines = bot.logs.filter((line) => line.startsWith('{'));
    assert.ok(lines.length > 3, bot.output());
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      assert.ok(parsed.time && parsed.level && parsed.message, line);
    }
    const settled = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.message === 'export settled');
    assert.deepEqual([settled?.tenantId, settled?.pushId], [TENANT, 'log-check-1'], 'the export lines carry the tenant and the push id');
    assert.deepEqual(leaks(bot.logs), []);
  });
});
