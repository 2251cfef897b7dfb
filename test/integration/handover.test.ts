/**
 * "Send to hiring manager": the recruiter's candidate card, the hiring manager's card in their 1:1 chat (real outbox,
 * Bot Connector stub), the answer updating both in place, the tenant check, and erasure (Azurite, fake LinkedIn).
 */
import assert from 'node:assert/strict';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { exportRenderers } from '../../src/exports/exportCards';
import { handoverRenderers } from '../../src/exports/handover';
import { silentLogger } from '../../src/logger';
import { DeliveryWorker } from '../../src/notifications/deliveryWorker';
import { OutboxNotifier } from '../../src/notifications/outboxNotifier';
import { TeamsRateLimiter } from '../../src/notifications/rateLimiter';
import { TeamsChatSender } from '../../src/teams/teamsSender';
import { CandidateRemoval, removalRenderers } from '../../src/privacy/candidateRemoval';
import { TableConversationStore } from '../../src/storage/conversationStore';
import { TableHandoverStore } from '../../src/storage/handoverStore';
import { TablePrivacyStore } from '../../src/storage/privacyStore';
import { PrivacyService } from '../../src/privacy/privacyService';
import { TableOutboxStore } from '../../src/storage/tableOutboxStore';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { uniqueTableName, useAzurite } from '../support/azurite';
import { BotHarness, cardText, inputIds } from '../support/botHarness';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { ExportsRig, TENANT, pushBody, waitFor } from '../support/exportsRig';
import { feedStack } from '../support/feedStack';
import { FAST_POLICY, personalReference } from '../support/notifyStack';
import { ALEX, MEGAN } from '../support/samples';
import type { AdaptiveCardJson } from '../../src/shared/types';

const RITA = { aadObjectId: 'aad-rita', name: 'Rita Recruiter', tenantId: TENANT };
const OUTSIDER = { aadObjectId: 'aad-outsider', name: 'Otto Outsider', tenantId: 'tenant-other' };

function exported(n: number, partnerJobId: string) {
  return {
    partnerJobId,
    exportedAt: Date.UTC(2026, 10, 27, 9, 30),
    exporter: { firstName: 'Rita', lastName: 'Recruiter' },
    candidate: { member: `urn:li:person:h${n}`, firstName: 'Nora', lastName: `Handed${n}`, headline: 'Senior backend engineer', profileUrl: `https://www.linkedin.com/in/h-${n}`, emailAddresses: [`h${n}@example.com`] }
  };
}

const cardTextOf = (activity: { activity: Record<string, unknown> }) => cardText((activity.activity.attachments as { content: AdaptiveCardJson }[])[0].content);

describe('Candidate hand-over to a hiring manager (Azurite, real outbox, Bot Connector stub)', function () {
  this.timeout(60000);
  const azurite = useAzurite();
  let connector: ConnectorStub;
  let rig: ExportsRig;
  let delivery: DeliveryWorker;
  let bot: BotHarness;
  let handovers: TableHandoverStore;
  let removal: CandidateRemoval;
  let privacy: PrivacyService;

  beforeEach(async () => {
    connector = await startConnectorStub();
    const tables = ['outbox', 'conversations', 'handovers', 'privacy'].map((name) => tableClient(azurite().connection, uniqueTableName(name)));
    await Promise.all(tables.map(ensureTable));
    const [outboxTable, conversationsTable, handoversTable, privacyTable] = tables;
    const conversations = new TableConversationStore(conversationsTable);
    for (const person of [ALEX, RITA, OUTSIDER]) {
      await conversations.save({ tenantId: person.tenantId, aadObjectId: person.aadObjectId, reference: personalReference(connector.url, person.tenantId, person.aadObjectId), language: 'en', active: true, updatedAt: new Date().toISOString() });
    }
    handovers = new TableHandoverStore(handoversTable);
    const adapter = new TeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
    const candidates = { get: (tenantId: string, id: string) => rig.candidates.get(tenantId, id) };
    const renderers = { ...exportRenderers(candidates), ...handoverRenderers(candidates), ...removalRenderers };
    const outbox = new TableOutboxStore(outboxTable);
    delivery = new DeliveryWorker({ outbox, conversations, chat: new TeamsChatSender(adapter, ''), renderers, limiter: new TeamsRateLimiter(), logger: silentLogger, policy: FAST_POLICY });
    const notifier = new OutboxNotifier(outbox, renderers, delivery);
    rig = await new ExportsRig({ connection: azurite().connection, notifier }).start();
    const privacyStore = new TablePrivacyStore(privacyTable);
    removal = new CandidateRemoval({ candidates: rig.candidates, exportInbox: rig.inbox, handovers, notifier, privacy: privacyStore, logger: silentLogger, now: () => new Date() });
    privacy = new PrivacyService({ candidates: rig.candidates, exportInbox: rig.inbox, outbox, privacy: privacyStore, removal, handovers, now: () => new Date(), publicBaseUrl: () => 'http://127.0.0.1' });
    delivery.start();
    rig.worker.start();
    const feed = (await feedStack(azurite().connection, rig.settings, () => new Date())).feed;
    bot = new BotHarness({ jobs: rig.jobs, feed, conversations, settings: rig.settings, bootstrapAdmins: [], now: () => new Date(), exportInbox: rig.inbox, candidates: rig.candidates, handovers, notifier });
  });

  afterEach(async () => {
    await rig.stop();
    await delivery.stop(1000);
    await connector.stop();
  });

  async function exportTo(n: number): Promise<string> {
    const job = await rig.addJob(ALEX);
    rig.linkedIn.exports.set(`req-h${n}`, exported(n, job.id));
    await rig.push(pushBody(`h${n}`));
    await waitFor('export cards', () => (connector.sent.filter((a) => cardTextOf(a).includes(`Nora Handed${n}`)).length >= 2 ? true : undefined), 20000);
    return `h${n}`;
  }

  it('the job author is the default; the manager gets the candidate with the note, answers, and both cards update in place', async () => {
    const eventId = await exportTo(1);
    const form = await bot.execute(RITA, 'candidate.handoverForm', { eventId });
    assert.ok(inputIds(form).includes('handoverTo') && inputIds(form).includes('handoverNote'));
    assert.match(JSON.stringify(form), /"value":"aad-alex"/, 'the job author is picked by default');
    assert.match(cardText(form), /Alex Wilber/);

    const sent = await bot.execute(RITA, 'candidate.handover', { eventId, handoverTo: ALEX.aadObjectId, handoverNote: 'Look at her *Kafka* work' });
    assert.match(cardText(sent), /Sent to Alex Wilber by Rita Recruiter/);
    const toAlex = await waitFor('the hand-over card', () => connector.sent.find((a) => cardTextOf(a).includes('Rita Recruiter sent you a candidate')), 20000);
    assert.equal(toAlex.conversationId, `a:${TENANT}:${ALEX.aadObjectId}`);
    const handoverText = cardTextOf(toAlex);
    for (const expected of ['Nora Handed1', 'Look at her *Kafka* work', 'Interested', 'Not a fit']) assert.ok(handoverText.includes(expected), `${expected} in:\n${handoverText}`);
    assert.equal(connector.sent.filter((a) => cardTextOf(a).includes('sent you a candidate')).length, 1, 'only the picked person gets the candidate');

    // Only the person it went to may answer; "Not a fit" needs a reason.
    assert.match(cardText(await bot.execute(RITA, 'candidate.handoverAnswer', { eventId, verdict: 'interested' })), /Only the person this candidate was sent to/);
    assert.match(cardText(await bot.execute(ALEX, 'candidate.handoverAnswer', { eventId, verdict: 'not_fit', handoverReason: ' ' })), /Please say why/);
    const answered = await bot.execute(ALEX, 'candidate.handoverAnswer', { eventId, verdict: 'not_fit', handoverReason: 'Needs Go experience' }, { replyToId: 'card-2' });
    assert.match(cardText(answered), /Alex Wilber: not a fit/);
    assert.match(cardText(answered), /Reason: Needs Go experience/);
    assert.doesNotMatch(cardText(answered), /Interested/);

    const ritaCard = await waitFor('Rita\'s card updated', () => connector.updates.find((a) => a.conversationId === `a:${TENANT}:${RITA.aadObjectId}` && cardTextOf(a).includes('not a fit')), 20000);
    assert.match(cardTextOf(ritaCard), /Reason: Needs Go experience/);
    assert.doesNotMatch(cardTextOf(ritaCard), /Send to hiring manager/);
    await waitFor('Alex\'s hand-over card updated', () => connector.updates.find((a) => cardTextOf(a).includes('Rita Recruiter sent you a candidate') && cardTextOf(a).includes('not a fit')), 20000);
    assert.equal((await handovers.get(TENANT, eventId))?.verdict, 'not_fit');
  });

  it('only recruiters and admins hand over; only people of the same tenant with the app can be picked', async () => {
    const eventId = await exportTo(2);
    assert.match(cardText(await bot.execute(MEGAN, 'candidate.handoverForm', { eventId })), /Only admins or recruiters/);
    const outsider = await bot.execute(RITA, 'candidate.handover', { eventId, handoverTo: OUTSIDER.aadObjectId });
    assert.match(cardText(outsider), /has not opened this app/);
    // Megan talked to the bot above; Nina never has.
    const noApp = await bot.execute(RITA, 'candidate.handover', { eventId, handoverTo: 'aad-nina' });
    assert.match(cardText(noApp), /has not opened this app/);
    assert.equal(await handovers.get(TENANT, eventId), undefined, 'nothing stored for a refused hand-over');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(connector.sent.filter((a) => cardTextOf(a).includes('sent you a candidate')).length, 0);
  });

  it('erasure replaces the hand-over card and deletes the hand-over row', async () => {
    const eventId = await exportTo(3);
    await bot.execute(RITA, 'candidate.handover', { eventId, handoverTo: ALEX.aadObjectId, handoverNote: 'Strong profile' });
    await waitFor('the hand-over card', () => connector.sent.find((a) => cardTextOf(a).includes('sent you a candidate')), 20000);
    const candidateId = (await rig.inbox.get(TENANT, eventId))?.card?.candidateId as string;
    // A data subject request shows the hand-over: to whom, by whom, the note, and the notice about it.
    const [subject] = (await privacy.subjectData(TENANT, [candidateId])).candidates;
    assert.deepEqual(subject.handovers.map((h) => [h.eventId, (h.to as { name: string }).name, h.note]), [[eventId, 'Alex Wilber', 'Strong profile']]);
    assert.ok(subject.notices.some((n) => JSON.stringify(n.recipient).includes(ALEX.aadObjectId)));
    const result = await removal.remove(TENANT, [candidateId], { kind: 'erasure' }, 'aad-admin');
    assert.equal(result.candidates, 1);
    assert.equal(await handovers.get(TENANT, eventId), undefined);
    const replaced = await waitFor('hand-over card replaced', () => connector.updates.find((a) => a.conversationId === `a:${TENANT}:${ALEX.aadObjectId}` && /removed|erased|deleted/i.test(cardTextOf(a)) && !cardTextOf(a).includes('Nora')), 20000);
    assert.doesNotMatch(cardTextOf(replaced), /Strong profile/);
  });
});
