/**
 * LinkedIn export throughput, end to end: the real bot process(es) (`dist/src/index.js`) against a fake LinkedIn and a
 * local Bot Connector stub that enforces Teams' bot rate limits, all on 127.0.0.1, with a shared Azurite.
 *
 *   npm run bench:exports -- --events 2000 [--concurrency 32] [--processes 1] [--authors 200] [--live] [--histogram]
 *
 * Each event is one export to one of `authors` jobs (one author each), so each event is one card in that author's
 * chat. Pushes have the documented shape (`{ id, type, expiresAt }`); LinkedIn answers with StubProfiles from the
 * versioned `rest/exportedCandidates`. Prints accepted pushes per second, push-to-card latency, 429s and deliveries; the last line is
 * `exports: delivered D of N, lost L, duplicated U`.
 *
 * The send rate. The export pipeline (about 15 storage operations per export on one Azurite) is slower than Teams'
 * 50 cards per second, so cards sent as exports settle would measure storage, not the sender. The bench therefore
 * holds the tenant's outbox lane itself (as a bot process would) until every export has settled, then lets go: the
 * bots take the lane over and deliver the backlog. `rate: R` is the shortest first-to-last span Teams' limits allow
 * for those cards (each window's limit sent at once: 2,000 cards to 200 chats need 39 s at 50 per second) divided
 * by the span measured at the connector. `--live` sends cards as exports settle instead (no rate figure);
 * `--histogram` prints the delivery phase's cards per second.
 */
import { createJob, newJobId, validateJobInput } from '../src/domain/job';
import { startEmbeddedAzurite } from '../src/storage/azurite';
import { TEAMS_CONVERSATION_WINDOWS, TEAMS_TENANT_WINDOWS, type RateWindow } from '../src/notifications/rateLimiter';
import { laneName } from '../src/notifications/tenantLanes';
import { buildStores, ensureTables, tableClients } from '../src/app';
import { startBot, tempDir, type BotHandle } from '../test/support/botProcess';
import { startConnectorStub, type StubActivity } from '../test/support/connectorStub';
import { CLIENT, ORGANIZATION_ID, PUSH_KEY, TENANT, documentedPushBody, exportsBotEnv, sign } from '../test/support/exportsRig';
import { FakeLinkedIn } from '../test/support/fakeLinkedIn';
import { personalReference } from '../test/support/notifyStack';
import { validForm } from '../test/support/samples';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** The shortest first-to-last span (ms) in which `count` operations fit these sliding windows: each window's limit at once. */
function floorSpanMs(count: number, windows: readonly RateWindow[]): number {
  return Math.max(...windows.map((w) => (Math.ceil(count / w.limit) - 1) * w.ms));
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

function eventOf(activity: StubActivity): string | undefined {
  const card = (activity.activity.attachments as { content?: { actions?: { verb?: string; data?: { eventId?: string } }[] } }[] | undefined)?.[0]?.content;
  return card?.actions?.find((action) => action.verb === 'candidate.review')?.data?.eventId;
}

async function main(): Promise<void> {
  const events = arg('events', 200);
  const concurrency = arg('concurrency', 32);
  const processes = arg('processes', 1);
  const authors = arg('authors', 200);
  const live = process.argv.includes('--live');

  const azurite = await startEmbeddedAzurite({ location: tempDir('bench-azurite-'), inMemory: true });
  const linkedIn = await new FakeLinkedIn({ ...CLIENT, organizationId: ORGANIZATION_ID }).start();
  const connector = await startConnectorStub({ enforceTeamsLimits: true });
  const bots: BotHandle[] = [];
  try {
    const tables = tableClients(azurite.connection);
    await ensureTables(tables, ['jobs', 'tenants', 'conversations', 'leases']);
    const { jobs, conversations, leases } = buildStores(tables);
    if (!live && !(await leases.tryAcquire(laneName(TENANT), 'bench', 3_600_000))) throw new Error('could not hold the outbox lane');
    const input = validateJobInput(validForm());
    if (!input.ok) throw new Error('sample job is invalid');
    const jobIds: string[] = [];
    for (let i = 0; i < authors; i++) {
      const author = { tenantId: TENANT, aadObjectId: `aad-author-${i}`, name: `Author ${i}` };
      // One second apart: job ids carry the second they were made in, plus only 3 random characters.
      const madeAt = new Date(Date.now() - i * 1000);
      jobIds.push((await jobs.create(createJob(input.value, author, madeAt, newJobId(madeAt)))).id);
      await conversations.save({ tenantId: TENANT, aadObjectId: author.aadObjectId, reference: personalReference(connector.url, TENANT, author.aadObjectId), language: 'en', active: true, updatedAt: new Date().toISOString() });
    }
    linkedIn.fallback = (requestId) => {
      const n = Number(requestId.replace(/\D/g, ''));
      return {
        partnerJobId: jobIds[n % jobIds.length],
        exporter: { firstName: 'Rita', lastName: 'Recruiter' },
        candidate: {
          member: `urn:li:person:m${n}`, firstName: 'Bench', lastName: `Candidate ${n}`, headline: 'Engineer', location: 'Oslo, Norway',
          profileUrl: `https://www.linkedin.com/in/bench-${n}`, emailAddresses: [`bench${n}@example.com`], currentEmployerNames: ['Fabrikam']
        }
      };
    };

    const env = exportsBotEnv(azurite.connection.connectionString, linkedIn.url);
    for (let i = 0; i < processes; i++) bots.push(await startBot({ env }));

    const pushedAt = new Map<string, number>();
    const answerMs: number[] = [];
    let next = 0;
    let failedPushes = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < events) {
          const n = next++;
          const id = `bench-${n}`;
          const body = documentedPushBody(id);
          const bot = bots[n % bots.length];
          pushedAt.set(id, Date.now());
          const response = await fetch(`${bot.url}/api/linkedin/push/${PUSH_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': sign(body) }, body });
          await response.arrayBuffer();
          answerMs.push(Date.now() - pushedAt.get(id)!);
          if (response.status !== 200) failedPushes++;
        }
      })
    );
    const pushSeconds = (Date.now() - started) / 1000;

    const settledCount = () => bots.flatMap((bot) => bot.logs).filter((line) => line.includes('"export settled"')).length;
    let releasedAt = started;
    if (!live) {
      for (let last = -1, lastChange = Date.now(); settledCount() < events && Date.now() - lastChange < 60_000; ) {
        if (settledCount() !== last) [last, lastChange] = [settledCount(), Date.now()];
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await leases.release(laneName(TENANT), 'bench');
      releasedAt = Date.now();
    }

    // Wait until every event has a card, or nothing new arrives for a minute.
    let lastCount = -1;
    let lastChange = Date.now();
    for (;;) {
      const delivered = new Set(connector.sent.map(eventOf).filter(Boolean)).size;
      if (delivered >= events) break;
      if (delivered !== lastCount) [lastCount, lastChange] = [delivered, Date.now()];
      if (Date.now() - lastChange > 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000)); // late duplicates would show up here

    const firstCard = new Map<string, number>();
    let cards = 0;
    for (const activity of connector.sent) {
      const id = eventOf(activity);
      if (!id) continue;
      cards++;
      if (!firstCard.has(id)) firstCard.set(id, activity.at);
    }
    const latencies = [...firstCard].map(([id, at]) => at - (pushedAt.get(id) ?? at)).sort((a, b) => a - b);
    const allDone = Math.max(...firstCard.values()) - started;
    const delivered = firstCard.size;
    const rejected429 = connector.requests.filter((r) => r.status === 429).length;

    // The delivery phase: cards sent after the lane was let go, first to last, against the floor Teams' limits allow.
    const phase = connector.sent.filter((activity) => eventOf(activity) && activity.at >= releasedAt);
    const perChat = new Map<string, number>();
    for (const activity of phase) perChat.set(activity.conversationId, (perChat.get(activity.conversationId) ?? 0) + 1);
    const floorMs = Math.max(floorSpanMs(phase.length, TEAMS_TENANT_WINDOWS), ...[...perChat.values()].map((n) => floorSpanMs(n, TEAMS_CONVERSATION_WINDOWS)));
    if (process.argv.includes('--histogram') && phase.length) {
      const t0 = Math.min(...phase.map((a) => a.at));
      const hist: number[] = [];
      for (const a of phase) hist[Math.floor((a.at - t0) / 1000)] = (hist[Math.floor((a.at - t0) / 1000)] ?? 0) + 1;
      console.log(`cards per second: ${Array.from(hist, (n) => n ?? 0).join(' ')}`);
    }
    const phaseMs = phase.length ? Math.max(...phase.map((a) => a.at)) - Math.min(...phase.map((a) => a.at)) : 0;

    // When each process settled its events (fetched from LinkedIn, stored, notices enqueued), from the bots' logs.
    const settledTimes = bots.flatMap((bot) => bot.logs)
      .filter((line) => line.includes('"export settled"'))
      .map((line) => Date.parse((JSON.parse(line.slice(line.indexOf('{'))) as { time: string }).time));
    const settledAfter = settledTimes.length ? (Math.max(...settledTimes) - started) / 1000 : NaN;

    console.log(`events ${events}, push concurrency ${concurrency}, bot processes ${processes}, authors ${authors}`);
    console.log(`accepted pushes: ${events - failedPushes} in ${pushSeconds.toFixed(2)} s = ${((events - failedPushes) / pushSeconds).toFixed(0)}/s (non-200: ${failedPushes})`);
    answerMs.sort((a, b) => a - b);
    console.log(`push answered (stored, then 200): p50 ${percentile(answerMs, 50)} ms, p99 ${percentile(answerMs, 99)} ms`);
    console.log(`push-to-card latency: p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, p99 ${(percentile(latencies, 99) / 1000).toFixed(2)} s, last card after ${(allDone / 1000).toFixed(1)} s`);
    console.log(`exports settled (LinkedIn fetched, candidate stored, notices queued): ${settledTimes.length}, the last after ${settledAfter.toFixed(1)} s`);
    const versioned = linkedIn.calls.filter((call) => call.path === '/rest/exportedCandidates' && call.version).length;
    console.log(`LinkedIn calls: ${linkedIn.candidateRequests.length} exportedCandidates (${versioned} versioned rest/), ${linkedIn.tokenRequests} token`);
    console.log(`429s seen: ${rejected429} from the Bot Connector (${connector.limitViolations} over Teams limits), ${linkedIn.rateLimited} from LinkedIn`);
    console.log(`notifications delivered: ${cards} cards to ${new Set(connector.sent.map((a) => a.conversationId)).size} chats`);
    if (!live) console.log(`delivery phase (lane let go once all exports settled, ${((releasedAt - started) / 1000).toFixed(1)} s after the first push): ${phase.length} cards in ${(phaseMs / 1000).toFixed(2)} s, Teams' floor ${(floorMs / 1000).toFixed(2)} s`);
    console.log(`rate: ${live || !phaseMs ? 'n/a' : (floorMs / phaseMs).toFixed(2)} of Teams' allowed, 429s ${rejected429}`);
    console.log(`exports: delivered ${delivered} of ${events}, lost ${events - delivered}, duplicated ${cards - delivered}`);
  } finally {
    await Promise.all(bots.map((bot) => bot.stop()));
    await connector.stop();
    await linkedIn.stop();
    await azurite.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  }
);
