/**
 * End to end: an admin chooses "Job Posting API" on the settings card in the Agents Playground, tests it against a
 * LinkedIn of ours on 127.0.0.1 (token, then one harmless Job Posting API read), saves, and the next job goes by API:
 * its card says so, and the API sender sends its CREATE to LinkedIn once. The real bot process with our own
 * Azurite; skipped without /usr/bin/chromium. Set E2E_ECHO=1 to see the bot's and the playground's output.
 */
import { strict as assert } from 'node:assert';
import type { TableEntityResult } from '@azure/data-tables';
import { JOBS_TABLE } from '../../src/storage/tableJobStore';
import { SETTINGS_TABLE } from '../../src/storage/tableSettingsStore';
import { tableClient } from '../../src/storage/tables';
import { botCards, clickCardAction, fillCardInput, sendMessage, waitForCard } from '../support/browser';
import { DESCRIPTION, PLAYGROUND_USER_AAD_ID, fillJobForm, openJobForm, usePlaygroundStack } from '../support/e2eStack';
import { FakeJobPostings } from '../support/fakeJobPostings';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { waitFor } from '../support/notifyStack';

const CLIENT = { clientId: 'e2e-api-client', clientSecret: 'e2e-api-secret-123' };
const ORGANIZATION_ID = '8080';
const SETTINGS_TITLE = 'LinkedIn settings';

describe('e2e: an admin moves the tenant to the Job Posting API on the settings card (Agents Playground, fake LinkedIn)', function () {
  this.timeout(180000);
  const botEnv: Record<string, string> = {};
  let linkedIn: FakeLinkedIn;
  let postings: FakeJobPostings;
  const probes: string[] = [];

  // Registered before the stack's hooks, so the bot starts with the fake LinkedIn's address.
  before(async () => {
    linkedIn = await new FakeLinkedIn({ ...CLIENT, organizationId: ORGANIZATION_ID }).start();
    postings = new FakeJobPostings(linkedIn, { processingMs: 1000 });
    // Registered after the Job Posting API's routes, so it answers the Test's read (the sender's follow-up is minutes away).
    linkedIn.route('GET', '/v2/simpleJobPostingTasks', (call, res) => {
      if (!call.clientId) return linkedIn.send(res, 401, { message: 'Invalid access token', status: 401 });
      probes.push(call.url.searchParams.get('ids') ?? '');
      linkedIn.send(res, 200, { results: {}, errors: {} });
    });
    Object.assign(botEnv, {
      ADMIN_AAD_IDS: PLAYGROUND_USER_AAD_ID,
      LINKEDIN_OAUTH_BASE_URL: linkedIn.url,
      LINKEDIN_API_BASE_URL: linkedIn.url,
      PUBLIC_BASE_URL: ''
    });
  });
  const stack = usePlaygroundStack({ name: 'postingChannel', botEnv });
  after(() => linkedIn?.stop());

  async function rows<T>(table: string): Promise<Array<TableEntityResult<T & { document: string }>>> {
    const found: Array<TableEntityResult<T & { document: string }>> = [];
    for await (const entity of tableClient(stack.azurite.connection, table).listEntities<T & { document: string }>()) found.push(entity);
    return found;
  }

  it('the admin chooses the Job Posting API, tests it and saves; the next job goes by API', async () => {
    const page = stack.page;
    const cards = await botCards(page, SETTINGS_TITLE).count();
    await sendMessage(page, 'settings');
    await waitForCard(page, SETTINGS_TITLE, { moreThan: cards });
    await waitForCard(page, /How jobs reach LinkedIn/);
    await fillCardInput(page, 'LinkedIn client ID', CLIENT.clientId);
    await fillCardInput(page, 'LinkedIn client secret', CLIENT.clientSecret);
    await fillCardInput(page, 'LinkedIn organization ID', ORGANIZATION_ID);
    await fillCardInput(page, 'Posting channel', 'api');
    await fillCardInput(page, 'LinkedIn contract ID', '778899');
    await clickCardAction(page, 'Save settings');
    await waitForCard(page, /Jobs now go to LinkedIn through the Job Posting API; no open job had to move/);
    const settings = JSON.parse((await rows(SETTINGS_TABLE)).find((row) => row.rowKey === 'settings')!.document) as { postingChannel?: string; linkedInContractId?: string };
    assert.deepEqual([settings.postingChannel, settings.linkedInContractId], ['api', '778899']);

    await clickCardAction(page, 'Test Job Posting API');
    await waitForCard(page, /lets this application post jobs through the Job Posting API/);
    assert.deepEqual(probes, ['urn:li:simpleJobPostingTask:0'], 'one harmless read');

    await openJobForm(page);
    await waitForCard(page, /The job is sent to LinkedIn's Job Posting API/);
    await fillJobForm(page, { title: `E2E API Engineer ${Date.now().toString(36)}`, description: DESCRIPTION, companyName: 'Contoso', salary: true });
    await clickCardAction(page, 'Post job');
    const text = await (await waitForCard(page, /Sent to LinkedIn's Job Posting API: usually live within minutes/)).innerText();
    assert.match(text, /Waiting to be sent/);
    const jobId = text.match(/\bJ[0-9A-Z]{10}\b/)?.[0];
    const job = JSON.parse((await rows(JOBS_TABLE)).find((row) => row.rowKey === jobId)!.document) as { channel?: string; api?: { operation?: string } };
    assert.deepEqual([job.channel, job.api?.operation], ['api', 'CREATE']);
    await waitFor(async () => postings.countsFor(jobId!).CREATE === 1, 30_000, 'the CREATE at LinkedIn');
    assert.deepEqual(postings.countsFor(jobId!), { CREATE: 1 }, 'sent once, by API only');
  });
});
