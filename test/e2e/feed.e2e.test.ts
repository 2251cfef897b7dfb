/**
 * End to end: post a job through the Agents Playground, `build feed now` as an admin, read the feed URL from the
 * `feed status` card and download the feed over HTTP like LinkedIn would, then find the job in it.
 * The real bot process (node dist/src/index.js) with our own Azurite; skipped without /usr/bin/chromium.
 * Set E2E_ECHO=1 to see the bot's and the playground's output.
 */
import { strict as assert } from 'node:assert';
import type { TableEntityResult } from '@azure/data-tables';
import { JOBS_TABLE } from '../../src/storage/tableJobStore';
import { tableClient } from '../../src/storage/tables';
import { clickCardAction, sendMessage, waitForCard } from '../support/browser';
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

describe('e2e: a posted job reaches the LinkedIn feed (Agents Playground, feed over HTTP)', function () {
  this.timeout(180000);
  const title = `E2E Feed Engineer ${Date.now().toString(36)}`;
  const stack = usePlaygroundStack({
    name: 'feed',
    botEnv: {
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

  async function storedState(jobId: string): Promise<string | undefined> {
    for await (const entity of tableClient(stack.azurite.connection, JOBS_TABLE).listEntities<{ state: string; document: string }>()) {
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
    const page = stack.page;

    // 1. Post a job through the form.
    await openJobForm(page);
    // A salary too: it must reach the feed's <salaries> element.
    await fillJobForm(page, { title, companyName: 'Contoso', description: DESCRIPTION, salary: true });
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
    const feedUrl = await feedUrlFromStatus(page);

    // 4. Download it like LinkedIn, and find the job.
    const response = await fetch(feedUrl, { headers: { 'User-Agent': 'LinkedInBot/1.0 (e2e)' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /xml/);
    const xml = await response.text();
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    const job = feedJob(xml, jobId);
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
