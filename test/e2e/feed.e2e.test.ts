/**
 * End to end: post a job through the Agents Playground, `build feed now` as an admin, read the feed URL from the
 * `feed status` card and download the feed over HTTP like LinkedIn would, then find the job in it.
 * The real bot process (node dist/src/index.js) with our own Azurite; skipped without /usr/bin/chromium.
 * Set E2E_ECHO=1 to see the bot's and the playground's output.
 */
import { strict as assert } from 'node:assert';
import type { TableEntityResult } from '@azure/data-tables';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/storage/azurite';
import { JOBS_TABLE } from '../../src/storage/tableJobStore';
import { tableClient } from '../../src/storage/tables';
import { startBot, tempDir, type BotHandle } from '../support/botProcess';
import {
  CHROMIUM_PATH,
  botCards,
  cardInputValue,
  chromiumAvailable,
  clickCardAction,
  fillCardInput,
  openBrowser,
  openPlayground,
  sendMessage,
  waitForCard,
  type BrowserHandle
} from '../support/browser';
import { startPlayground, type PlaygroundHandle } from '../support/playground';

/** Alex Wilber, the Agents Playground's default user (its built-in config): made an admin through ADMIN_AAD_IDS. */
const PLAYGROUND_USER_AAD_ID = '00000000-0000-0000-0000-0000000000020';
const FORM_TITLE = 'Job title';
const DESCRIPTION =
  'Join our platform team in Oslo to build the services that publish jobs to LinkedIn. ' +
  'You will work with TypeScript, Azure and Microsoft Teams, together with a small and friendly team.';

/** `<name><![CDATA[value]]></name>`, whitespace around the CDATA allowed. */
function hasElement(xml: string, name: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<${name}>\\s*<!\\[CDATA\\[${escaped}\\]\\]>\\s*</${name}>`).test(xml);
}

describe('e2e: a posted job reaches the LinkedIn feed (Agents Playground, feed over HTTP)', function () {
  this.timeout(180000);
  const title = `E2E Feed Engineer ${Date.now().toString(36)}`;
  let azurite: EmbeddedAzurite | undefined;
  let bot: BotHandle | undefined;
  let playground: PlaygroundHandle | undefined;
  let browser: BrowserHandle | undefined;

  before(async function () {
    if (!chromiumAvailable()) {
      console.warn(`    skipped: ${CHROMIUM_PATH} is missing (apt-get install -y chromium, or set CHROMIUM_PATH)`);
      this.skip();
    }
    azurite = await startEmbeddedAzurite({ location: tempDir('e2e-azurite-'), inMemory: true });
    bot = await startBot({
      env: {
        AZURE_STORAGE_CONNECTION_STRING: azurite.connection.connectionString,
        ADMIN_AAD_IDS: PLAYGROUND_USER_AAD_ID,
        // A complete LinkedIn identity, so the job is not held back.
        LINKEDIN_COMPANY_NAME: 'Contoso',
        LINKEDIN_COMPANY_ID: '1234567',
        LINKEDIN_POSTER_EMAIL: 'jobs@contoso.com',
        LINKEDIN_PUBLISHER: 'Contoso',
        LINKEDIN_PUBLISHER_URL: 'https://contoso.com',
        PUBLIC_BASE_URL: ''
      }
    });
    playground = await startPlayground(bot.url);
    browser = await openBrowser();
    await openPlayground(browser.page, playground.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    if (browser && this.currentTest) {
      const file = await browser.screenshot(`feed-${this.currentTest.title}`).catch((error: Error) => `(no screenshot: ${error.message})`);
      console.error(`    screenshot: ${file}`);
    }
    if (bot) console.error(`    bot output (last lines):\n${bot.logs.slice(-30).join('\n')}`);
  });

  after(async function () {
    const steps = [() => browser?.close(), () => playground?.stop(), () => bot?.stop(), () => azurite?.stop()];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        console.error(`    cleanup failed: ${(error as Error).message}`);
      }
    }
  });

  async function storedState(jobId: string): Promise<string | undefined> {
    for await (const entity of tableClient(azurite!.connection, JOBS_TABLE).listEntities<{ state: string; document: string }>()) {
      const row = entity as TableEntityResult<{ state: string; document: string }>;
      if ((JSON.parse(row.document) as { id: string }).id === jobId) return row.state;
    }
    return undefined;
  }

  async function waitForState(jobId: string, state: string, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: string | undefined;
    while (Date.now() < deadline) {
      last = await storedState(jobId);
      if (last === state) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.fail(`job ${jobId} is ${last}, expected ${state}`);
  }

  it('post a job, build feed now, download the feed from its URL and find the job in it', async function () {
    const page = browser!.page;

    // 1. Post a job through the form.
    const forms = await botCards(page, FORM_TITLE).count();
    await sendMessage(page, 'post job to LinkedIn');
    await waitForCard(page, FORM_TITLE, { moreThan: forms });
    await fillCardInput(page, 'Job title', title);
    await fillCardInput(page, 'Company name', 'Contoso');
    await fillCardInput(page, 'City', 'Oslo');
    await fillCardInput(page, 'Country (ISO code, e.g. NO)', 'NO');
    await fillCardInput(page, 'Workplace type', 'Hybrid');
    await fillCardInput(page, 'Employment type', 'Full-time');
    await fillCardInput(page, 'Experience level', 'Mid-senior level');
    await fillCardInput(page, 'Description', DESCRIPTION);
    await fillCardInput(page, 'Apply URL', 'https://careers.example.com/jobs/1');
    // A salary too: it must reach the feed's <salaries> element.
    await fillCardInput(page, 'From', '700000');
    await fillCardInput(page, 'To', '900000');
    await fillCardInput(page, 'Currency (e.g. NOK)', 'NOK');
    await fillCardInput(page, 'Per', 'Year');
    await clickCardAction(page, 'Post job');
    const jobCard = await waitForCard(page, /Queued for LinkedIn's next daily feed/);
    const jobText = await jobCard.innerText();
    assert.match(jobText, new RegExp(title));
    assert.match(jobText, /Next feed build/);
    const jobId = jobText.match(/\bJ[0-9A-Z]{10}\b/)?.[0];
    assert.ok(jobId, `the job card shows the job id:\n${jobText}`);

    // 2. Build the feed now, as the admin the playground user is.
    await sendMessage(page, 'build feed now');
    const built = await (await waitForCard(page, "LinkedIn's feed is built")).innerText();
    assert.match(built, /Jobs in the feed\s+1\b/);
    assert.match(built, /Newly in the feed\s+1\b/);
    assert.match(built, /within 48 hours/);
    await waitForState(jobId, 'in_feed');

    // 3. The feed URL, as an admin reads it on the feed status card.
    await sendMessage(page, 'feed status');
    const status = await (await waitForCard(page, /Feed URL/)).innerText();
    const feedUrl = status.match(/http:\/\/127\.0\.0\.1:\d+\/feeds\/linkedin\/[A-Za-z0-9_-]+\.xml/)?.[0];
    assert.ok(feedUrl, `the status card shows the feed URL:\n${status}`);

    // 4. Download it like LinkedIn, and find the job.
    const response = await fetch(feedUrl, { headers: { 'User-Agent': 'LinkedInBot/1.0 (e2e)' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /xml/);
    const xml = await response.text();
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    const job = xml.split(/<job>/).find((element) => hasElement(element, 'partnerJobId', jobId));
    assert.ok(job, `job ${jobId} is in the feed:\n${xml.slice(0, 2000)}`);
    assert.ok(hasElement(job, 'title', title), 'with its title');
    assert.ok(hasElement(job, 'companyId', '1234567'), 'with the company id from the environment');
    assert.ok(hasElement(job, 'posterEmail', 'jobs@contoso.com'), 'with the poster email');
    assert.match(job, /<salaries>[\s\S]*<amount>\s*<!\[CDATA\[900000\]\]>[\s\S]*<currencyCode>\s*<!\[CDATA\[NOK\]\]>[\s\S]*<period>\s*<!\[CDATA\[YEARLY\]\]>/, 'with the salary');

    const wrongToken = await fetch(feedUrl.replace(/\/[A-Za-z0-9_-]+\.xml$/, '/not-the-token.xml'));
    assert.equal(wrongToken.status, 404);

    // LinkedIn's first download of this feed means LinkedIn has the job.
    await waitForState(jobId, 'posted');
  });
});
