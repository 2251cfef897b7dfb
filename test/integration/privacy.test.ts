/**
 * Candidate data protection against a real Azurite, a fake LinkedIn and a Bot Connector stub: erasure leaves no row
 * naming the person in any table, the retention period runs on an injected clock, LinkedIn's purge list removes the
 * member and updates their cards in place, and the access export hands over everything, once.
 */
import assert from 'node:assert/strict';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { exportRenderers } from '../../src/exports/exportCards';
import { LinkedInClient } from '../../src/linkedin/client';
import { silentLogger } from '../../src/logger';
import { DeliveryWorker } from '../../src/notifications/deliveryWorker';
import { OutboxNotifier } from '../../src/notifications/outboxNotifier';
import { TeamsRateLimiter } from '../../src/notifications/rateLimiter';
import { builtInRenderers } from '../../src/bot/builtInRenderers';
import { TeamsChatSender } from '../../src/teams/teamsSender';
import { CandidateRemoval, removalRenderers } from '../../src/privacy/candidateRemoval';
import { PrivacyScheduler } from '../../src/privacy/privacyScheduler';
import { PrivacyService } from '../../src/privacy/privacyService';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableLeaseStore } from '../../src/storage/leaseStore';
import { TablePrivacyStore } from '../../src/storage/privacyStore';
import { TableOutboxStore } from '../../src/storage/tableOutboxStore';
import { tableClient, type TableConnection } from '../../src/storage/tables';
import { TableTenantRegistry } from '../../src/storage/tenantRegistry';
import type { TenantSettings } from '../../src/domain/settings';
import { freshTables, serviceClient, useAzurite } from '../support/azurite';
import { BotHarness, cardText } from '../support/botHarness';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { ExportsRig, FixedSettings, TENANT, pushBody, tenantSettings, waitFor } from '../support/exportsRig';
import { feedStack } from '../support/feedStack';
import { FAST_POLICY, personalReference } from '../support/notifyStack';
import { ALEX, MEGAN } from '../support/samples';

const ADMIN = { aadObjectId: 'aad-admin', name: 'Ada Admin', tenantId: TENANT };
const RITA = { aadObjectId: 'aad-rita', name: 'Rita Recruiter', tenantId: TENANT };
const MONTH_MS = 31 * 86_400_000;

function person(n: number, partnerJobId: string) {
  return {
    partnerJobId,
    exportedAt: Date.UTC(2026, 10, 27, 9, 30),
    exporter: { firstName: 'Rita', lastName: 'Recruiter' },
    candidate: {
      member: `urn:li:person:member${n}`,
      firstName: 'Nora',
      lastName: `Candidate${n}`,
      headline: `Headline of person ${n}`,
      currentCompanyName: `Employer${n} AS`,
      currentJobTitle: 'Tech lead',
      profileUrl: `https://www.linkedin.com/in/nora-${n}`,
      emailAddresses: [`nora${n}@example.com`]
    }
  };
}

/** What would name person n, anywhere. */
function traces(n: number): string[] {
  return [`Candidate${n}`, `nora${n}@example.com`, `nora-${n}`, `member${n}`, `Headline of person ${n}`, `Employer${n} AS`];
}

interface Stack {
  rig: ExportsRig;
  connector: ConnectorStub;
  delivery: DeliveryWorker;
  outbox: TableOutboxStore;
  privacyStore: TablePrivacyStore;
  service: PrivacyService;
  scheduler: PrivacyScheduler;
  settings: FixedSettings;
  clock: { now: Date };
  leases: TableLeaseStore;
  stop(): Promise<void>;
}

/** The bot's privacy parts over one storage, with the real outbox delivering to a connector stub. */
async function privacyStack(connection: TableConnection, settingsOverrides: Partial<TenantSettings> = {}): Promise<Stack> {
  const clock = { now: new Date() };
  const now = () => clock.now;
  const connector = await startConnectorStub();
  const [outboxTable, conversationsTable, privacyTable, leasesTable, tenantsTable] = await freshTables(connection, 'outbox', 'conversations', 'privacy', 'leases', 'tenants');
  const outbox = new TableOutboxStore(outboxTable);
  const conversations = new TableConversationStore(conversationsTable);
  for (const who of [ALEX, RITA, ADMIN]) {
    await conversations.save({ tenantId: TENANT, aadObjectId: who.aadObjectId, reference: personalReference(connector.url, TENANT, who.aadObjectId), language: 'en', active: true, updatedAt: new Date().toISOString() });
  }
  let rig: ExportsRig | undefined;
  const candidates = { get: (tenantId: string, id: string) => rig!.candidates.get(tenantId, id) };
  const renderers = { ...builtInRenderers, ...exportRenderers(candidates), ...removalRenderers };
  const adapter = new TeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  const delivery = new DeliveryWorker({ outbox, conversations, chat: new TeamsChatSender(adapter, ''), renderers, limiter: new TeamsRateLimiter(), logger: silentLogger, policy: FAST_POLICY });
  const notifier = new OutboxNotifier(outbox, renderers, delivery);
  const settings = new FixedSettings(tenantSettings(settingsOverrides));
  let service: PrivacyService | undefined;
  rig = await new ExportsRig({ connection, notifier, settings, privacyDownloads: { takeDownload: (token) => service!.takeDownload(token) } }).start();
  const privacyStore = new TablePrivacyStore(privacyTable);
  const removal = new CandidateRemoval({ candidates: rig.candidates, exportInbox: rig.inbox, notifier, privacy: privacyStore, logger: silentLogger, now });
  service = new PrivacyService({ candidates: rig.candidates, exportInbox: rig.inbox, outbox, privacy: privacyStore, removal, now, publicBaseUrl: () => rig.base });
  const tenants = new TableTenantRegistry(tenantsTable);
  await tenants.add(TENANT);
  const leases = new TableLeaseStore(leasesTable, () => clock.now.getTime());
  const linkedIn = new LinkedInClient({ oauthBaseUrl: rig.linkedIn.url, apiBaseUrl: rig.linkedIn.url, timeoutMs: 2000 });
  const scheduler = new PrivacyScheduler({
    tenants, settings, leases, candidates: rig.candidates, removal, privacy: privacyStore, linkedIn, notifier, bootstrapAdmins: [], logger: silentLogger, now, intervalMs: 3_600_000
  });
  delivery.start();
  rig.worker.start();
  return {
    rig, connector, delivery, outbox, privacyStore, service, scheduler, settings, clock, leases,
    async stop() {
      await scheduler.stop();
      await rig.stop();
      await delivery.stop(1000);
      await connector.stop();
    }
  };
}

/** Pushes an export of person n to a new job of Alex's and waits until both cards (Alex, Rita) are in Teams. */
async function exportPerson(stack: Stack, n: number): Promise<string> {
  const before = stack.connector.sent.length;
  const job = await stack.rig.addJob(ALEX);
  stack.rig.linkedIn.exports.set(`req-p${n}`, person(n, job.id));
  assert.equal((await stack.rig.push(pushBody(`p${n}`))).status, 200);
  await waitFor(`cards of person ${n}`, () => (stack.connector.sent.length >= before + 2 ? true : undefined), 20000);
  const candidate = await stack.rig.candidates.findByIdentity(TENANT, { email: `nora${n}@example.com` });
  assert.ok(candidate, `person ${n} stored`);
  return candidate.id;
}

/** Every row of every table in the storage account, as text. */
async function everyRow(connection: TableConnection): Promise<{ table: string; text: string }[]> {
  const rows: { table: string; text: string }[] = [];
  for await (const table of serviceClient(connection).listTables()) {
    for await (const entity of tableClient(connection, table.name!).listEntities()) rows.push({ table: table.name!, text: JSON.stringify(entity) });
  }
  return rows;
}

function updatesTo(connector: ConnectorStub): string[] {
  return connector.updates.map((update) => cardText((update.activity.attachments as { content: never }[])[0].content));
}

async function botFor(stack: Stack, connection: TableConnection): Promise<BotHarness> {
  const feed = (await feedStack(connection, stack.settings, () => new Date())).feed;
  return new BotHarness({
    jobs: stack.rig.jobs, feed, conversations: undefined as never, settings: stack.settings, bootstrapAdmins: [], now: () => stack.clock.now,
    exportInbox: stack.rig.inbox, candidates: stack.rig.candidates, privacy: stack.service
  });
}

describe('candidate data protection: erasure, retention, LinkedIn purge, access (Azurite, fake LinkedIn, Bot Connector stub)', function () {
  const azurite = useAzurite();
  let stack: Stack;

  beforeEach(async () => {
    stack = await privacyStack(azurite().connection);
  });

  afterEach(async () => {
    await stack.stop();
  });

  it('outbox rows and export records hold the candidate id, not the person', async () => {
    const id = await exportPerson(stack, 1);
    const rows = (await everyRow(azurite().connection)).filter((row) => /^(outbox|exports)/.test(row.table));
    assert.ok(rows.some((row) => row.text.includes(id)), 'the notices point at the candidate');
    for (const row of rows) for (const trace of traces(1)) assert.ok(!row.text.includes(trace), `${row.table} names the person (${trace}): ${row.text}`);
    const sent = stack.connector.sent.map((a) => cardText((a.activity.attachments as { content: never }[])[0].content));
    assert.ok(sent.every((text) => text.includes('Nora Candidate1') && text.includes('Employer1 AS')), 'the cards still show the person');
  });

  it('forget candidate: an admin sees what is held, confirms, and no row in any table names the person; their cards say why', async () => {
    const id = await exportPerson(stack, 2);
    await exportPerson(stack, 3); // someone else, who stays
    const bot = await botFor(stack, azurite().connection);
    await stack.service.createDownload(TENANT, [id], ADMIN.aadObjectId); // an unused link names the candidate too

    const [refused] = await bot.say({ ...MEGAN }, 'forget candidate nora2@example.com');
    assert.doesNotMatch(String(refused.text), /Candidate2/);
    const [shown] = await bot.say(ADMIN, 'forget candidate nora2@example.com');
    const card = shown.attachments?.[0]?.content as { actions: { verb?: string; data?: Record<string, unknown> }[] };
    const text = cardText(card);
    for (const expected of ['Forget 1 candidate(s)?', 'Nora Candidate2', 'nora2@example.com', 'https://www.linkedin.com/in/nora-2', 'Headline of person 2', 'Erase all of it']) {
      assert.ok(text.includes(expected), `preview lacks "${expected}":\n${text}`);
    }
    const erase = card.actions.find((action) => action.verb === 'privacy.forget')!;
    assert.equal((await stack.rig.candidates.get(TENANT, id))?.id, id, 'nothing erased before the confirmation');

    const done = await bot.execute(ADMIN, 'privacy.forget', erase.data!);
    assert.match(cardText(done), /Erased 1 candidate\(s\): \d+ rows deleted/);

    const rows = await everyRow(azurite().connection);
    for (const row of rows) {
      for (const trace of [...traces(2), id]) assert.ok(!row.text.includes(trace), `${row.table} still names the person (${trace}): ${row.text}`);
    }
    assert.ok(rows.some((row) => row.text.includes('Candidate3')), 'the other candidate is untouched');
    await waitFor('cards replaced', () => (updatesTo(stack.connector).filter((t) => t.includes('Removed by an admin (erased on request)')).length >= 2 ? true : undefined), 20000);
    const [audit] = await stack.privacyStore.auditLog(TENANT);
    assert.equal(audit.action, 'erasure');
    assert.equal(audit.by, ADMIN.aadObjectId);
    assert.equal(audit.candidates, 1);
    assert.ok(audit.rows >= 4, `rows ${audit.rows}`);

    const again = await bot.execute(ADMIN, 'privacy.forget', erase.data!);
    assert.match(cardText(again), /Nothing to erase/);
  });

  it('glem kandidat works in Norwegian, by name', async () => {
    await exportPerson(stack, 4);
    const bot = await botFor(stack, azurite().connection);
    const [shown] = await bot.say({ ...ADMIN, locale: 'nb-NO' }, 'glem kandidat nora candidate4');
    const text = cardText(shown.attachments?.[0]?.content);
    assert.match(text, /Glemme 1 kandidat\(er\)\?/);
    assert.match(text, /Slett alt/);
    const [none] = await bot.say({ ...ADMIN, locale: 'nb-NO' }, 'glem kandidat Kari Nordmann');
    assert.match(String(none.text), /Ingen kandidat passer til «Kari Nordmann»/);
  });

  it('retention: on an injected clock, a candidate goes N months after the last activity, a review restarts the count, cards say why', async () => {
    const idle = await exportPerson(stack, 5);
    const reviewed = await exportPerson(stack, 6);
    const start = Date.now();
    stack.clock.now = new Date(start + 5 * MONTH_MS);
    await stack.rig.candidates.touch(TENANT, reviewed, stack.clock.now); // "Mark reviewed" five months in

    await stack.scheduler.tick();
    assert.ok(await stack.rig.candidates.get(TENANT, idle), 'kept: 5 of 6 months');

    stack.clock.now = new Date(start + 6 * MONTH_MS + 86_400_000);
    await stack.scheduler.tick();
    assert.equal(await stack.rig.candidates.get(TENANT, idle), undefined, 'deleted after 6 months');
    assert.ok(await stack.rig.candidates.get(TENANT, reviewed), 'reviewed at month 5: kept');
    assert.equal(await stack.rig.inbox.get(TENANT, 'p5'), undefined, 'its export record went too');
    await waitFor('cards replaced', () => (updatesTo(stack.connector).filter((t) => t.includes('Removed after 6 months (data retention)')).length >= 2 ? true : undefined), 20000);
    const [audit] = await stack.privacyStore.auditLog(TENANT);
    assert.deepEqual({ action: audit.action, by: audit.by, candidates: audit.candidates }, { action: 'retention', by: 'system', candidates: 1 });

    // A longer period set on the settings card keeps the reviewed one past month 11.
    stack.settings.settings = { ...stack.settings.settings, candidateRetentionMonths: 12 };
    stack.clock.now = new Date(start + 12 * MONTH_MS);
    await stack.scheduler.tick();
    assert.ok(await stack.rig.candidates.get(TENANT, reviewed), 'kept under a 12-month period');
    stack.clock.now = new Date(start + 18 * MONTH_MS);
    await stack.scheduler.tick();
    assert.equal(await stack.rig.candidates.get(TENANT, reviewed), undefined);
  });

  it('retention runs once per tenant and day across processes, and catches up after downtime', async () => {
    const idle = await exportPerson(stack, 7);
    const other = new PrivacyScheduler({ ...(stack.scheduler as unknown as { deps: ConstructorParameters<typeof PrivacyScheduler>[0] }).deps });
    stack.clock.now = new Date(Date.now() + 8 * MONTH_MS); // the bot was down for months: the first look does the day's work
    await Promise.all([stack.scheduler.tick(), other.tick()]);
    assert.equal(await stack.rig.candidates.get(TENANT, idle), undefined);
    const audits = (await stack.privacyStore.auditLog(TENANT)).filter((entry) => entry.action === 'retention');
    assert.equal(audits.length, 1, 'one process did it');
  });

  it("purge: the members on LinkedIn's list are deleted and their cards say so; export status shows the check", async () => {
    const purged = await exportPerson(stack, 8);
    const kept = await exportPerson(stack, 9);
    stack.rig.linkedIn.purged.push({ member: 'urn:li:person:member8' }, { member: 'urn:li:person:member99', integrationContext: 'urn:li:organization:1' });

    await stack.scheduler.tick();
    assert.equal(await stack.rig.candidates.get(TENANT, purged), undefined);
    assert.ok(await stack.rig.candidates.get(TENANT, kept));
    const [call] = stack.rig.linkedIn.purgeRequests;
    assert.equal(call.linkedInVersion, '202604');
    assert.equal(call.restliProtocol, '2.0.0');
    assert.equal(call.query.integrationContext, 'urn:li:organization:4242');
    await waitFor('cards replaced', () => (updatesTo(stack.connector).filter((t) => t.includes("Removed at LinkedIn's request")).length >= 2 ? true : undefined), 20000);
    const rows = await everyRow(azurite().connection);
    for (const row of rows) for (const trace of traces(8)) assert.ok(!row.text.includes(trace), `${row.table} still names the purged member (${trace})`);
    const [audit] = await stack.privacyStore.auditLog(TENANT);
    assert.deepEqual({ action: audit.action, by: audit.by, candidates: audit.candidates }, { action: 'purge', by: 'system', candidates: 1 });

    await stack.scheduler.tick();
    assert.equal(stack.rig.linkedIn.purgeRequests.length, 1, 'once a day');

    const bot = await botFor(stack, azurite().connection);
    const [status] = await bot.say(ADMIN, 'export status');
    assert.match(cardText(status.attachments?.[0]?.content), /LinkedIn's purge list last checked/);
    assert.doesNotMatch(cardText(status.attachments?.[0]?.content), /never/);
  });

  it('purge: a check failing for 7 days tells the admins and export status warns; the next success clears it', async () => {
    stack.rig.linkedIn.purgeFailures = 1000;
    const start = Date.now();
    await stack.scheduler.tick();
    assert.equal(stack.rig.linkedIn.purgeRequests.length, 1);
    assert.equal((await stack.privacyStore.purgeState(TENANT)).lastSuccessAt, undefined);
    const adminCards = () => stack.connector.sent.filter((a) => a.conversationId === `a:${TENANT}:${ADMIN.aadObjectId}`);
    stack.clock.now = new Date(start + 8 * 86_400_000);
    await stack.scheduler.tick();
    await waitFor('admin told', () => (adminCards().length >= 1 ? true : undefined), 20000);
    assert.match(cardText((adminCards()[0].activity.attachments as { content: never }[])[0].content), /purge list could not be checked for 8 days/);
    const bot = await botFor(stack, azurite().connection);
    const [status] = await bot.say(ADMIN, 'export status');
    assert.match(cardText(status.attachments?.[0]?.content), /has not been checked successfully for 8 days.*HTTP 500/s);

    stack.rig.linkedIn.purgeFailures = 0;
    stack.clock.now = new Date(start + 8 * 86_400_000 + 11 * 60_000); // after the 10-minute retry pause
    await stack.scheduler.tick();
    assert.ok((await stack.privacyStore.purgeState(TENANT)).lastSuccessAt);
    const [after] = await bot.say(ADMIN, 'export status');
    assert.doesNotMatch(cardText(after.attachments?.[0]?.content), /has not been checked/);
  });

  it('candidate data: the admin gets a one-time link to a JSON file with everything stored about the person', async () => {
    const id = await exportPerson(stack, 10);
    const bot = await botFor(stack, azurite().connection);
    const [reply] = await bot.say(ADMIN, 'candidate data nora10@example.com');
    const card = reply.attachments?.[0]?.content as { actions: { type: string; url?: string }[] };
    assert.match(cardText(card), /Data held about 1 candidate/);
    const url = card.actions.find((action) => action.type === 'Action.OpenUrl')!.url!;
    assert.match(url, /\/api\/privacy\/download\/[A-Za-z0-9_-]{43}$/);

    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="candidate-data-\d{4}-\d{2}-\d{2}\.json"/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const file = (await response.json()) as { candidates: { candidate: Record<string, unknown>; exports: Record<string, unknown>[]; notices: Record<string, unknown>[] }[] };
    assert.equal(file.candidates.length, 1);
    const [entry] = file.candidates;
    assert.equal(entry.candidate.id, id);
    assert.deepEqual(entry.candidate.emails, ['nora10@example.com']);
    assert.equal(entry.candidate.profileUrl, 'https://www.linkedin.com/in/nora-10');
    assert.equal(entry.candidate.memberUrn, 'urn:li:person:member10');
    assert.equal(entry.exports.length, 1);
    assert.equal(entry.exports[0].status, 'done');
    assert.equal(entry.notices.length, 2, 'who was told');

    assert.equal((await fetch(url)).status, 404, 'served once');
    assert.equal((await fetch(url.replace(/[^/]+$/, 'x'.repeat(43)))).status, 404);
    const [audit] = await stack.privacyStore.auditLog(TENANT);
    assert.deepEqual({ action: audit.action, by: audit.by, candidates: audit.candidates }, { action: 'access', by: ADMIN.aadObjectId, candidates: 1 });

    const late = await stack.service.createDownload(TENANT, [id], ADMIN.aadObjectId);
    stack.clock.now = new Date(Date.now() + 2 * 3_600_000);
    assert.equal((await fetch(late.url)).status, 404, 'expired after an hour');

    const [nb] = await bot.say({ ...ADMIN, locale: 'nb-NO' }, 'kandidatdata nora10@example.com');
    assert.match(cardText(nb.attachments?.[0]?.content), /Last ned JSON/);
  });

  it('help privacy / hjelp personvern say what is stored, where, how long, and how to erase or hand over', async () => {
    const bot = await botFor(stack, azurite().connection);
    const [en] = await bot.say(ADMIN, 'help privacy');
    const text = cardText(en.attachments?.[0]?.content);
    for (const expected of ['Azure Storage account', '6 months', 'forget candidate', 'candidate data']) assert.ok(text.includes(expected), `lacks ${expected}`);
    const [nb] = await bot.say({ ...MEGAN, locale: 'nb-NO' }, 'hjelp personvern');
    assert.match(cardText(nb.attachments?.[0]?.content), /Kandidatdata og personvern/);
  });
});
