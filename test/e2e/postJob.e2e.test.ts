/**
 * End to end: the real bot (node dist/src/index.js) behind the Microsoft 365 Agents Playground, driven through
 * headless Chromium like a user would, with the jobs checked in Azure Table storage (our own Azurite, handed to
 * the bot as AZURE_STORAGE_CONNECTION_STRING). Needs /usr/bin/chromium (CI installs it); skipped without it.
 * Set E2E_ECHO=1 to see the bot's and the playground's output; screenshots of failures (of every test with
 * E2E_SCREENSHOTS=1) go to E2E_ARTIFACTS (default <tmp>/e2e-artifacts).
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
  cardInput,
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

const FORM_TITLE = 'Job title';
const QUEUED = "Queued for LinkedIn's next daily feed";
const DESCRIPTION =
  'Join our platform team in Oslo to build the services that publish jobs to LinkedIn. ' +
  'You will work with TypeScript, Azure and Microsoft Teams, together with a small and friendly team.';

interface JobRow {
  state: string;
  document: string;
}

/** Reads `read` until `done` holds (or 10 s pass) and returns the last reading. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

describe('e2e: post a job to LinkedIn through the Agents Playground', function () {
  this.timeout(180000);
  const run = Date.now().toString(36);
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
    bot = await startBot({ env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connection.connectionString } });
    playground = await startPlayground(bot.url);
    browser = await openBrowser();
    await openPlayground(browser.page, playground.url);
  });

  afterEach(async function () {
    const failed = this.currentTest?.state === 'failed';
    if (!failed && !process.env.E2E_SCREENSHOTS) return;
    if (browser && this.currentTest) {
      const file = await browser.screenshot(`postJob-${this.currentTest.title}`).catch((error: Error) => `(no screenshot: ${error.message})`);
      console.error(`    screenshot: ${file}`);
    }
    if (failed && bot) console.error(`    bot output (last lines):\n${bot.logs.slice(-30).join('\n')}`);
  });

  after(async function () {
    // Each step runs even when an earlier one fails: nothing may outlive the tests.
    const steps = [() => browser?.close(), () => playground?.stop(), () => bot?.stop(), () => azurite?.stop()];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        console.error(`    cleanup failed: ${(error as Error).message}`);
      }
    }
    if (browser && browser.blocked.length > 0) console.warn(`    blocked ${browser.blocked.length} request(s) off this machine (CDN fonts)`);
  });

  async function jobRows(): Promise<Array<{ state: string; title: string; description: string }>> {
    const rows: Array<{ state: string; title: string; description: string }> = [];
    for await (const entity of tableClient(azurite!.connection, JOBS_TABLE).listEntities<JobRow>()) {
      const row = entity as TableEntityResult<JobRow>;
      const document = JSON.parse(row.document) as { title: string; description: string };
      rows.push({ state: row.state, title: document.title, description: document.description });
    }
    return rows;
  }

  async function openForm(): Promise<void> {
    const page = browser!.page;
    const before = await botCards(page, FORM_TITLE).count();
    await sendMessage(page, 'post job to LinkedIn');
    await waitForCard(page, FORM_TITLE, { moreThan: before });
  }

  async function fillForm(title: string, description: string): Promise<void> {
    const page = browser!.page;
    await fillCardInput(page, 'Job title', title);
    await fillCardInput(page, 'Company name', 'Contoso');
    await fillCardInput(page, 'City', 'Oslo');
    await fillCardInput(page, 'Country (ISO code, e.g. NO)', 'NO');
    await fillCardInput(page, 'Workplace type', 'Hybrid');
    await fillCardInput(page, 'Employment type', 'Full-time');
    await fillCardInput(page, 'Experience level', 'Mid-senior level');
    await fillCardInput(page, 'Description', description);
    await fillCardInput(page, 'Apply URL', 'https://careers.example.com/jobs/1');
  }

  it('a complete form comes back as a job card queued for the feed, and the job is stored', async function () {
    const page = browser!.page;
    const title = `E2E Backend Engineer ${run}`;
    await openForm();
    await fillForm(title, DESCRIPTION);
    await clickCardAction(page, 'Post job');

    const card = await waitForCard(page, QUEUED);
    assert.match(await card.innerText(), new RegExp(title));

    const stored = (await jobRows()).filter((row) => row.title === title);
    assert.equal(stored.length, 1, `one row for "${title}" in the ${JOBS_TABLE} table`);
    assert.equal(stored[0].state, 'queued');
    assert.equal(stored[0].description, DESCRIPTION);
  });

  it('a 20-character description comes back on the form with an error next to it, and nothing is stored', async function () {
    const page = browser!.page;
    const title = `E2E Short Description ${run}`;
    const shortDescription = 'Too short to post it';
    assert.equal(shortDescription.length, 20);
    const rowsBefore = (await jobRows()).length;
    await openForm();
    await fillForm(title, shortDescription);
    await clickCardAction(page, 'Post job');

    const error = /at least 100 characters \(this one has 20\)/;
    const card = await waitForCard(page, error);
    // "Next to": the error sits between the description box and the next input's label (Apply URL).
    // The playground re-renders the replaced card once more after it appears: measure when all three are laid out.
    const { errorBox, descriptionBox, applyUrlBox } = await eventually(async () => ({
      errorBox: await card.getByText(error).boundingBox(),
      descriptionBox: await (await cardInput(page, 'Description')).boundingBox(),
      applyUrlBox: await (await cardInput(page, 'Apply URL')).boundingBox()
    }), (boxes) => Object.values(boxes).every(Boolean));
    assert.ok(errorBox && descriptionBox && applyUrlBox, 'error, description and apply URL are all visible');
    assert.ok(errorBox.y >= descriptionBox.y + descriptionBox.height - 1, 'the error is below the description box');
    assert.ok(errorBox.y + errorBox.height <= applyUrlBox.y, 'the error is above the apply URL input');
    // The form keeps what the user typed.
    assert.equal(await cardInputValue(page, 'Description'), shortDescription);
    assert.equal(await cardInputValue(page, 'Job title'), title);

    const rows = await jobRows();
    assert.equal(rows.length, rowsBefore, 'no new row');
    assert.equal(rows.filter((row) => row.title === title).length, 0);
  });
});
