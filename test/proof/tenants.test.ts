/**
 * Proof suite "tenants": two tenants on one real bot process (`node dist/src/index.js`) and one storage account, each
 * with admins, recruiters, hiring managers, jobs, settings, a feed and LinkedIn exports. Tenant A is the deployment's
 * own (BOT_TENANT_ID, LINKEDIN_TENANT_ID and every LINKEDIN_* / ADMIN_AAD_IDS variable); tenant B configures itself
 * on the settings card. No command, card verb, route, notice or log line of one tenant reads, changes or names the
 * other's data: every answer, every notice and every log line is searched for the other tenant's markers (names,
 * titles, company, ids, tokens, keys, secrets), and the other tenant's rows are compared before and after each attack.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tableClient } from '../../src/storage/tables';
import { aesGcmBox } from '../../src/storage/secretBox';
import { SETTINGS_TABLE, TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { defaultSettings } from '../../src/domain/settings';
import { useAzurite } from '../support/azurite';
import { startBot, type BotHandle } from '../support/botProcess';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { DESCRIPTION, validForm } from '../support/samples';
import {
  actionData,
  cardActionActivity,
  diffSnapshots,
  formValuesOf,
  guid,
  invokeCard,
  messageActivity,
  personalConversationId,
  postActivity,
  request,
  signLinkedIn,
  snapshotStorage,
  until,
  type HttpResult,
  type Person
} from './support';
import { exportsDue, outboxSettled } from './storageChecks';

interface Tenant {
  tag: 'A' | 'B';
  id: string;
  admin: Person;
  recruiter: Person;
  manager: Person;
  companyName: string;
  companyId: string;
  posterEmail: string;
  organizationId: string;
  client: { clientId: string; clientSecret: string };
  jobTitles: string[];
  jobIds: string[];
  candidates: string[];
  feedUrl?: string;
  pushKey?: string;
  /** Strings only this tenant's data contains: a reply, notice or log line of the other tenant must not carry them. */
  markers: string[];
}

const ENCRYPTION_KEY = randomBytes(32).toString('base64');

function tenant(tag: 'A' | 'B', group: number): Tenant {
  const id = guid(0, group);
  const word = tag === 'A' ? 'Alpha' : 'Beta';
  const person = (n: number, role: string): Person => ({ tenantId: id, aadObjectId: guid(n, group), name: `${role} ${word}son` });
  return {
    tag,
    id,
    admin: person(1, 'Admiral'),
    recruiter: person(2, 'Rekrutta'),
    manager: person(3, 'Managa'),
    companyName: `${word}corp Holdings`,
    companyId: tag === 'A' ? '7770001' : '8880002',
    posterEmail: `poster@${word.toLowerCase()}corp.example`,
    organizationId: tag === 'A' ? '7100017' : '8200028',
    client: { clientId: `${word.toLowerCase()}-client`, clientSecret: `${word.toLowerCase()}-client-secret-${randomBytes(8).toString('hex')}` },
    jobTitles: [`${word} Secret Engineer`, `${word} Covert Designer`],
    jobIds: [],
    candidates: [`${word}candidate`],
    markers: []
  };
}

const A = tenant('A', 0xa1fa);
const B = tenant('B', 0xbe7a);
const FEED_TOKEN_A = `alphaFeedToken${randomBytes(10).toString('hex')}`;
const PUSH_KEY_A = `alphaPushKey${randomBytes(10).toString('hex')}`;
const other = (t: Tenant) => (t === A ? B : A);

describe('proof: tenants (two tenants on one bot, nothing crosses)', function () {
  this.timeout(10 * 60_000);
  const azurite = useAzurite();
  let stub: ConnectorStub;
  let linkedIn: FakeLinkedIn;
  let bot: BotHandle;
  let checks = 0;
  const leaks: string[] = [];

  /** One check: `text` (what `who` of `t` got) must not carry the other tenant's markers. */
  const clean = (t: Tenant, what: string, text: string, markers = other(t).markers) => {
    checks++;
    const found = markers.filter((m) => text.includes(m));
    if (found.length) leaks.push(`${what} (tenant ${t.tag}) names tenant ${other(t).tag}'s ${found.slice(0, 3).join(', ')}`);
  };

  const say = async (person: Person, text: string): Promise<string> => {
    const activity = messageActivity(person, stub.url, text);
    const result = await postActivity(bot.endpoint, activity);
    assert.ok(result.status < 500, `${text}: ${result.status} ${result.body}`);
    const replies = stub.sent.filter((a) => a.replyToId === activity.id);
    return JSON.stringify(replies.map((r) => r.activity));
  };
  const press = (person: Person, verb: string, data: unknown): Promise<HttpResult> => postActivity(bot.endpoint, cardActionActivity(person, stub.url, verb, data));

  const rowsOf = async (t: Tenant) => {
    const all = await snapshotStorage(azurite().connection);
    return new Map([...all].filter(([key]) => key.includes(t.id)));
  };

  before(async function () {
    this.timeout(300_000);
    stub = await startConnectorStub();
    linkedIn = await new FakeLinkedIn({ ...A.client, organizationId: A.organizationId, moreClients: [B.client] }).start();
    bot = await startBot({
      env: {
        AZURE_STORAGE_CONNECTION_STRING: azurite().connection.connectionString,
        BOT_TENANT_ID: A.id,
        LINKEDIN_TENANT_ID: A.id,
        ADMIN_AAD_IDS: A.admin.aadObjectId,
        LINKEDIN_COMPANY_NAME: A.companyName,
        LINKEDIN_COMPANY_ID: A.companyId,
        LINKEDIN_POSTER_EMAIL: A.posterEmail,
        LINKEDIN_FEED_TOKEN: FEED_TOKEN_A,
        LINKEDIN_PUSH_KEY: PUSH_KEY_A,
        LINKEDIN_CLIENT_ID: A.client.clientId,
        LINKEDIN_CLIENT_SECRET: A.client.clientSecret,
        LINKEDIN_ORGANIZATION_ID: A.organizationId,
        LINKEDIN_OAUTH_BASE_URL: linkedIn.url,
        LINKEDIN_API_BASE_URL: linkedIn.url,
        PUBLIC_BASE_URL: 'https://jobs-bot.example.test',
        SETTINGS_ENCRYPTION_KEY: ENCRYPTION_KEY,
        EXPORT_RETRY_BASE_MS: '100',
        EXPORT_POLL_MS: '200',
        EXPORT_LEASE_MS: '2000'
      }
    });

    // Tenant B's first admin, as its operator would name them (tenant B has no environment of its own).
    const store = new TableSettingsStore(tableClient(azurite().connection, SETTINGS_TABLE), { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }, aesGcmBox(Buffer.from(ENCRYPTION_KEY, 'base64')));
    const { tenantId: _t, etag: _e, updatedAt: _u, ...stored } = { ...defaultSettings(B.id, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }), admins: [{ aadObjectId: B.admin.aadObjectId, name: B.admin.name }] } as ReturnType<typeof defaultSettings> & { etag?: string; updatedAt?: string };
    await store.save({ tenantId: B.id, settings: stored, changes: [], by: { aadObjectId: 'operator', name: 'Operator' }, at: new Date() });

    for (const t of [A, B]) {
      for (const person of [t.admin, t.recruiter, t.manager]) await say(person, 'help');
      // The admin fills in the settings card: recruiter, identity (B only: A's comes from the environment), RSC.
      const card = invokeCard(await press(t.admin, 'settings.open', {}));
      const save = actionData(card, 'settings.save');
      assert.ok(save, `tenant ${t.tag}'s admin gets the settings card`);
      const identity = t === B ? { companyName: B.companyName, companyId: B.companyId, posterEmail: B.posterEmail, rscClientId: B.client.clientId, rscClientSecret: B.client.clientSecret, rscOrganizationId: B.organizationId, rscStatus: 'enabled' } : {};
      const saved = await press(t.admin, 'settings.save', { ...formValuesOf(card), ...save, ...identity, recruitersAdd: t.recruiter.aadObjectId });
      assert.equal(saved.status, 200);
      assert.match(saved.body, /saved|lagret/i, `tenant ${t.tag}'s settings saved: ${saved.body.slice(0, 300)}`);
      // Jobs: one by the hiring manager, one by the recruiter.
      for (const [i, author] of [t.manager, t.recruiter].entries()) {
        const result = await press(author, 'job.submit', validForm({ title: t.jobTitles[i], company: t.companyName, description: `${DESCRIPTION} ${t.tag === 'A' ? 'Alphadesc' : 'Betadesc'} marker.` }));
        const id = /\b(J[0-9A-Z]{10})\b/.exec(result.body)?.[1];
        assert.ok(id, `tenant ${t.tag} job created: ${result.body.slice(0, 300)}`);
        t.jobIds.push(id);
      }
      await say(t.admin, 'build feed now');
      const status = await say(t.admin, 'feed status');
      t.feedUrl = /\/feeds\/linkedin\/[A-Za-z0-9_-]+\.xml/.exec(status)?.[0];
      // Turning RSC on gives the tenant its own callback URL, shown whole once: in the answer to that save (later
      // settings cards show only its last characters), which is where an admin copies it from.
      // The card's text is Markdown with `_` escaped as `\_` (a JSON "\\_"); Teams shows it unescaped, so read it so.
      const callbackIn = (text: string) => /\/api\/linkedin\/push\/([A-Za-z0-9_-]{16,})/.exec(text.replace(/\\\\([!-/:-@[-`{-~])/g, '$1'))?.[1];
      t.pushKey = callbackIn(saved.body) ?? callbackIn(JSON.stringify(invokeCard(await press(t.admin, 'settings.open', {}))));
    }
    for (const t of [A, B]) {
      t.markers = [t.id, t.admin.aadObjectId, t.recruiter.aadObjectId, t.manager.aadObjectId, t.admin.name, t.recruiter.name, t.manager.name, t.companyName, t.companyId, t.posterEmail, t.organizationId, t.client.clientId, t.client.clientSecret, ...t.jobTitles, ...t.jobIds, ...t.candidates, t.tag === 'A' ? 'Alphadesc' : 'Betadesc'];
    }
    A.markers.push(FEED_TOKEN_A, PUSH_KEY_A);
    if (B.feedUrl && B.feedUrl !== A.feedUrl) B.markers.push(B.feedUrl.replace(/^.*\//, '').replace(/\.xml$/, ''));
    if (B.pushKey && B.pushKey !== PUSH_KEY_A) B.markers.push(B.pushKey);

    // Exports: one per tenant, through its own callback URL, signed with its own secret.
    for (const t of [A, B]) {
      const key = t === A ? PUSH_KEY_A : t.pushKey;
      if (!key || (t === B && key === PUSH_KEY_A)) continue;
      const requestId = `${t.tag}-req-1`;
      linkedIn.exports.set(requestId, {
        integrationContext: `urn:li:organization:${t.organizationId}`,
        partnerJobId: t.jobIds[0],
        exporter: { firstName: t.recruiter.name, lastName: '' },
        candidate: { member: `urn:li:person:${t.tag}1`, firstName: t.candidates[0], lastName: 'Person', headline: 'Engineer', profileUrl: `https://www.linkedin.com/in/${t.tag}1`, emailAddresses: [`${t.tag}1@example.com`] }
      });
      const body = JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId: `${t.tag}-n-1`, requestId, createdAt: Date.now() });
      const result = await request(`${bot.url}/api/linkedin/push/${key}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': signLinkedIn(body, t.client.clientSecret) }, body });
      assert.equal(result.status, 200, `tenant ${t.tag}'s push: ${result.body}`);
    }
    await until('exports and notices settled', async () => (await exportsDue(azurite().connection)).length === 0 && (await outboxSettled(azurite().connection)), 60_000, 250);
  });

  after(async function () {
    this.timeout(60_000);
    await bot?.stop();
    await Promise.all([stub?.stop(), linkedIn?.stop()]);
    console.log(`\ntenants: ${checks} checks, ${leaks.length} leaks\n`);
  });

  it('each tenant has its own feed URL, callback URL and configuration', () => {
    checks += 3;
    const problems: string[] = [];
    if (!A.feedUrl || !B.feedUrl) problems.push(`a feed URL is missing: A ${A.feedUrl}, B ${B.feedUrl}`);
    else if (A.feedUrl === B.feedUrl) problems.push(`tenant B's admin is shown tenant A's feed URL ${B.feedUrl}`);
    if (!B.pushKey) problems.push("tenant B's settings card shows no callback URL of its own (no push key for tenant B)");
    else if (B.pushKey === PUSH_KEY_A) problems.push("tenant B's settings card shows tenant A's callback URL");
    leaks.push(...problems);
    assert.deepEqual(problems, []);
  });

  it('commands: what each person of one tenant is told names nothing of the other', async () => {
    const commands = ['my jobs', 'feed status', 'export status', 'settings', 'settings history', 'help', 'post job to LinkedIn', 'build feed now', 'help linkedin'];
    const before = leaks.length;
    for (const t of [A, B]) {
      for (const person of [t.admin, t.recruiter, t.manager]) {
        for (const command of commands) clean(t, `"${command}" to ${person.name}`, await say(person, command));
      }
    }
    assert.deepEqual(leaks.slice(before, before + 10), []);
  });

  it("card verbs and commands aimed at the other tenant's jobs, exports and settings read nothing and change nothing", async () => {
    const before = leaks.length;
    for (const t of [A, B]) {
      const victim = other(t);
      const rowsBefore = await rowsOf(victim);
      const privateMarkers = victim.markers.filter((m) => !victim.jobIds.includes(m));
      for (const person of [t.admin, t.recruiter, t.manager]) {
        for (const jobId of victim.jobIds) {
          for (const text of [`edit job ${jobId}`, `close job ${jobId}`, `why isn't job ${jobId} on LinkedIn?`]) clean(t, `"${text}" by ${person.name}`, await say(person, text), privateMarkers);
          for (const verb of ['job.show', 'job.edit', 'job.closeAsk', 'job.close', 'job.diagnose', 'feed.status']) {
            clean(t, `${verb} ${jobId} by ${person.name}`, (await press(person, verb, { jobId })).body, privateMarkers);
          }
          clean(t, `job.submit over ${jobId} by ${person.name}`, (await press(person, 'job.submit', { ...validForm({ title: 'Hijack', city: 'Bergen' }), jobId })).body, privateMarkers);
          for (const decision of ['approve', 'reject']) {
            clean(t, `approval.decide ${decision} ${jobId} by ${person.name}`, (await press(person, 'approval.decide', { jobId, decision, reason: 'cross-tenant' })).body, privateMarkers);
          }
        }
        clean(t, `candidate.review of the other's export by ${person.name}`, (await press(person, 'candidate.review', { eventId: `${victim.tag}-n-1`, exportId: `${victim.tag}-n-1` })).body, privateMarkers);
      }
      // The other tenant's settings etag on a save: refused, nothing of theirs read or changed.
      clean(t, `settings.save with the other tenant's etag by ${t.admin.name}`, (await press(t.admin, 'settings.save', { etag: 'W/"x"', companyName: 'Hijacked' })).body, privateMarkers);
      await until('quiet outbox', () => outboxSettled(azurite().connection), 30_000, 250).catch(() => undefined);
      const changes = diffSnapshots(rowsBefore, await rowsOf(victim));
      checks++;
      if (changes.length) leaks.push(`tenant ${t.tag}'s attacks changed ${changes.length} rows of tenant ${victim.tag}: ${changes.slice(0, 3).map((c) => `${c.kind} ${c.key}`).join('; ')}`);
    }
    assert.deepEqual(leaks.slice(before, before + 10), []);
  });

  it("the deployment's admins (ADMIN_AAD_IDS) are admins in their own tenant only", async () => {
    const before = leaks.length;
    const intruder: Person = { ...A.admin, tenantId: B.id };
    const rowsBefore = await rowsOf(B);
    await say(intruder, 'help');
    const settings = await say(intruder, 'settings');
    checks++;
    if (settings.includes('settings.save')) leaks.push("tenant A's environment admin gets tenant B's settings card");
    clean(B, "settings to tenant A's environment admin in tenant B", settings, A.markers.filter((m) => m !== A.admin.aadObjectId && m !== A.admin.name));
    await say(intruder, 'build feed now');
    await press(intruder, 'feed.build', {});
    await press(intruder, 'settings.save', { companyName: 'Hijacked', recruitersAdd: A.admin.aadObjectId });
    const changes = diffSnapshots(rowsBefore, await rowsOf(B)).filter((c) => !(c.key.startsWith('conversations|') && c.key.includes(A.admin.aadObjectId)));
    checks++;
    if (changes.length) leaks.push(`tenant A's environment admin changed tenant B: ${changes.slice(0, 3).map((c) => `${c.kind} ${c.key}`).join('; ')}`);
    assert.deepEqual(leaks.slice(before, before + 10), []);
  });

  it("routes: each feed URL serves its own tenant's jobs only; each callback URL takes only its own tenant's signature", async () => {
    const before = leaks.length;
    for (const t of [A, B]) {
      if (!t.feedUrl) continue;
      const feed = await request(`${bot.url}${t.feedUrl}`);
      checks++;
      if (feed.status !== 200) leaks.push(`tenant ${t.tag}'s feed answers ${feed.status}`);
      clean(t, `tenant ${t.tag}'s feed`, feed.body, other(t).markers);
      for (const title of t.jobTitles) {
        checks++;
        if (feed.status === 200 && !feed.body.includes(title)) leaks.push(`tenant ${t.tag}'s feed misses its own job ${title}`);
      }
    }
    // A push signed with the other tenant's secret is refused at each callback URL.
    for (const [t, key] of [[A, PUSH_KEY_A], [B, B.pushKey]] as const) {
      if (!key || (t === B && key === PUSH_KEY_A)) continue;
      const body = JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId: `cross-${t.tag}`, requestId: `cross-${t.tag}` });
      const result = await request(`${bot.url}/api/linkedin/push/${key}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': signLinkedIn(body, other(t).client.clientSecret) }, body });
      checks++;
      if (result.status !== 401) leaks.push(`tenant ${t.tag}'s callback URL took a push signed with tenant ${other(t).tag}'s secret (${result.status})`);
      const challenge = await request(`${bot.url}/api/linkedin/push/${key}?challengeCode=${'0f0e0d0c-0b0a-4909-8807-060504030201'}`);
      clean(t, `tenant ${t.tag}'s challenge answer`, challenge.body, other(t).markers);
    }
    assert.deepEqual(leaks.slice(before, before + 10), []);
  });

  it("notices: every card sent into one tenant's chats is about that tenant only; each export reached its own people", async () => {
    const before = leaks.length;
    const tenantOf = (conversationId: string) => [A, B].find((t) => conversationId.startsWith(`a:${t.id}:`));
    for (const activity of [...stub.sent, ...stub.updates]) {
      const t = tenantOf(activity.conversationId);
      if (!t) continue;
      // Replies to the attacks echo the id the attacker typed; anything else of the other tenant is a leak.
      const attackerEcho = activity.replyToId !== undefined || activity.activityId === 'card-1';
      // A reply is addressed to whoever asked (its recipient and conversation id carry their own id and name): when a
      // person of the other tenant talks to the bot here (the intruder test), the answer naming them is no leak. A
      // notice the bot sends on its own (no replyToId) into this tenant is still checked for them too.
      const recipient = (activity.activity as { recipient?: { aadObjectId?: string; name?: string } }).recipient;
      const self = (m: string) => attackerEcho && (m === recipient?.aadObjectId || m === recipient?.name);
      const markers = other(t).markers.filter((m) => !self(m) && !(attackerEcho && other(t).jobIds.includes(m)));
      const text = JSON.stringify(activity.activity);
      clean(t, `message to ${activity.conversationId}`, text, markers);
      if (process.env.PROOF_DEBUG && markers.some((m) => text.includes(m))) console.log(`LEAK? ${activity.conversationId} replyTo=${activity.replyToId}: ${text.slice(0, 1500)}`);
    }
    for (const t of [A, B]) {
      const cards = stub.sent.filter((a) => a.replyToId === undefined && JSON.stringify(a.activity).includes(t.candidates[0]));
      const to = new Set(cards.map((c) => c.conversationId));
      checks++;
      if (t === B && !B.pushKey) continue;
      const expected = [personalConversationId(t.manager), personalConversationId(t.recruiter)];
      if (!expected.every((c) => to.has(c)) || to.size !== expected.length) leaks.push(`tenant ${t.tag}'s candidate card went to ${[...to].join(', ') || 'nobody'} (expected its hiring manager and recruiter)`);
    }
    assert.deepEqual(leaks.slice(before, before + 10), []);
  });

  it("log lines: none about one tenant names the other's data", () => {
    const before = leaks.length;
    for (const line of bot.logs) {
      checks++;
      // A refused request logs the id the requester typed (code JOB_NOT_FOUND, detail <id>): an attacker's echo, as in
      // the replies above, not the other tenant's data.
      const echo = (t: Tenant) => (m: string) => line.includes(m) && !(t.jobIds.includes(m) && line.includes('"message":"user error"'));
      const aMarkers = A.markers.filter(echo(A));
      const bMarkers = B.markers.filter(echo(B));
      if (aMarkers.length && bMarkers.length) leaks.push(`log line names both tenants (${aMarkers[0]} / ${bMarkers[0]}): ${line.slice(0, 240)}`);
      for (const secret of [A.client.clientSecret, B.client.clientSecret, FEED_TOKEN_A, PUSH_KEY_A, ...(B.pushKey ? [B.pushKey] : [])]) {
        if (line.includes(secret)) leaks.push(`log line carries a secret: ${line.slice(0, 240)}`);
      }
    }
    assert.deepEqual(leaks.slice(before, before + 10), []);
  });
});
