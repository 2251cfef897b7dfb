/**
 * End to end (issue 5): an admin opens the settings card in the Agents Playground and sets the LinkedIn company ID;
 * the setting is stored and pre-fills the job form; after `build feed now` the feed carries that company ID.
 * The real bot process (node dist/src/index.js) with our own Azurite; skipped without /usr/bin/chromium.
 * The feed half needs the feed commands (branch feedbot) wired in index.ts; until they are, it is skipped and says so.
 * Set E2E_ECHO=1 to see the bot's and the playground's output.
 */
import { strict as assert } from 'node:assert';
import type { TableEntityResult } from '@azure/data-tables';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/storage/azurite';
import { SETTINGS_TABLE } from '../../src/storage/tableSettingsStore';
import { tableClient } from '../../src/storage/tables';
import { startBot, tempDir, type BotHandle } from '../support/botProcess';
import {
  CHROMIUM_PATH,
  botCards,
  botMessages,
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
const COMPANY_ID = '7654321';
const COMPANY_NAME = 'Fabrikam Norge AS';
const SETTINGS_TITLE = 'LinkedIn settings';
const FORM_TITLE = 'Job title';
const DESCRIPTION =
  'Join our platform team in Oslo to build the services that publish jobs to LinkedIn. ' +
  'You will work with TypeScript, Azure and Microsoft Teams, together with a small and friendly team.';

function hasElement(xml: string, name: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<${name}>\\s*<!\\[CDATA\\[${escaped}\\]\\]>\\s*</${name}>`).test(xml);
}

describe('e2e: an admin sets the LinkedIn company ID on the settings card (Agents Playground)', function () {
  this.timeout(180000);
  const title = `E2E Settings Engineer ${Date.now().toString(36)}`;
  let azurite: EmbeddedAzurite | undefined;
  let bot: BotHandle | undefined;
  let playground: PlaygroundHandle | undefined;
  let browser: BrowserHandle | undefined;
  let jobId: string | undefined;

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
        // Everything LinkedIn needs except the company ID, which the admin sets on the card.
        LINKEDIN_COMPANY_ID: '',
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
      const file = await browser.screenshot(`settings-${this.currentTest.title}`).catch((error: Error) => `(no screenshot: ${error.message})`);
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

  async function storedSettings(): Promise<{ companyId?: string; companyName?: string } | undefined> {
    for await (const entity of tableClient(azurite!.connection, SETTINGS_TABLE).listEntities<{ document: string }>()) {
      const row = entity as TableEntityResult<{ document: string }>;
      if (row.rowKey === 'settings') return JSON.parse(row.document);
    }
    return undefined;
  }

  it('the admin sets the company ID and name on the settings card; they are stored and pre-fill the job form', async function () {
    const page = browser!.page;
    const cards = await botCards(page, SETTINGS_TITLE).count();
    await sendMessage(page, 'settings');
    await waitForCard(page, SETTINGS_TITLE, { moreThan: cards });
    await fillCardInput(page, 'Company name (exactly', COMPANY_NAME);
    await fillCardInput(page, 'LinkedIn company ID', COMPANY_ID);
    await clickCardAction(page, 'Save settings');
    await waitForCard(page, /Settings saved: \d+ change\(s\) recorded in the audit log/);
    assert.deepEqual(
      { companyId: (await storedSettings())?.companyId, companyName: (await storedSettings())?.companyName },
      { companyId: COMPANY_ID, companyName: COMPANY_NAME }
    );

    const forms = await botCards(page, FORM_TITLE).count();
    await sendMessage(page, 'post job to LinkedIn');
    await waitForCard(page, FORM_TITLE, { moreThan: forms });
    assert.equal(await cardInputValue(page, 'Company name'), COMPANY_NAME, 'the job form takes the company name from settings');
    await fillCardInput(page, 'Job title', title);
    await fillCardInput(page, 'City', 'Oslo');
    await fillCardInput(page, 'Country (ISO code, e.g. NO)', 'NO');
    await fillCardInput(page, 'Workplace type', 'Hybrid');
    await fillCardInput(page, 'Employment type', 'Full-time');
    await fillCardInput(page, 'Experience level', 'Mid-senior level');
    await fillCardInput(page, 'Description', DESCRIPTION);
    await fillCardInput(page, 'Apply URL', 'https://careers.example.com/jobs/1');
    // The Playground submits an empty number input as 0, which the form rejects: give a salary.
    await fillCardInput(page, 'From', '700000');
    await fillCardInput(page, 'To', '900000');
    await fillCardInput(page, 'Currency (e.g. NOK)', 'NOK');
    await fillCardInput(page, 'Per', 'Year');
    await clickCardAction(page, 'Post job');
    const jobText = await (await waitForCard(page, /Queued for LinkedIn's next daily feed/)).innerText();
    jobId = jobText.match(/\bJ[0-9A-Z]{10}\b/)?.[0];
    assert.ok(jobId, `the job card shows the job id:\n${jobText}`);
  });

  it('build feed now: the feed carries the company ID from settings', async function () {
    const page = browser!.page;
    assert.ok(jobId, 'the job of the previous step');
    const before = await botMessages(page).count();
    await sendMessage(page, 'feed status');
    await botMessages(page).nth(before).waitFor({ state: 'visible', timeout: 30000 });
    const reply = (await botMessages(page).last().innerText()).trim();
    if (/Sorry, I didn't get that/.test(reply)) {
      console.warn('    skipped: this build has no feed commands yet (merge the feed branches and wire them in index.ts)');
      this.skip();
    }
    await sendMessage(page, 'build feed now');
    await waitForCard(page, "LinkedIn's feed is built");
    await sendMessage(page, 'feed status');
    const status = await (await waitForCard(page, /Feed URL/)).innerText();
    const feedUrl = status.match(/http:\/\/127\.0\.0\.1:\d+\/feeds\/linkedin\/[A-Za-z0-9_-]+\.xml/)?.[0];
    assert.ok(feedUrl, `the status card shows the feed URL:\n${status}`);
    const xml = await (await fetch(feedUrl, { headers: { 'User-Agent': 'LinkedInBot/1.0 (e2e)' } })).text();
    const job = xml.split(/<job>/).find((element) => hasElement(element, 'partnerJobId', jobId!));
    assert.ok(job, `job ${jobId} is in the feed:\n${xml.slice(0, 2000)}`);
    assert.ok(hasElement(job, 'companyId', COMPANY_ID), 'with the company ID the admin set');
    assert.ok(hasElement(job, 'company', COMPANY_NAME), 'with the company name from settings');
  });
});
