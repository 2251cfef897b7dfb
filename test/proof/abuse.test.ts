/**
 * Proof suite "abuse": fast-check generates hostile inputs for every door of a real bot process (`node dist/src/index.js`)
 * and checks, over at least 10,000 of them, that none gets a 5xx, that no rejected input leaves a row in any table
 * (every table of the storage account, compared before and after), that no response or reply carries a secret the
 * requester did not send, that no log line carries one, and that the process is still alive at the end.
 *
 * Doors: /api/messages in local mode (no BOT_ID) and with auth on (BOT_ID set: every unauthenticated request 401),
 * every card verb of src/bot/routes.ts, the LinkedIn push route (challenge and push) and the feed route.
 * One bot process per mode; one connector stub (loopback) as serviceUrl so replies do not fail.
 * ABUSE_SEED=<n> replays a run; ABUSE_SCALE=<x> multiplies the input counts.
 */
import { mapParallel } from '../../src/parallel';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { cardRoutes } from '../../src/bot/routes';
import { useAzurite } from '../support/azurite';
import { startBot, type BotHandle } from '../support/botProcess';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { FakeLinkedIn } from '../support/fakeLinkedIn';
import { validForm } from '../support/samples';
import {
  actionData,
  formValuesOf,
  cardActionActivity,
  diffSnapshots,
  guid,
  invokeCard,
  messageActivity,
  postActivity,
  request,
  signLinkedIn,
  snapshotStorage,
  until,
  type HttpResult,
  type Person,
  type RowChange
} from './support';
import { allRows, outboxSettled } from './storageChecks';

const SEED = Number(process.env.ABUSE_SEED ?? Date.now() % 1_000_000);
const SCALE = Number(process.env.ABUSE_SCALE ?? 1);
const n = (count: number) => Math.max(1, Math.round(count * SCALE));
const CONCURRENCY = 8;

const TENANT = guid(1, 0xab05e);
const ADMIN: Person = { tenantId: TENANT, aadObjectId: guid(1), name: 'Ada Admin' };
const RECRUITER: Person = { tenantId: TENANT, aadObjectId: guid(2), name: 'Rita Recruiter' };
const MANAGER: Person = { tenantId: TENANT, aadObjectId: guid(3), name: 'Hank Manager' };
const COLLEAGUE: Person = { tenantId: TENANT, aadObjectId: guid(4), name: 'Holly Manager' };

/** Known secrets: none may come back in a response (unless the request carried it) or appear in a log line. */
const SECRETS = {
  pushKey: `abusePushKey${randomBytes(12).toString('hex')}`,
  feedToken: `abuseFeedToken${randomBytes(12).toString('hex')}`,
  clientSecret: `abuse-client-secret-${randomBytes(12).toString('hex')}`,
  encryptionKey: randomBytes(32).toString('base64'),
  botPassword: `abuse-bot-password-${randomBytes(12).toString('hex')}`
};
const BOT_ID = '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21';

interface Stats {
  inputs: number;
  fiveXX: Array<{ what: string; status: number; body: string }>;
  stored: RowChange[];
  leaks: string[];
  notes: string[];
}
const stats: Stats = { inputs: 0, fiveXX: [], stored: [], leaks: [], notes: [] };

describe('proof: abuse (hostile inputs at every door of a real bot process)', function () {
  this.timeout(20 * 60_000);
  const azurite = useAzurite();
  let stub: ConnectorStub;
  let linkedIn: FakeLinkedIn;
  let local: BotHandle;
  let authed: BotHandle;
  let jobIds: { manager: string; colleague: string; recruiter: string };
  let alive = true;

  const botEnv = (extra: Record<string, string> = {}) => ({
    AZURE_STORAGE_CONNECTION_STRING: azurite().connection.connectionString,
    BOT_TENANT_ID: TENANT,
    LINKEDIN_TENANT_ID: TENANT,
    ADMIN_AAD_IDS: ADMIN.aadObjectId,
    LINKEDIN_COMPANY_NAME: 'Abuse Test Corp',
    LINKEDIN_COMPANY_ID: '1234567',
    LINKEDIN_POSTER_EMAIL: 'jobs@abuse.example',
    LINKEDIN_FEED_TOKEN: SECRETS.feedToken,
    LINKEDIN_PUSH_KEY: SECRETS.pushKey,
    LINKEDIN_CLIENT_ID: 'abuse-client',
    LINKEDIN_CLIENT_SECRET: SECRETS.clientSecret,
    LINKEDIN_ORGANIZATION_ID: '4242',
    LINKEDIN_OAUTH_BASE_URL: linkedIn.url,
    LINKEDIN_API_BASE_URL: linkedIn.url,
    SETTINGS_ENCRYPTION_KEY: SECRETS.encryptionKey,
    EXPORT_RETRY_BASE_MS: '50',
    EXPORT_MAX_ATTEMPTS: '2',
    EXPORT_POLL_MS: '200',
    EXPORT_LEASE_MS: '2000',
    ...extra
  });

  const say = (person: Person, text: string) => postActivity(local.endpoint, messageActivity(person, stub.url, text));
  const press = (person: Person, verb: string, data: unknown) => postActivity(local.endpoint, cardActionActivity(person, stub.url, verb, data));

  before(async function () {
    this.timeout(180_000);
    stub = await startConnectorStub();
    linkedIn = await new FakeLinkedIn({ clientId: 'abuse-client', clientSecret: SECRETS.clientSecret, organizationId: '4242' }).start();
    [local, authed] = await Promise.all([startBot({ env: botEnv() }), startBot({ env: botEnv({ BOT_ID, BOT_PASSWORD: SECRETS.botPassword }) })]);

    // A tenant with people, settings, jobs and a built feed, so the hostile inputs meet real data.
    for (const person of [ADMIN, RECRUITER, MANAGER, COLLEAGUE]) assert.equal((await say(person, 'help')).status, 200);
    const settingsCard = invokeCard(await press(ADMIN, 'settings.open', {}));
    const save = actionData(settingsCard, 'settings.save');
    assert.ok(save, 'the settings card has a Save');
    const saved = await press(ADMIN, 'settings.save', { ...formValuesOf(settingsCard), ...save, recruitersAdd: RECRUITER.aadObjectId });
    assert.equal(saved.status, 200);
    const submit = async (person: Person, title: string) => {
      const result = await press(person, 'job.submit', validForm({ title }));
      const id = /\b(J[0-9A-Z]{10})\b/.exec(result.body)?.[1];
      assert.ok(id, `job created: ${result.body.slice(0, 300)}`);
      return id;
    };
    jobIds = { manager: await submit(MANAGER, 'Abuse Manager Job'), colleague: await submit(COLLEAGUE, 'Abuse Colleague Job'), recruiter: await submit(RECRUITER, 'Abuse Recruiter Job') };
    assert.equal((await say(ADMIN, 'build feed now')).status, 200);
    await until('the feed is served', async () => (await request(`${local.url}/feeds/linkedin/${SECRETS.feedToken}.xml`, { method: 'HEAD' })).status === 200, 60_000, 250);
    // LinkedIn's first download moves the jobs to "posted" (and tells their authors); later downloads are only recorded.
    // Only a download whose User-Agent is LinkedIn's counts (anything else is a preview), so play LinkedIn's crawler.
    const asLinkedIn = { headers: { 'user-agent': 'LinkedInBot/1.0 (compatible; Mozilla/5.0; +http://www.linkedin.com)' } };
    assert.equal((await request(`${local.url}/feeds/linkedin/${SECRETS.feedToken}.xml`, asLinkedIn)).status, 200);
    await until('the jobs are posted', async () => (await allRows(azurite().connection, 'jobs')).every((row) => row.state === 'posted'), 60_000, 250);
    await until('the outbox is settled', () => outboxSettled(azurite().connection), 60_000, 250);
  });

  after(async function () {
    this.timeout(60_000);
    const stored = stats.stored.length;
    const line = `abuse: ${stats.inputs} inputs, ${stats.fiveXX.length} 5xx, ${stored} stored, ${alive ? 'process alive' : 'process DIED'}`;
    const extras = [stats.leaks.length ? `${stats.leaks.length} secret leaks` : '', ...stats.notes].filter(Boolean);
    await Promise.all([local?.stop(), authed?.stop()]);
    await Promise.all([stub?.stop(), linkedIn?.stop()]);
    console.log(`\n${line}${extras.length ? ` (${extras.join('; ')})` : ''} [seed ${SEED}]`);
  });

  // ---- the checks every phase shares ----

  /** Runs one phase: storage before, the inputs, storage after; rows may change only where `allowed` says so. */
  async function phase<T>(
    name: string,
    inputs: T[],
    send: (input: T) => Promise<{ result: HttpResult; sent: string; what: string; accepted?: boolean }>,
    allowed: (change: RowChange, acceptedCount: number) => boolean = () => false
  ): Promise<void> {
    const before = await snapshotStorage(azurite().connection);
    let accepted = 0;
    const fiveXX: Stats['fiveXX'] = [];
    const leaks: string[] = [];
    await mapParallel(inputs, CONCURRENCY, async (input) => {
      const { result, sent, what, accepted: wasAccepted } = await send(input);
      stats.inputs++;
      if (wasAccepted) accepted++;
      if (result.status >= 500 || result.status === 0) fiveXX.push({ what, status: result.status, body: (result.body || result.error || '').slice(0, 300) });
      const answer = result.body + JSON.stringify(result.headers);
      for (const [name, secret] of Object.entries(SECRETS)) {
        if (answer.includes(secret) && !sent.includes(secret)) leaks.push(`${what}: the response carries ${name}`);
      }
    });
    // Background work started by accepted inputs settles before the second look.
    await until('the outbox is settled', () => outboxSettled(azurite().connection), 30_000, 250).catch(() => undefined);
    const after = await snapshotStorage(azurite().connection);
    const stored = diffSnapshots(before, after).filter((change) => !allowed(change, accepted));
    stats.fiveXX.push(...fiveXX);
    stats.stored.push(...stored);
    stats.leaks.push(...leaks);
    const botsAlive = local.process.isRunning() && authed.process.isRunning();
    alive &&= botsAlive;
    const problems = [
      ...fiveXX.slice(0, 5).map((f) => `${f.status} for ${f.what}: ${f.body}`),
      ...stored.slice(0, 5).map((c) => `row ${c.kind}: ${c.key} ${c.after?.slice(0, 200) ?? ''}`),
      ...leaks.slice(0, 5)
    ];
    console.log(`      ${name}: ${inputs.length} inputs, ${fiveXX.length} 5xx, ${stored.length} rows stored, ${leaks.length} leaks`);
    if (stored.length) {
      const kinds = new Map<string, number>();
      for (const change of stored) {
        const kind = `${change.kind} ${change.key.split('|')[0]}|${change.key.split('|')[2]?.split(':')[0] ?? ''}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      console.log(`        stored: ${[...kinds].map(([kind, count]) => `${count} x ${kind}`).join(', ')}`);
    }
    assert.ok(botsAlive, `${name}: a bot process died:\n${local.output().slice(-2000)}`);
    assert.deepEqual(problems, [], `${name}: ${fiveXX.length} 5xx, ${stored.length} rows, ${leaks.length} leaks`);
  }

  const gen = <T>(arbitrary: fc.Arbitrary<T>, count: number, salt: number) => fc.sample(arbitrary, { numRuns: n(count), seed: SEED + salt });

  // ---- /api/messages, local mode ----

  it('local /api/messages: malformed activities and bodies (the activity shape is checked at the edge)', async () => {
    const inputs = gen(malformedRequest(), 1700, 1);
    await phase('malformed activities', inputs, async (input) => {
      const body = input.raw ?? Buffer.from(JSON.stringify(input.activity));
      const result = await request(local.endpoint, { method: 'POST', headers: input.headers, body });
      return { result, sent: body.toString('latin1') + JSON.stringify(input.headers), what: input.what };
    });
  });

  it('local /api/messages: any text from a hiring manager, as a message', async () => {
    const inputs = gen(hostileText(() => jobIds), 900, 2);
    await phase('hostile messages', inputs, async (text) => {
      const result = await say(MANAGER, text);
      return { result, sent: text, what: `message ${JSON.stringify(text.slice(0, 80))}` };
    });
  });

  it('every card verb with hostile data, from callers who may not do what they ask', async () => {
    // Every verb at least once, whatever the sample drew.
    const inputs = [...cardRoutes.map((route) => ({ caller: MANAGER, verb: route.verb, data: {} })), ...gen(hostileCardAction(() => jobIds), 3000, 3)];
    const verbs = new Set(inputs.map((i) => i.verb));
    for (const route of cardRoutes) assert.ok(verbs.has(route.verb), `verb ${route.verb} covered`);
    await phase('card verbs', inputs, async ({ caller, verb, data }) => {
      const result = await press(caller, verb, data);
      // Admins are shown the feed URL and the LinkedIn callback URL (with their secret parts) by design.
      const shownToAdmins = caller === ADMIN ? SECRETS.feedToken + SECRETS.pushKey : '';
      return { result, sent: JSON.stringify(data) + shownToAdmins, what: `${verb} by ${caller.name} ${JSON.stringify(data).slice(0, 160)}` };
    });
  });

  it('replies the bot sent through the connector carry no secret (the feed URL only to admins)', () => {
    const leaks: string[] = [];
    for (const activity of [...stub.sent, ...stub.updates]) {
      const text = JSON.stringify(activity.activity);
      for (const [name, secret] of Object.entries(SECRETS)) {
        const adminSees = name === 'feedToken' && activity.conversationId.endsWith(ADMIN.aadObjectId);
        if (text.includes(secret) && !adminSees) leaks.push(`${name} in a message to ${activity.conversationId}`);
      }
    }
    stats.leaks.push(...leaks);
    assert.deepEqual(leaks.slice(0, 5), []);
  });

  // ---- /api/messages, auth on ----

  it('auth on (BOT_ID set): every unauthenticated or forged request is refused, before any handler', async () => {
    const inputs = gen(unauthenticatedRequest(), 2000, 4);
    const wrong: string[] = [];
    await phase('auth on', inputs, async (input) => {
      const body = input.raw ?? Buffer.from(JSON.stringify(input.activity));
      const result = await request(authed.endpoint, { method: 'POST', headers: input.headers, body });
      if (input.wellFormed ? result.status !== 401 : result.status < 400) wrong.push(`${result.status} for ${input.what}`);
      return { result, sent: body.toString('latin1') + JSON.stringify(input.headers), what: input.what };
    });
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} requests were not refused with 401`);
  });

  // ---- LinkedIn push route ----

  it('push route: challenges and pushes without the right signature are refused; a challenge signs only LinkedIn-shaped codes', async () => {
    const inputs = gen(hostilePush(), 1500, 5);
    const oracle: string[] = [];
    await phase('push route', inputs, async (input) => {
      const url = `${local.url}/api/linkedin/push/${input.key}${input.query ?? ''}`;
      const result = await request(url, { method: input.method, headers: input.headers, body: input.method === 'GET' || input.method === 'HEAD' ? undefined : input.body });
      if (input.method === 'POST' && result.status >= 200 && result.status < 300) oracle.push(`accepted an unsigned push: ${input.what}`);
      if (input.method === 'GET' && result.status === 200) {
        const code = new URL(url).searchParams.get('challengeCode') ?? '';
        if (!/^[A-Za-z0-9-]{1,64}$/.test(code)) oracle.push(`signed challenge code ${JSON.stringify(code.slice(0, 80))} (a signing oracle)`);
      }
      return { result, sent: url + JSON.stringify(input.headers) + (input.body?.toString('latin1') ?? ''), what: input.what };
    });
    assert.deepEqual(oracle.slice(0, 5), [], `${oracle.length} answers a forger could use`);
  });

  it('push route: correctly signed bodies that are not an export push store nothing unless acknowledged', async () => {
    const inputs = gen(signedJunk(), 600, 6);
    let acknowledged = 0;
    await phase(
      'signed junk pushes',
      inputs,
      async (body) => {
        const result = await request(`${local.url}/api/linkedin/push/${SECRETS.pushKey}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-li-signature': signLinkedIn(body, SECRETS.clientSecret) },
          body
        });
        const accepted = result.status >= 200 && result.status < 300;
        if (accepted) acknowledged++;
        return { result, sent: SECRETS.pushKey + body.toString('latin1'), what: `signed push ${JSON.stringify(body.toString('utf8').slice(0, 120))}`, accepted };
      },
      // LinkedIn asks for a 2xx to any correctly signed push; one it acknowledges may be recorded in the inbox, nowhere else.
      (change, accepted) => accepted > 0 && change.key.startsWith('exports|')
    );
    if (acknowledged) stats.notes.push(`${acknowledged} signed unknown pushes acknowledged and recorded`);
  });

  // ---- feed route ----

  it('feed route: wrong tokens, odd paths and odd headers; only the right token serves the feed', async () => {
    const inputs = gen(hostileFeedRequest(), 1000, 7);
    let downloads = 0;
    await phase(
      'feed route',
      inputs,
      async (input) => {
        const url = `${local.url}${input.path}`;
        const result = await request(url, { method: input.method, headers: input.headers });
        const rightToken = input.path === `/feeds/linkedin/${SECRETS.feedToken}.xml`;
        if (result.status === 200 && !rightToken) throw new Error(`served a feed at ${input.path}`);
        if (result.status === 200 && input.method === 'GET') downloads++;
        return { result, sent: url + JSON.stringify(input.headers), what: `${input.method} ${input.path.slice(0, 120)} ${JSON.stringify(input.headers).slice(0, 120)}`, accepted: result.status === 200 };
      },
      // A complete download by LinkedIn is recorded (feedevents): one row per download, nothing else.
      (change) => change.kind === 'added' && change.key.startsWith('feedevents|')
    );
    if (downloads) stats.notes.push(`${downloads} feed downloads recorded`);
  });

  it('no log line of either bot process carries a secret', () => {
    const leaks: string[] = [];
    for (const bot of [local, authed]) {
      for (const line of bot.logs) {
        for (const [name, secret] of Object.entries(SECRETS)) if (line.includes(secret)) leaks.push(`${name} in log line: ${line.slice(0, 200)}`);
      }
    }
    stats.leaks.push(...leaks);
    assert.deepEqual(leaks.slice(0, 5), [], `${leaks.length} log lines with a secret`);
  });

  it('both processes are alive and ready at the end', async () => {
    for (const bot of [local, authed]) {
      alive &&= bot.process.isRunning();
      assert.ok(bot.process.isRunning());
      assert.equal((await request(`${bot.url}/healthz`)).status, 200);
    }
  });

  // ---- generators ----

  interface RawInput {
    what: string;
    headers: Record<string, string>;
    activity?: unknown;
    raw?: Buffer;
    wellFormed?: boolean;
  }

  function baseActivity(person: Person, kind: 'message' | 'invoke'): Record<string, unknown> {
    return kind === 'message' ? messageActivity(person, stub.url, 'help') : cardActionActivity(person, stub.url, 'help', {});
  }

  function malformedRequest(): fc.Arbitrary<RawInput> {
    const json = { 'content-type': 'application/json' };
    const odd = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }));
    const notObject = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.jsonValue(), { maxLength: 3 }));
    const notArray = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }));
    type Mutation = [string, (a: Record<string, unknown>) => void];
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.constant<Mutation>(['no conversation', (a) => delete a.conversation]),
      notObject.map<Mutation>((v) => ['conversation not an object', (a) => (a.conversation = v)]),
      notArray.map<Mutation>((v) => ['entities not an array', (a) => (a.entities = v)]),
      fc.oneof(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }), fc.array(fc.string(), { maxLength: 2 }), fc.integer()).map<Mutation>((v) => ['locale not a string', (a) => (a.locale = v)]),
      fc.oneof(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }), fc.array(fc.string(), { maxLength: 2 }), fc.integer()).map<Mutation>((v) => [
        'tenantId not a string',
        (a) => asObject(a.conversation) && ((a.conversation as Record<string, unknown>).tenantId = v)
      ]),
      odd.map<Mutation>((v) => ['channelData.tenant.id odd', (a) => (a.channelData = { tenant: { id: v } })]),
      fc.constant<Mutation>(['no serviceUrl', (a) => delete a.serviceUrl]),
      fc.oneof(fc.integer(), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }), fc.array(fc.string(), { maxLength: 2 })).map<Mutation>((v) => ['serviceUrl not a string', (a) => (a.serviceUrl = v)]),
      fc.constant<Mutation>(['invoke without replyToId', (a) => { a.type = 'invoke'; a.name = 'adaptiveCard/action'; a.value = { action: { type: 'Action.Execute', verb: 'help', data: {} } }; delete a.replyToId; }]),
      fc.constant<Mutation>(['no type', (a) => delete a.type]),
      fc.oneof(fc.integer(), fc.constant(''), fc.constant(null), fc.dictionary(fc.string(), fc.string(), { maxKeys: 1 })).map<Mutation>((v) => ['type odd', (a) => (a.type = v)]),
      notObject.map<Mutation>((v) => ['from not an object', (a) => (a.from = v)]),
      odd.map<Mutation>((v) => ['from.aadObjectId odd', (a) => asObject(a.from) && ((a.from as Record<string, unknown>).aadObjectId = typeof v === 'string' ? { v } : v)]),
      fc.oneof(fc.integer(), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }), fc.array(fc.string(), { maxLength: 2 })).map<Mutation>((v) => ['text not a string', (a) => (a.text = v)]),
      notObject.map<Mutation>((v) => ['value not an object', (a) => (a.value = v)]),
      odd.map<Mutation>((v) => ['action.data odd', (a) => (a.value = { action: { type: 'Action.Execute', verb: 'job.show', data: v } })]),
      notArray.map<Mutation>((v) => ['attachments not an array', (a) => (a.attachments = v)]),
      fc.constant<Mutation>(['no recipient', (a) => delete a.recipient]),
      fc.constant<Mutation>(['prototype keys', (a) => Object.assign(a, JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}') as object)])
    );
    const mutated = fc
      .record({ kind: fc.constantFrom<'message' | 'invoke'>('message', 'invoke'), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) })
      .map(({ kind, mutations }): RawInput => {
        const activity = baseActivity(MANAGER, kind);
        for (const [, apply] of mutations) apply(activity);
        return { what: `${kind}: ${mutations.map(([name]) => name).join(', ')}`, headers: json, activity };
      });
    const rawBodies = fc.oneof(
      { weight: 30, arbitrary: fc.uint8Array({ maxLength: 400 }).map((bytes): RawInput => ({ what: 'random bytes', headers: json, raw: Buffer.from(bytes) })) },
      { weight: 30, arbitrary: fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('type' in v)).map((v): RawInput => ({ what: `JSON ${JSON.stringify(v).slice(0, 60)}`, headers: json, raw: Buffer.from(JSON.stringify(v) ?? 'null') })) },
      { weight: 20, arbitrary: fc.string({ maxLength: 200 }).map((s): RawInput => ({ what: 'truncated JSON', headers: json, raw: Buffer.from(`{"type":"message","text":${JSON.stringify(s)}`) })) },
      { weight: 15, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '').map((type): RawInput => ({
        what: `content-type ${type || 'none'}`, headers: type ? { 'content-type': type } : {}, raw: Buffer.from(JSON.stringify(baseActivity(MANAGER, 'message')))
      })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((mb): RawInput => ({ what: `${mb} MB body`, headers: json, raw: Buffer.from(JSON.stringify({ ...baseActivity(MANAGER, 'message'), text: 'x'.repeat(mb * 1024 * 1024) })) })) },
      { weight: 3, arbitrary: fc.integer({ min: 1000, max: 20000 }).map((depth): RawInput => ({ what: `nested ${depth} deep`, headers: json, raw: Buffer.from(`{"type":"message","value":${'['.repeat(depth)}${']'.repeat(depth)}}`) })) }
    );
    // A few gzip bombs: the limit applies to what the body inflates to (or Content-Encoding is refused).
    const bomb = fc.constantFrom(5, 20).map((mb): RawInput => ({
      what: `gzip bomb inflating to ${mb} MB`,
      headers: { ...json, 'content-encoding': 'gzip' },
      raw: gzipSync(Buffer.from(JSON.stringify({ ...baseActivity(MANAGER, 'message'), text: 'a'.repeat(mb * 1024 * 1024) })))
    }));
    return fc.oneof({ arbitrary: mutated, weight: 280 }, { arbitrary: rawBodies, weight: 100 }, { arbitrary: bomb, weight: 1 });
  }

  function unauthenticatedRequest(): fc.Arbitrary<RawInput> {
    const activity = fc.constantFrom<[Person, 'message' | 'invoke']>([ADMIN, 'message'], [ADMIN, 'invoke'], [MANAGER, 'message'], [RECRUITER, 'invoke']).map(([person, kind]) => {
      const a = baseActivity(person, kind);
      if (kind === 'message') a.text = 'build feed now';
      else a.value = { action: { type: 'Action.Execute', verb: 'settings.save', data: { companyName: 'Forged', recruitersAdd: MANAGER.aadObjectId } } };
      return a;
    });
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    // Issuers a forger might try; never one botbuilder trusts (those would make it fetch Microsoft's keys).
    const issuer = fc.oneof(fc.constantFrom('https://evil.example/', 'https://api.botframework.com.evil.example', 'https://sts.windows.net.evil.example/x/', ''), fc.webUrl());
    const jwt = fc
      .record({ alg: fc.constantFrom('none', 'HS256', 'RS256', 'ES256'), kid: fc.string({ maxLength: 20 }), iss: issuer, exp: fc.integer({ min: 0, max: 4_000_000_000 }), sig: fc.constantFrom('password', 'random', 'empty') })
      .map(({ alg, kid, iss, exp, sig }) => {
        const unsigned = `${b64({ alg, typ: 'JWT', kid })}.${b64({ iss, aud: BOT_ID, appid: BOT_ID, serviceurl: stub.url, exp, nbf: 0 })}`;
        const signature = sig === 'password' ? createHmac('sha256', SECRETS.botPassword).update(unsigned).digest('base64url') : sig === 'random' ? randomBytes(64).toString('base64url') : '';
        return { value: `Bearer ${unsigned}.${signature}`, what: `forged JWT alg ${alg} iss ${iss.slice(0, 40)} signed ${sig}` };
      });
    const authorization = fc.oneof(
      fc.constant({ value: undefined as string | undefined, what: 'no Authorization' }),
      fc.string({ maxLength: 200 }).filter((s) => /^[\x20-\x7e]*$/.test(s)).map((s) => ({ value: s, what: 'garbage Authorization' })),
      fc.string({ maxLength: 300 }).filter((s) => /^[\x21-\x7e]*$/.test(s)).map((s) => ({ value: `Bearer ${s}`, what: 'Bearer garbage' })),
      fc.constant({ value: `Basic ${Buffer.from(`${BOT_ID}:${SECRETS.botPassword}`).toString('base64')}`, what: 'Basic with the app password' }),
      fc.constant({ value: `Bearer ${SECRETS.botPassword}`, what: 'Bearer the app password' }),
      jwt
    );
    const wellFormed = fc.record({ activity, auth: authorization }).map(({ activity, auth }): RawInput => ({
      what: auth.what,
      headers: { 'content-type': 'application/json', ...(auth.value === undefined ? {} : { authorization: auth.value }) },
      activity,
      wellFormed: true
    }));
    return fc.oneof({ arbitrary: wellFormed, weight: 9 }, { arbitrary: malformedRequest(), weight: 2 });
  }

  interface PushInput {
    what: string;
    method: string;
    key: string;
    query?: string;
    headers: Record<string, string>;
    body?: Buffer;
  }

  function hostilePush(): fc.Arbitrary<PushInput> {
    const key = fc.oneof(
      { arbitrary: fc.constant(SECRETS.pushKey), weight: 6 },
      fc.constantFrom(SECRETS.pushKey.toUpperCase(), SECRETS.pushKey.slice(0, -1), `${SECRETS.pushKey}x`, encodeURIComponent(SECRETS.pushKey) + '%00', '..%2F..%2Fhealthz', '%2e%2e'),
      fc.string({ minLength: 1, maxLength: 140 }).map(encodeURIComponent)
    );
    const challenge = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 50 }),
      fc.uuid(),
      fc.jsonValue().map((v) => `hmacsha256=${JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId: 'forged', requestId: (JSON.stringify(v) ?? 'null').slice(0, 40) })}`),
      fc.constant('hmacsha256={"type":"EXPORT_CANDIDATE_PROFILE","notificationId":"n1","requestId":"r1"}')
    );
    const get = fc.record({ key, code: challenge, twice: fc.boolean() }).map(({ key, code, twice }): PushInput => ({
      what: `challenge ${JSON.stringify(code.slice(0, 60))}`,
      method: 'GET',
      key,
      query: `?challengeCode=${encodeURIComponent(code)}${twice ? `&challengeCode=${encodeURIComponent(code)}x` : ''}`,
      headers: {}
    }));
    const body = fc.oneof(
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
      fc.record({ type: fc.constantFrom('EXPORT_CANDIDATE_PROFILE', 'INTEGRATION_STATUS_CHANGE', 'X'), notificationId: fc.string(), requestId: fc.string(), id: fc.string() }).map((v) => Buffer.from(JSON.stringify(v))),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))
    );
    const signature = fc.oneof(
      fc.constant(undefined as string | undefined),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
      fc.constant('sha256=' + '0'.repeat(64)),
      fc.string({ maxLength: 100 }).filter((s) => /^[\x20-\x7e]*$/.test(s))
    );
    const post = fc.record({ key, body, signature, wrongSecret: fc.boolean(), encoding: fc.constantFrom(undefined, 'gzip', 'deflate', 'br') }).map(({ key, body, signature, wrongSecret, encoding }): PushInput => {
      // Either no/garbage signature, or a real HMAC with another secret: never the right one.
      const sig = wrongSecret ? signLinkedIn(body, `not-${SECRETS.clientSecret}`) : signature;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (sig !== undefined) headers['x-li-signature'] = sig;
      if (encoding) headers['content-encoding'] = encoding;
      return { what: `push ${body.toString('utf8').slice(0, 60)} sig ${wrongSecret ? 'other secret' : String(sig).slice(0, 20)}${encoding ? ` ${encoding}` : ''}`, method: 'POST', key, headers, body: encoding === 'gzip' ? gzipSync(body) : body };
    });
    const other = fc.record({ method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'), key }).map(({ method, key }): PushInput => ({ what: `${method} push route`, method, key, headers: {} }));
    const big = fc.constantFrom(1, 4).map((mb): PushInput => ({ what: `${mb} MB push`, method: 'POST', key: SECRETS.pushKey, headers: { 'content-type': 'application/json', 'x-li-signature': '0'.repeat(64) }, body: Buffer.alloc(mb * 1024 * 1024, 0x61) }));
    const bomb = fc.constant<PushInput>({
      what: 'gzip bomb push (20 MB inflated)',
      method: 'POST',
      key: SECRETS.pushKey,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-li-signature': '0'.repeat(64) },
      body: gzipSync(Buffer.from(`{"type":"EXPORT_CANDIDATE_PROFILE","pad":"${'a'.repeat(20 * 1024 * 1024)}"}`))
    });
    return fc.oneof({ arbitrary: get, weight: 160 }, { arbitrary: post, weight: 200 }, { arbitrary: other, weight: 20 }, { arbitrary: big, weight: 4 }, { arbitrary: bomb, weight: 1 });
  }

  /** Bodies no reading of LinkedIn's push could take for an export: not JSON, not an object, or an id of the wrong kind. */
  function signedJunk(): fc.Arbitrary<Buffer> {
    const wrongId = fc.oneof(fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }), fc.array(fc.string(), { maxLength: 2 }), fc.boolean(), fc.constant(null), fc.constant(''), fc.constant('x'.repeat(5000)));
    return fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)).filter((b) => { try { JSON.parse(b.toString('utf8')); return false; } catch { return true; } }),
      fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 })).map((v) => Buffer.from(JSON.stringify(v))),
      fc.record({ id: wrongId, requestId: wrongId, notificationId: wrongId }).map((ids) => Buffer.from(JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', ...ids })))
    );
  }

  interface FeedInput {
    method: string;
    path: string;
    headers: Record<string, string>;
  }

  function hostileFeedRequest(): fc.Arbitrary<FeedInput> {
    const token = SECRETS.feedToken;
    const path = fc.oneof(
      { arbitrary: fc.constant(`/feeds/linkedin/${token}.xml`), weight: 2 },
      fc.constantFrom(
        `/feeds/linkedin/${token.toUpperCase()}.xml`, `/feeds/linkedin/${token.slice(0, -1)}.xml`, `/feeds/linkedin/${token}`, `/feeds/linkedin/${token}.xml.gz`,
        `/feeds/linkedin/${token}.XML`, `/feeds/linkedin/${token}.xml/`, `/feeds/linkedin/..%2F${token}.xml`, `/feeds/linkedin/%2e%2e%2fhealthz`, '/feeds/linkedin/.xml', '/feeds/linkedin/', '/feeds/'
      ),
      fc.string({ minLength: 1, maxLength: 200 }).map((s) => `/feeds/linkedin/${encodeURIComponent(s)}.xml`),
      fc.stringMatching(/^[A-Za-z0-9_-]{24,128}$/).map((s) => `/feeds/linkedin/${s}.xml`),
      fc.webPath().map((p) => `/feeds/linkedin${p}`)
    );
    const header = fc.oneof(
      fc.record({ 'if-none-match': fc.string({ maxLength: 100 }).filter((s) => /^[\x20-\x7e]*$/.test(s)) }),
      fc.record({ 'if-modified-since': fc.oneof(fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString())) }),
      fc.record({ 'accept-encoding': fc.constantFrom('gzip', 'br', 'deflate', '*', 'identity;q=0', 'gzip;q=0, *;q=0', 'x'.repeat(2000)) }),
      fc.record({ range: fc.constantFrom('bytes=0-10', 'bytes=-1', 'bytes=999999999-', 'bytes=a-b') }),
      fc.record({ 'user-agent': fc.string({ maxLength: 300 }).filter((s) => /^[\x20-\x7e]*$/.test(s)) }),
      fc.constant({})
    );
    return fc.record({ method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'DELETE'), path, headers: header });
  }
});

const asObject = (value: unknown) => Boolean(value) && typeof value === 'object' && !Array.isArray(value);

// ---- generators that need the seeded jobs ----

function hostileText(jobIds: () => { manager: string; colleague: string; recruiter: string }): fc.Arbitrary<string> {
  const ids = fc.oneof(
    fc.constantFrom('colleague', 'recruiter').map((k) => jobIds()[k]),
    fc.string({ maxLength: 40 }),
    fc.constantFrom("' or 1 eq 1 or PartitionKey eq '", 'J0000000000', '%2F..', '../../etc/passwd', '${jndi:ldap://x}', '{{$root}}', '<script>alert(1)</script>')
  );
  return fc.oneof(
    fc.string({ maxLength: 500 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    ids.map((id) => `edit job ${id}`),
    ids.map((id) => `close job ${id}`),
    ids.map((id) => `why isn't job ${id} on LinkedIn?`),
    fc.constantFrom('build feed now', 'settings', 'settings history', 'export status', 'feed status', 'my jobs', 'post job to LinkedIn', 'help linkedin', '[Approve here](https://evil.example/login)'),
    fc.integer({ min: 5_000, max: 30_000 }).map((len) => 'why '.repeat(len / 4))
  );
}

interface CardInput {
  caller: Person;
  verb: string;
  data: unknown;
}

/**
 * Every verb, with data a caller may not use: other people's job ids (a hiring manager's colleague), made-up ids,
 * values of the wrong type, forms with at least one invalid field, and saves by people who are not admins.
 * Nothing here may change a row: an accepted hostile card action would be a hole.
 */
function hostileCardAction(jobIds: () => { manager: string; colleague: string; recruiter: string }): fc.Arbitrary<CardInput> {
  const odd = fc.oneof(fc.string({ maxLength: 60 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }));
  const foreignJobId = fc.oneof(
    fc.constantFrom('colleague', 'recruiter').map((k) => jobIds()[k] as unknown),
    fc.constantFrom("' or PartitionKey ne '", 'J0000000000', 'J' + 'Z'.repeat(10), '', ' ', '../', '%00') as fc.Arbitrary<unknown>,
    odd as fc.Arbitrary<unknown>
  );
  const junk = fc.dictionary(fc.string({ maxLength: 12 }), odd, { maxKeys: 4 });
  const withJunk = (data: fc.Arbitrary<Record<string, unknown>>) => fc.tuple(data, junk).map(([d, j]) => ({ ...j, ...d }));
  const breakers: Array<[string, unknown]> = [
    ['title', ''], ['title', 'x'.repeat(201)], ['title', 42], ['description', 'too short'], ['description', { html: '<b>x</b>' }],
    ['applyUrl', 'http://careers.example.com/1'], ['applyUrl', 'javascript:alert(1)'], ['applyUrl', ''], ['country', 'NOR'], ['country', ''],
    ['city', ''], ['workplaceType', 'Moon'], ['employmentType', 'SLAVERY'], ['expirationDate', '2001-01-01'], ['salaryCurrency', 'EURO'], ['jobFunctions', 'eng,it,fin,mrkt']
  ];
  const invalidForm = fc.tuple(fc.subarray(breakers, { minLength: 1, maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 10 }), odd, { maxKeys: 3 })).map(([broken, extra]) => {
    const form: Record<string, unknown> = { ...extra, ...validForm({ title: 'Hostile submit' }) };
    for (const [field, value] of broken) form[field] = value;
    return form;
  });
  const managerCalls = fc.oneof(
    // Reads, with junk: nothing may be written.
    fc.record({ verb: fc.constantFrom('job.new', 'job.list', 'feed.status', 'help', 'faq.list', 'faq.show', 'settings.open', 'settings.history', 'job.show', 'job.diagnose', 'job.edit', 'job.closeAsk'), data: withJunk(fc.record({ jobId: foreignJobId, topic: odd, page: odd, id: odd })) }),
    fc.record({ verb: fc.constant('job.submit'), data: invalidForm }),
    // A truthy id names a job to edit (a blank one is a new job, which a valid form may create).
    fc.record({ verb: fc.constant('job.submit'), data: fc.tuple(foreignJobId.filter(Boolean), odd).map(([jobId, etag]) => ({ ...validForm({ title: 'Hijacked title', city: 'Bergen' }), jobId, etag })) }),
    fc.record({ verb: fc.constant('job.close'), data: withJunk(fc.record({ jobId: foreignJobId, etag: odd })) }),
    fc.record({ verb: fc.constant('feed.build'), data: junk }),
    fc.record({ verb: fc.constant('settings.save'), data: withJunk(fc.record({ companyName: fc.string(), adminsAdd: fc.constant(MANAGER.aadObjectId), recruitersAdd: fc.constant(MANAGER.aadObjectId), etag: odd })) }),
    fc.record({ verb: fc.constant('approval.decide'), data: withJunk(fc.record({ jobId: foreignJobId, decision: fc.constantFrom('approve', 'reject', 'x'), reason: fc.string() })) }),
    fc.record({ verb: fc.constant('candidate.review'), data: withJunk(fc.record({ eventId: odd, exportId: odd, tenantId: odd })) }),
    fc.record({ verb: fc.constantFrom(...cardRoutes.map((r) => r.verb)), data: fc.oneof(odd, fc.jsonValue()) })
  ).map(({ verb, data }) => ({ caller: MANAGER, verb, data }));
  const adminCalls = fc.oneof(
    fc.record({ verb: fc.constantFrom('settings.open', 'settings.history', 'feed.status', 'job.list', 'job.show', 'job.diagnose'), data: withJunk(fc.record({ jobId: odd, page: odd })) }),
    // A save that is stale (an etag the admin never saw) or invalid changes nothing.
    fc.record({ verb: fc.constant('settings.save'), data: withJunk(fc.record({ etag: fc.string({ minLength: 1, maxLength: 40 }).map((s) => `W/"${s}"`), companyName: fc.string(), buildTime: fc.constantFrom('25:00', '', 'noon'), timeZone: fc.string() })) }),
    fc.record({ verb: fc.constant('approval.decide'), data: withJunk(fc.record({ jobId: fc.constantFrom('J0000000000', 'nope'), decision: fc.constantFrom('approve', 'reject') })) }),
    fc.record({ verb: fc.constant('job.close'), data: withJunk(fc.record({ jobId: fc.constantFrom('J0000000000', '', 'J' + '9'.repeat(10)) })) })
  ).map(({ verb, data }) => ({ caller: ADMIN, verb, data }));
  return fc.oneof({ arbitrary: managerCalls, weight: 5 }, { arbitrary: adminCalls, weight: 1 });
}
