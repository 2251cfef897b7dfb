/**
 * End to end on the Job Posting API channel: the real bot behind the Agents Playground, a fake LinkedIn on 127.0.0.1
 * that speaks the Job Posting API (tasks take a second), and the engine's follow-up delay set to 3 s by the bot's
 * environment (LINKEDIN_API_FOLLOW_UP_MS): the test's "five minutes". Alex posts a job on a tenant set to the API
 * channel; the post queues CREATE on the job row and wakes the sender; Alex is told it is on LinkedIn, and the job card
 * says "On LinkedIn" with a "View on LinkedIn" button that opens the job's LinkedIn URL.
 */
import { strict as assert } from 'node:assert';
import { tenantSettings } from '../support/exportsRig';
import { secretBoxFrom } from '../../src/storage/secretBox';
import { JOBS_TABLE, TableJobStore } from '../../src/storage/tableJobStore';
import { SETTINGS_TABLE, TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { clickCardAction, waitForCard } from '../support/browser';
import { DESCRIPTION, fillJobForm, openJobForm, PLAYGROUND_USER_AAD_ID, usePlaygroundStack } from '../support/e2eStack';
import { FakeJobPostings } from '../support/fakeJobPostings';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { waitFor } from '../support/notifyStack';

const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';
const CLIENT = { clientId: 'e2e-api-client', clientSecret: 'e2e-api-secret' };
const ORGANIZATION_ID = '424242';

describe('e2e: a job posted on the Job Posting API channel is "On LinkedIn" with its link (Agents Playground, fake LinkedIn)', function () {
  this.timeout(180_000);
  const botEnv: Record<string, string> = {};
  let linkedIn: FakeLinkedIn;
  let postings: FakeJobPostings;

  before(async () => {
    linkedIn = await new FakeLinkedIn({ ...CLIENT, organizationId: ORGANIZATION_ID }).start();
    postings = new FakeJobPostings(linkedIn, { processingMs: 1000, recordsPerMinute: 2000 });
    Object.assign(botEnv, {
      ADMIN_AAD_IDS: PLAYGROUND_USER_AAD_ID,
      LINKEDIN_TENANT_ID: PLAYGROUND_TENANT,
      LINKEDIN_CLIENT_ID: CLIENT.clientId,
      LINKEDIN_CLIENT_SECRET: CLIENT.clientSecret,
      LINKEDIN_OAUTH_BASE_URL: linkedIn.url,
      LINKEDIN_API_BASE_URL: linkedIn.url,
      LINKEDIN_API_POLL_MS: '500',
      LINKEDIN_API_FOLLOW_UP_MS: '3000',
      LINKEDIN_API_RECHECK_MS: '1000'
    });
  });
  const stack = usePlaygroundStack({ name: 'apiPosting', botEnv });
  after(() => linkedIn?.stop());

  it('post a job: within the simulated five minutes the card says "On LinkedIn" with "View on LinkedIn"', async () => {
    const { connection } = stack.azurite;
    const settingsTable = tableClient(connection, SETTINGS_TABLE);
    const jobsTable = tableClient(connection, JOBS_TABLE);
    await Promise.all([ensureTable(settingsTable), ensureTable(jobsTable)]);
    const settings = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }, secretBoxFrom(undefined));
    const { tenantId: _t, etag: _e, updatedAt: _u, ...stored } = tenantSettings({
      admins: [{ aadObjectId: PLAYGROUND_USER_AAD_ID, name: 'Alex Wilber' }],
      postingChannel: 'api',
      rsc: { status: 'enabled', organizationId: ORGANIZATION_ID }
    });
    await settings.save({ tenantId: PLAYGROUND_TENANT, settings: stored, changes: [], by: { aadObjectId: PLAYGROUND_USER_AAD_ID, name: 'Alex Wilber' }, at: new Date() });

    const page = stack.page;
    const title = `E2E API Engineer ${Date.now().toString(36)}`;
    await openJobForm(page);
    await fillJobForm(page, { title, companyName: 'Contoso', description: DESCRIPTION });
    await clickCardAction(page, 'Post job');
    await waitForCard(page, title);

    const jobs = new TableJobStore(jobsTable);
    let jobId = '';
    await waitFor(async () => {
      const { jobs: rows } = await jobs.list({ tenantId: PLAYGROUND_TENANT, pageSize: 50 });
      jobId = rows.find((row) => row.title === title)?.id ?? '';
      return jobId !== '';
    }, 10_000, 'the job row');
    const queued = (await jobs.get(PLAYGROUND_TENANT, jobId))!;
    assert.equal(queued.channel, 'api', 'a job posted on an API tenant goes only to the API');

    const notice = await waitForCard(page, /is on LinkedIn: https:\/\/www\.linkedin\.com\/jobs\/view\/\d+/, { timeoutMs: 60_000 });
    const url = (await notice.innerText()).match(/https:\/\/www\.linkedin\.com\/jobs\/view\/\d+/)![0];
    assert.deepEqual(postings.countsFor(jobId), { CREATE: 1 });
    const live = (await jobs.get(PLAYGROUND_TENANT, jobId))!;
    assert.equal(live.api?.state, 'on_linkedin');
    assert.equal(live.api?.status?.jobPostingUrl, url);

    await clickCardAction(page, 'Open job');
    const card = await waitForCard(page, /Listing status/);
    const text = await card.innerText();
    assert.match(text, new RegExp(title));
    assert.match(text, /On LinkedIn/);
    assert.match(text, /Listing status\s*Listed/);
    assert.doesNotMatch(text, /once a day/, 'an API job is not described as waiting for the daily feed');
    const view = card.getByText('View on LinkedIn', { exact: true });
    await view.waitFor({ state: 'visible', timeout: 10_000 });

    // The button opens the job's LinkedIn URL (answered here: nothing leaves this machine).
    let opened = '';
    await page.context().route('https://www.linkedin.com/**', (route) => {
      opened = route.request().url();
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>LinkedIn</p>' });
    });
    await view.click();
    await waitFor(async () => opened !== '', 10_000, 'the LinkedIn page to open');
    assert.equal(opened, url);
  });
});
