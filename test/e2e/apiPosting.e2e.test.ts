/**
 * End to end on the Job Posting API channel: the real bot behind the Agents Playground, a fake LinkedIn on 127.0.0.1
 * that speaks the Job Posting API (tasks take a second), and the engine's follow-up delay set to 3 s by the bot's
 * environment (LINKEDIN_API_FOLLOW_UP_MS): the test's "five minutes". Alex posts a job on a tenant set to the API
 * channel; the post queues CREATE on the job row and wakes the sender; Alex is told it is on LinkedIn, and the job card
 * says "On LinkedIn" with a "View on LinkedIn" button that opens the job's LinkedIn URL.
 */
import { strict as assert } from 'node:assert';
import { clickCardAction, waitForCard } from '../support/browser';
import { DESCRIPTION, fillJobForm, openJobForm, PLAYGROUND_USER_AAD_ID } from '../support/e2eStack';
import { FakeJobPostings } from '../support/fakeJobPostings';
import { waitFor } from '../support/notifyStack';
import { PLAYGROUND_TENANT, seedPlaygroundTenant, usePlaygroundWithLinkedIn } from '../support/playgroundLinkedIn';
const CLIENT = { clientId: 'e2e-api-client', clientSecret: 'e2e-api-secret' };
const ORGANIZATION_ID = '424242';

describe('e2e: a job posted on the Job Posting API channel is "On LinkedIn" with its link (Agents Playground, fake LinkedIn)', function () {
  this.timeout(180_000);
  let postings: FakeJobPostings;
  const { stack } = usePlaygroundWithLinkedIn({
    name: 'apiPosting',
    app: { ...CLIENT, organizationId: ORGANIZATION_ID },
    botEnv: (linkedIn) => {
      postings = new FakeJobPostings(linkedIn, { processingMs: 1000, recordsPerMinute: 2000 });
      return {
        ADMIN_AAD_IDS: PLAYGROUND_USER_AAD_ID,
        LINKEDIN_API_POLL_MS: '500',
        LINKEDIN_API_FOLLOW_UP_MS: '3000',
        LINKEDIN_API_RECHECK_MS: '1000'
      };
    }
  });

  it('post a job: within the simulated five minutes the card says "On LinkedIn" with "View on LinkedIn"', async () => {
    const jobs = await seedPlaygroundTenant(stack.azurite.connection, {
      admins: [{ aadObjectId: PLAYGROUND_USER_AAD_ID, name: 'Alex Wilber' }],
      postingChannel: 'api',
      rsc: { status: 'enabled', organizationId: ORGANIZATION_ID }
    }, { aadObjectId: PLAYGROUND_USER_AAD_ID, name: 'Alex Wilber' });

    const page = stack.page;
    const title = `E2E API Engineer ${Date.now().toString(36)}`;
    await openJobForm(page);
    await fillJobForm(page, { title, companyName: 'Contoso', description: DESCRIPTION });
    await clickCardAction(page, 'Post job');
    await waitForCard(page, title);

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
