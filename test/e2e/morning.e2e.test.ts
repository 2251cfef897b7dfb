/**
 * End to end: approval reminders and the morning digest through the Microsoft 365 Agents Playground. The real bot
 * process runs its morning pass every 300 ms on a test clock (MORNING_TEST_CLOCK_FILE, refused in production); the
 * test moves that clock from morning to morning. Alex Wilber (the playground's user) is the admin, and with no
 * recruiters named the admins approve. Skipped without /usr/bin/chromium.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJob, validateJobInput, type Job } from '../../src/domain/job';
import { zonedInstant } from '../../src/feed/schedule';
import { CONVERSATIONS_TABLE, TableConversationStore } from '../../src/storage/conversationStore';
import { LEASES_TABLE, TableLeaseStore } from '../../src/storage/leaseStore';
import { JOBS_TABLE, TableJobStore } from '../../src/storage/tableJobStore';
import { TENANTS_TABLE, TableTenantRegistry } from '../../src/storage/tenantRegistry';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { botCards, clickCardAction, sendMessage, waitForCard, waitForText } from '../support/browser';
import { tempDir } from '../support/botProcess';
import { PLAYGROUND_USER_AAD_ID, usePlaygroundStack } from '../support/e2eStack';
import { waitFor } from '../support/notifyStack';
import { validForm } from '../support/samples';

const TENANT = '00000000-0000-0000-0000-0000000000001';
const MANAGER = { tenantId: TENANT, aadObjectId: 'e2e-hiring-manager', name: 'Kari Nordmann' };

describe('e2e: approval reminders and the morning digest (Agents Playground, test clock)', function () {
  this.timeout(240_000);
  const clockFile = join(tempDir('e2e-morning-'), 'now');
  // Saturday: no morning at all until the test says so.
  writeFileSync(clockFile, '2026-12-05T10:00:00Z');
  const stack = usePlaygroundStack({
    name: 'morning',
    botEnv: { ADMIN_AAD_IDS: PLAYGROUND_USER_AAD_ID, MORNING_TEST_CLOCK_FILE: clockFile, MORNING_POLL_MS: '300' }
  });
  let timeZone = 'UTC';
  const suffix = Date.now().toString(36);

  /** 08:05 on a December 2026 day in Alex's own time zone, as the bot's morning pass will see it. */
  function setMorning(day: number): Date {
    const at = new Date(zonedInstant(Date.UTC(2026, 11, day, 8, 5), timeZone));
    writeFileSync(clockFile, at.toISOString());
    return at;
  }

  async function seedWaitingJob(title: string, requestedAt: Date): Promise<Job> {
    const connection = stack.azurite.connection;
    const [jobsTable, tenantsTable] = [tableClient(connection, JOBS_TABLE), tableClient(connection, TENANTS_TABLE)];
    await Promise.all([ensureTable(jobsTable), ensureTable(tenantsTable)]);
    const input = validateJobInput(validForm({ title }), new Date('2026-01-01'));
    assert.ok(input.ok);
    const job = createJob(input.value, MANAGER, requestedAt);
    return new TableJobStore(jobsTable, new TableTenantRegistry(tenantsTable)).create({ ...job, state: 'awaiting_approval', approval: { requestedAt: requestedAt.toISOString() } });
  }

  it('a job waiting two days reminds its approver in their morning, with buttons that decide it', async () => {
    const page = stack.page;
    await sendMessage(page, 'help');
    await waitForCard(page, /remind approvers/);
    const conversations = new TableConversationStore(tableClient(stack.azurite.connection, CONVERSATIONS_TABLE));
    await waitFor(async () => Boolean(await conversations.get(TENANT, PLAYGROUND_USER_AAD_ID)), 30_000, 'Alex\'s conversation to be stored');
    timeZone = (await conversations.get(TENANT, PLAYGROUND_USER_AAD_ID))?.timeZone ?? 'UTC';

    const title = `E2E Reminder Lead ${suffix}`;
    await seedWaitingJob(title, new Date(Date.UTC(2026, 10, 30, 6, 0))); // Monday morning
    setMorning(2); // Wednesday 08:05 in Alex's zone: two days later
    const reminder = await waitForCard(page, new RegExp(`Approval needed: ${title}`), { timeoutMs: 60_000 });
    assert.match(await reminder.innerText(), /Reminder: this job has waited 2 day\(s\) for a decision/);
    await clickCardAction(page, 'Approve');
    await waitForCard(page, /Approved by Alex Wilber/);
  });

  it('the digest arrives at 08:00 once turned on, lists the job waiting for approval, and stops after digest off', async () => {
    const page = stack.page;
    await sendMessage(page, 'digest on');
    await waitForText(page, /Your morning digest is on/);
    const title = `E2E Digest Nurse ${suffix}`;
    const thursday = new Date(zonedInstant(Date.UTC(2026, 11, 3, 7, 0), timeZone));
    await seedWaitingJob(title, thursday); // an hour before Thursday's morning: in the digest, too new to remind
    setMorning(3);
    const digest = await waitForCard(page, /Good morning: your digest for Thursday 3 December/, { timeoutMs: 60_000 });
    const text = await digest.innerText();
    assert.match(text, new RegExp(`Jobs waiting for your approval \\(1\\)[\\s\\S]*${title} \\(J[0-9A-Z]{10}\\) by Kari Nordmann, waiting 0 day`));
    assert.match(text, /LinkedIn's feed/);

    await sendMessage(page, 'digest off');
    await waitForText(page, /Your morning digest is off/);
    // Friday: the job has now waited a day, so Friday's morning brings its reminder, and no digest.
    setMorning(4);
    await waitForCard(page, new RegExp(`Approval needed: ${title}[\\s\\S]*Reminder: this job has waited 1 day`), { timeoutMs: 60_000 });
    const leases = new TableLeaseStore(tableClient(stack.azurite.connection, LEASES_TABLE));
    assert.ok(await leases.isSlotDone(TENANT, `morning:${PLAYGROUND_USER_AAD_ID}:2026-12-04`), 'Friday\'s morning was handled');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a digest queued with the reminder would be here by now
    assert.equal(await botCards(page, /your digest for Friday/).count(), 0, 'no digest after digest off');
    assert.equal(await botCards(page, /your digest for Thursday/).count(), 1, 'and Thursday\'s came once');
  });
});
