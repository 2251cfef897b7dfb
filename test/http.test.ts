import assert from 'node:assert/strict';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Server } from 'restify';
import { createHttpServer, type HttpDeps } from '../src/http/server';
import { readiness } from '../src/http/probes';
import { silentLogger } from '../src/logger';
import { EnvPushKeyResolver } from '../src/linkedin/push';
import { pushSignature } from '../src/linkedin/signature';
import type { ExportInbox } from '../src/storage/exportInbox';
import { capturingLogger } from './support/settingsSupport';

const ACTIVITY = {
  type: 'message',
  id: '1',
  text: 'help',
  from: { id: 'u1', aadObjectId: 'aad-1', name: 'Alex' },
  recipient: { id: 'bot' },
  conversation: { id: 'c1', tenantId: 't1' },
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:9/'
};

describe('HTTP edge', () => {
  let server: Server;
  let base: string;
  let turns = 0;
  let healthy = true;

  before(async () => {
    const adapter = new TeamsAdapter({
      MicrosoftAppId: '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant'
    });
    server = createHttpServer({
      processActivity: (req, res) => adapter.process(req, res, async () => void turns++),
      storageHealthy: async () => healthy,
      maxBodyBytes: 1024,
      logger: silentLogger
    });
    await new Promise<void>((done) => void server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${server.address().port}`;
  });

  after(() => void server.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('with BOT_ID set, a request without a Bot Framework token gets 401 and reaches no handler', async () => {
    const response = await post(JSON.stringify(ACTIVITY));
    assert.equal(response.status, 401);
    assert.equal(turns, 0);
  });

  it('malformed JSON gets 400 with a JSON error body', async () => {
    const response = await post('{"type": "message",');
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'bad_request');
  });

  it('a body that is not an activity gets 400', async () => {
    const response = await post('[1,2,3]');
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_activity');
  });

  it('a body over the limit gets 413', async () => {
    const response = await post(JSON.stringify({ ...ACTIVITY, text: 'x'.repeat(5000) }));
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: string }).error, 'payload_too_large');
  });

  it('healthz: 200 with storage reachable, 503 when not', async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    healthy = false;
    const down = await fetch(`${base}/healthz`);
    assert.equal(down.status, 503);
    assert.equal(((await down.json()) as { storage: string }).storage, 'unreachable');
    healthy = true;
  });

  it('unknown paths and methods keep their 404 and 405, as small JSON bodies', async () => {
    const missing = await fetch(`${base}/nowhere`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, 'not_found');
    const wrongMethod = await fetch(`${base}/api/messages`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(((await wrongMethod.json()) as { error: string }).error, 'method_not_allowed');
  });

  it('keeps serving after bad requests', async () => {
    await post('\u0000\u0001garbage');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });
});

const PUSH_KEY = 'push-key-0123456789abcdefghij';
const PUSH_SECRET = 'li-client-secret';
const PUSH_BODY = JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId: 'n1', requestId: 'r1' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function listen(deps: Partial<HttpDeps> & Pick<HttpDeps, 'processActivity'>): Promise<{ server: Server; base: string }> {
  const server = createHttpServer({ storageHealthy: async () => true, maxBodyBytes: 4096, logger: silentLogger, ...deps });
  await new Promise<void>((done) => void server.listen(0, '127.0.0.1', done));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** A push route whose inbox is `accept` (the tests below make it fail). */
function pushDeps(accept: ExportInbox['accept']): HttpDeps['linkedInPush'] {
  return {
    keys: new EnvPushKeyResolver(PUSH_KEY, 'tenant-1'),
    settings: { linkedInCredentials: async () => ({ clientId: 'c', clientSecret: PUSH_SECRET }) },
    inbox: { accept } as ExportInbox,
    accepted: () => undefined,
    now: () => new Date()
  };
}

describe('HTTP edge: compressed bodies', () => {
  let server: Server;
  let base: string;
  let turns = 0;
  let stored = 0;

  before(async () => {
    const adapter = new TeamsAdapter({});
    ({ server, base } = await listen({
      processActivity: (req, res) => adapter.process(req, res, async () => void turns++),
      linkedInPush: pushDeps(async () => {
        stored++;
        return 'accepted';
      })
    }));
  });
  after(() => void server.close());

  // 1 MB of JSON that gzips to about 1 KB: under the 4 KB limit as sent, far over it decoded.
  const bomb = JSON.stringify({ ...ACTIVITY, serviceUrl: 'http://127.0.0.1:9/', text: ' '.repeat(1024 * 1024) });

  it('a gzip body that inflates past MAX_BODY_BYTES gets 413 before any handler, on /api/messages', async () => {
    const compressed = gzipSync(bomb);
    assert.ok(compressed.length < 4096, `the compressed body (${compressed.length} bytes) is under the limit`);
    const response = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: compressed
    });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: string }).error, 'payload_too_large');
    assert.equal(turns, 0);
  });

  it('and on the LinkedIn push route, even with a valid signature over the decoded body', async () => {
    const padded = Buffer.from(JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId: 'n1', requestId: 'r1', pad: ' '.repeat(1024 * 1024) }));
    const response = await fetch(`${base}/api/linkedin/push/${PUSH_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-li-signature': pushSignature(padded, PUSH_SECRET) },
      body: gzipSync(padded)
    });
    assert.equal(response.status, 413);
    assert.equal(stored, 0);
  });

  it('deflate and brotli bombs get 413 too', async () => {
    for (const [encoding, body] of [['deflate', deflateSync(bomb)], ['br', brotliCompressSync(bomb)]] as const) {
      const response = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body });
      assert.equal(response.status, 413, encoding);
    }
    assert.equal(turns, 0);
  });

  it('a small gzip body is decoded and handled like a plain one', async () => {
    const activity = Buffer.from(PUSH_BODY);
    const response = await fetch(`${base}/api/linkedin/push/${PUSH_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-li-signature': pushSignature(activity, PUSH_SECRET) },
      body: gzipSync(activity)
    });
    assert.equal(response.status, 200);
    assert.equal(stored, 1);
  });

  it('an unknown Content-Encoding gets 415; broken gzip gets 400', async () => {
    const unknown = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'compress' }, body: 'x' });
    assert.equal(unknown.status, 415);
    assert.equal(((await unknown.json()) as { error: string }).error, 'unsupported_media_type');
    const broken = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip at all' });
    assert.equal(broken.status, 400);
    assert.equal(turns, 0);
  });
});

describe('HTTP edge: 5xx bodies', () => {
  const logger = capturingLogger();
  let server: Server;
  let base: string;

  before(async () => {
    const adapter = new TeamsAdapter({});
    ({ server, base } = await listen({
      logger,
      // What storage or the Bot Connector throws when they are down: it names hosts and ports.
      processActivity: (req, res) => adapter.process(req, res, async () => {
        throw new Error('RestError: connect ECONNREFUSED 127.0.0.1:10002');
      }),
      linkedInPush: pushDeps(async () => {
        // A storage error carries the storage's own status (a 409 here): it must not pass for an answer to the caller.
        throw Object.assign(new Error('RestError: connect ECONNREFUSED 127.0.0.1:10002'), { name: 'RestError', statusCode: 409 });
      })
    }));
  });
  after(() => void server.close());

  const assertInternal = async (response: Response) => {
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.doesNotMatch(text, /ECONNREFUSED|127\.0\.0\.1|RestError/);
    const body = JSON.parse(text) as { error: string; id: string };
    assert.deepEqual(Object.keys(body).sort(), ['error', 'id']);
    assert.equal(body.error, 'internal');
    assert.match(body.id, UUID);
    const logged = logger.lines.find((line) => line.includes(body.id));
    assert.ok(logged, 'the log has a line under the id');
    assert.match(logged, /ECONNREFUSED 127\.0\.0\.1:10002/, 'with the details');
  };

  it('an error inside the bot adapter (CloudAdapter writes the message as its 500 body) answers only an id', async () => {
    const response = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ACTIVITY, serviceUrl: 'http://127.0.0.1:9/' })
    });
    await assertInternal(response);
  });

  it('an error thrown by a route answers only an id', async () => {
    const response = await fetch(`${base}/api/linkedin/push/${PUSH_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-li-signature': pushSignature(Buffer.from(PUSH_BODY), PUSH_SECRET) },
      body: PUSH_BODY
    });
    await assertInternal(response);
  });
});

describe('HTTP edge: probes', () => {
  it('/livez is 200 whatever storage says; /readyz and /healthz follow storage and the workers', async () => {
    let storage = true;
    let lastTickAt: number | undefined = Date.now();
    let stopping = false;
    const { server, base } = await listen({
      processActivity: async () => undefined,
      storageHealthy: async () => storage,
      workers: () => [{ name: 'exports', lastTickAt, intervalMs: 2000 }],
      stopping: () => stopping
    });
    try {
      const status = async (path: string) => (await fetch(`${base}${path}`)).status;
      assert.deepEqual([await status('/livez'), await status('/readyz'), await status('/healthz')], [200, 200, 200]);
      storage = false;
      assert.deepEqual([await status('/livez'), await status('/readyz'), await status('/healthz')], [200, 503, 503]);
      storage = true;
      lastTickAt = Date.now() - 5 * 60_000;
      const stale = await fetch(`${base}/readyz`);
      assert.equal(stale.status, 503);
      assert.deepEqual(((await stale.json()) as { workers: unknown }).workers, { exports: 'stale' });
      lastTickAt = Date.now();
      stopping = true;
      assert.deepEqual([await status('/livez'), await status('/readyz')], [200, 503]);
    } finally {
      server.close();
    }
  });

  it('a worker is stale after three intervals, and never before a minute', async () => {
    const now = 1_000_000_000;
    const ready = async (lastTickAt: number | undefined, intervalMs: number) =>
      (await readiness({ storageHealthy: async () => true, workers: [{ name: 'w', lastTickAt, intervalMs }], stopping: false, now })).ready;
    assert.equal(await ready(now - 59_000, 1000), true);
    assert.equal(await ready(now - 61_000, 1000), false);
    assert.equal(await ready(now - 179_000, 60_000), true);
    assert.equal(await ready(now - 181_000, 60_000), false);
    assert.equal(await ready(undefined, 1000), false, 'not started');
  });
});
