/**
 * End to end: the real bot (node dist/src/index.js) behind the Microsoft 365 Agents Playground, driven through
 * headless Chromium like a user would, with the jobs checked in Azure Table storage (our own Azurite, handed to
 * the bot as AZURE_STORAGE_CONNECTION_STRING). Needs /usr/bin/chromium (CI installs it); skipped without it.
 * Set E2E_ECHO=1 to see the bot's and the playground's output; screenshots of failures (of every test with
 * E2E_SCREENSHOTS=1) go to E2E_ARTIFACTS (default <tmp>/e2e-artifacts).
 */
import { strict as assert } from 'node:assert';
import { JOBS_TABLE } from '../../src/storage/tableJobStore';
import { tableClient } from '../../src/storage/tables';
import { cardInput, cardInputValue, clickCardAction, waitForCard } from '../support/browser';
import { DESCRIPTION, fillJobForm, openJobForm, usePlaygroundStack } from '../support/e2eStack';

const QUEUED = "Queued for LinkedIn's next daily feed";

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
  const stack = usePlaygroundStack({ name: 'postJob' });

  async function jobRows(): Promise<Array<{ state: string; title: string; description: string }>> {
    const rows: Array<{ state: string; title: string; description: string }> = [];
    for await (const entity of tableClient(stack.azurite.connection, JOBS_TABLE).listEntities<JobRow>()) {
      const row = entity;
      const document = JSON.parse(row.document) as { title: string; description: string };
      rows.push({ state: row.state, title: document.title, description: document.description });
    }
    return rows;
  }

  it('a complete form comes back as a job card queued for the feed, and the job is stored', async function () {
    const page = stack.page;
    const title = `E2E Backend Engineer ${run}`;
    await openJobForm(page);
    await fillJobForm(page, { title, companyName: 'Contoso', description: DESCRIPTION });
    await clickCardAction(page, 'Post job');

    const card = await waitForCard(page, QUEUED);
    assert.match(await card.innerText(), new RegExp(title));

    const stored = (await jobRows()).filter((row) => row.title === title);
    assert.equal(stored.length, 1, `one row for "${title}" in the ${JOBS_TABLE} table`);
    assert.equal(stored[0].state, 'queued');
    assert.equal(stored[0].description, DESCRIPTION);
  });

  it('a 20-character description comes back on the form with an error next to it, and nothing is stored', async function () {
    const page = stack.page;
    const title = `E2E Short Description ${run}`;
    const shortDescription = 'Too short to post it';
    assert.equal(shortDescription.length, 20);
    const rowsBefore = (await jobRows()).length;
    await openJobForm(page);
    await fillJobForm(page, { title, companyName: 'Contoso', description: shortDescription });
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
