/**
 * End to end: an admin opens the settings card in the Agents Playground and sets the LinkedIn company ID;
 * the setting is stored and pre-fills the job form; after `build feed now` the feed carries that company ID.
 * The real bot process (node dist/src/index.js) with our own Azurite; skipped without /usr/bin/chromium.
 * The feed half needs the feed commands (branch feedbot) wired in index.ts; until they are, it is skipped and says so.
 * Set E2E_ECHO=1 to see the bot's and the playground's output.
 */
import { strict as assert } from 'node:assert';
import type { TableEntityResult } from '@azure/data-tables';
import { SETTINGS_TABLE } from '../../src/storage/tableSettingsStore';
import { tableClient } from '../../src/storage/tables';
import { botCards, botMessages, cardInputValue, clickCardAction, fillCardInput, sendMessage, waitForCard } from '../support/browser';
import {
  DESCRIPTION,
  PLAYGROUND_USER_AAD_ID,
  feedJob,
  feedUrlFromStatus,
  fillJobForm,
  hasElement,
  openJobForm,
  usePlaygroundStack
} from '../support/e2eStack';

const COMPANY_ID = '7654321';
const COMPANY_NAME = 'Fabrikam Norge AS';
const SETTINGS_TITLE = 'LinkedIn settings';

describe('e2e: an admin sets the LinkedIn company ID on the settings card (Agents Playground)', function () {
  this.timeout(180000);
  const title = `E2E Settings Engineer ${Date.now().toString(36)}`;
  const stack = usePlaygroundStack({
    name: 'settings',
    botEnv: {
      ADMIN_AAD_IDS: PLAYGROUND_USER_AAD_ID,
      // Everything LinkedIn needs except the company ID, which the admin sets on the card.
      LINKEDIN_COMPANY_ID: '',
      LINKEDIN_POSTER_EMAIL: 'jobs@contoso.com',
      LINKEDIN_PUBLISHER: 'Contoso',
      LINKEDIN_PUBLISHER_URL: 'https://contoso.com',
      PUBLIC_BASE_URL: ''
    }
  });
  let jobId: string | undefined;

  async function storedSettings(): Promise<{ companyId?: string; companyName?: string } | undefined> {
    for await (const entity of tableClient(stack.azurite.connection, SETTINGS_TABLE).listEntities<{ document: string }>()) {
      const row = entity as TableEntityResult<{ document: string }>;
      if (row.rowKey === 'settings') return JSON.parse(row.document) as { companyId?: string; companyName?: string };
    }
    return undefined;
  }

  it('the admin sets the company ID and name on the settings card; they are stored and pre-fill the job form', async function () {
    const page = stack.page;
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

    await openJobForm(page);
    assert.equal(await cardInputValue(page, 'Company name'), COMPANY_NAME, 'the job form takes the company name from settings');
    // The Playground submits an empty number input as 0, which the form rejects: give a salary.
    await fillJobForm(page, { title, description: DESCRIPTION, salary: true });
    await clickCardAction(page, 'Post job');
    const jobText = await (await waitForCard(page, /Queued for LinkedIn's next daily feed/)).innerText();
    jobId = jobText.match(/\bJ[0-9A-Z]{10}\b/)?.[0];
    assert.ok(jobId, `the job card shows the job id:\n${jobText}`);
  });

  it('build feed now: the feed carries the company ID from settings', async function () {
    const page = stack.page;
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
    const feedUrl = await feedUrlFromStatus(page);
    const xml = await (await fetch(feedUrl, { headers: { 'User-Agent': 'LinkedInBot/1.0 (e2e)' } })).text();
    const job = feedJob(xml, jobId);
    assert.ok(hasElement(job, 'companyId', COMPANY_ID), 'with the company ID the admin set');
    assert.ok(hasElement(job, 'company', COMPANY_NAME), 'with the company name from settings');
  });
});
