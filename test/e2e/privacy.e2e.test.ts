/**
 * End to end: an admin erases a candidate from the Agents Playground. Another process stores the candidate and queues
 * their card to the admin's chat, as the export worker would; the real bot process (node dist/src/index.js) delivers
 * it. In the browser the admin types `forget candidate <email>`, sees what is held, presses Erase, and the bot deletes
 * every row naming the person and replaces the delivered card in place. Skipped without /usr/bin/chromium.
 */
import { strict as assert } from 'node:assert';
import type { Candidate } from '../../src/domain/candidate';
import { exportRenderers } from '../../src/exports/exportCards';
import { EXPORT_NOTICE_KIND, exportThread } from '../../src/exports/exportNotice';
import { OutboxNotifier } from '../../src/notifications/outboxNotifier';
import { CANDIDATES_TABLE, TableCandidateStore } from '../../src/storage/candidateStore';
import { OUTBOX_TABLE, TableOutboxStore } from '../../src/storage/tableOutboxStore';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { serviceClient } from '../support/azurite';
import { botCards, clickCardAction, sendMessage, waitForCard } from '../support/browser';
import { PLAYGROUND_USER_AAD_ID, usePlaygroundStack } from '../support/e2eStack';
import { waitFor } from '../support/notifyStack';

// The playground's default tenant (.m365agentsplayground.yml).
const TENANT = '00000000-0000-0000-0000-0000000000001';
const EMAIL = 'ingrid.playground@example.com';

describe('e2e: an admin erases a candidate in the Agents Playground', function () {
  this.timeout(240_000);
  const stack = usePlaygroundStack({ name: 'privacy', botEnv: { ADMIN_AAD_IDS: PLAYGROUND_USER_AAD_ID } });

  it('forget candidate shows what is held, Erase deletes every row naming them, and their card says why', async () => {
    const page = stack.page;
    // The first message stores Alex's conversation with the bot (where the candidate card will go).
    await sendMessage(page, 'help privacy');
    await waitForCard(page, 'Candidate data and privacy');

    const candidatesTable = tableClient(stack.azurite.connection, CANDIDATES_TABLE);
    const outboxTable = tableClient(stack.azurite.connection, OUTBOX_TABLE);
    await Promise.all([ensureTable(candidatesTable), ensureTable(outboxTable)]);
    const candidates = new TableCandidateStore(candidatesTable);
    const candidate: Candidate = await candidates.recordExport(
      TENANT,
      { firstName: 'Ingrid', lastName: 'Playground', headline: 'Platform engineer', currentCompany: 'Northwind', profileUrl: 'https://www.linkedin.com/in/ingrid-playground', memberUrn: 'urn:li:person:ingridE2E', emails: [EMAIL], phones: [] },
      { eventId: 'e2e-privacy-1', exportedAt: new Date().toISOString(), exportedBy: 'Rita Recruiter' },
      new Date()
    );
    const outbox = new TableOutboxStore(outboxTable);
    await new OutboxNotifier(outbox, exportRenderers(candidates)).enqueue([{
      tenantId: TENANT,
      key: `export:e2e-privacy-1:${PLAYGROUND_USER_AAD_ID}`,
      thread: exportThread('e2e-privacy-1'),
      to: { kind: 'user', aadObjectId: PLAYGROUND_USER_AAD_ID },
      message: {
        kind: EXPORT_NOTICE_KIND,
        data: { eventId: 'e2e-privacy-1', tenantId: TENANT, candidateId: candidate.id, job: { id: '', title: '', state: 'unknown' }, exporter: 'Rita Recruiter', exportedAt: new Date().toISOString(), timeZone: 'UTC' }
      }
    }]);
    const row = () => outbox.get(TENANT, `export:e2e-privacy-1:${PLAYGROUND_USER_AAD_ID}`);
    await waitFor(async () => (await row())?.state === 'sent', 60_000, 'the candidate card to be sent');
    await waitForCard(page, 'Ingrid Playground', { timeoutMs: 30_000 });

    await sendMessage(page, `forget candidate ${EMAIL}`);
    const preview = await waitForCard(page, 'Forget 1 candidate(s)?');
    const previewText = await preview.innerText();
    for (const expected of ['Ingrid Playground', EMAIL, 'Platform engineer']) assert.ok(previewText.includes(expected), `preview lacks ${expected}`);
    assert.ok(await candidates.get(TENANT, candidate.id), 'nothing erased before the confirmation');

    const done = await botCards(page, /Erased 1 candidate/).count();
    await clickCardAction(page, 'Erase all of it');
    await waitForCard(page, /Erased 1 candidate\(s\): \d+ rows deleted/, { moreThan: done });

    assert.equal(await candidates.get(TENANT, candidate.id), undefined);
    await waitFor(async () => {
      const notice = await row();
      return notice?.message.kind === 'candidate.removed' && notice.sentRevision === notice.revision && !notice.updatePending;
    }, 60_000, 'the card to be replaced in place');
    await waitForCard(page, 'Removed by an admin (erased on request)', { timeoutMs: 30_000 });
    assert.equal(await botCards(page, 'Ingrid Playground').filter({ hasNotText: 'Forget' }).count(), 0, 'the delivered card no longer shows the person');

    for await (const table of serviceClient(stack.azurite.connection).listTables()) {
      for await (const entity of tableClient(stack.azurite.connection, table.name!).listEntities()) {
        const text = JSON.stringify(entity);
        for (const trace of ['Ingrid', EMAIL, 'ingrid-playground', 'ingridE2E', candidate.id]) {
          assert.ok(!text.includes(trace), `${table.name} still names the person (${trace}): ${text}`);
        }
      }
    }
  });
});
