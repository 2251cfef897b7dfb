/**
 * Logs carry no secrets and no personal data: the secret segments of our URLs (feed token, push key, download
 * tokens), names, e-mail addresses and LinkedIn profile URLs are redacted by key and in text.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Server } from 'restify';
import { createHttpServer } from '../src/http/server';
import { EnvPushKeyResolver } from '../src/linkedin/push';
import { createLogger, scrubText } from '../src/logger';
import { CLIENT, PUSH_KEY, TENANT, pushBody, sign } from './support/exportsRig';

const FEED_TOKEN = 'unit_feed_token_0123456789abcdefXYZ';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } });
  const text = () => chunks.join('');
  return { stream, text, lines: () => text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('logs: JSON lines without secrets or personal data', () => {
  it('each line has time, level and message, and a child logger adds its tenant and correlation id to every line', () => {
    const out = capture();
    const logger = createLogger(out.stream).child({ tenantId: TENANT, noticeId: 'n-1' });
    logger.info('outbox: sent');
    logger.warn('outbox: send failed', { status: 429 });
    const [first, second] = out.lines();
    assert.equal(first.message, 'outbox: sent');
    assert.equal(first.level, 'info');
    assert.ok(!Number.isNaN(Date.parse(String(first.time))));
    assert.equal(second.level, 'warn');
    for (const line of out.lines()) assert.deepEqual([line.tenantId, line.noticeId], [TENANT, 'n-1']);
  });

  it('personal data is redacted by key at any depth, and e-mail addresses and profile URLs anywhere in text', () => {
    const out = capture();
    createLogger(out.stream).warn('export: candidate kari.nordmann@example.no (https://www.linkedin.com/in/kari-nordmann) failed', {
      candidate: { firstName: 'Kari', lastName: 'Nordmann', emailAddresses: ['kari.nordmann@example.no'], profileUrl: 'https://www.linkedin.com/in/kari-nordmann', headline: 'Kari at Contoso' },
      name: 'Kari Nordmann',
      error: 'invalid email kari.nordmann@example.no'
    });
    const text = out.text();
    for (const personal of ['Kari', 'Nordmann', 'kari.nordmann@example.no', 'linkedin.com/in/kari-nordmann']) assert.ok(!text.includes(personal), `${personal} in ${text}`);
    assert.match(text, /\[email\]/);
  });

  it('configured secrets are taken out wherever they appear', () => {
    const out = capture();
    createLogger(out.stream, { secrets: [CLIENT.clientSecret, undefined] }).error(`LinkedIn said: bad client_secret ${CLIENT.clientSecret}`, { detail: `secret=${CLIENT.clientSecret}` });
    assert.ok(!out.text().includes(CLIENT.clientSecret), out.text());
  });

  it('the feed token, the push key and download tokens are cut out of any path or URL', () => {
    assert.equal(scrubText(`/feeds/linkedin/${FEED_TOKEN}.xml`), '/feeds/linkedin/[redacted].xml');
    assert.equal(scrubText(`https://bot.contoso.com/api/linkedin/push/${PUSH_KEY}?challengeCode=1`), 'https://bot.contoso.com/api/linkedin/push/[redacted]?challengeCode=1');
    assert.equal(scrubText('GET /api/privacy/download/one-time-token-123 410'), 'GET /api/privacy/download/[redacted] 410');
  });

  describe('the HTTP routes\' error lines', () => {
    let server: Server;
    let base: string;
    const out = capture();

    before(async () => {
      server = createHttpServer({
        processActivity: async () => undefined,
        storageHealthy: async () => true,
        maxBodyBytes: 64 * 1024,
        logger: createLogger(out.stream),
        feed: {
          tenantForToken: async () => { throw new Error('storage down'); },
          current: async () => undefined,
          open: async function* () {},
          downloaded: async () => undefined
        },
        linkedInPush: {
          keys: new EnvPushKeyResolver(PUSH_KEY, TENANT),
          settings: { linkedInCredentials: async () => CLIENT },
          inbox: { accept: async () => { throw new Error('storage down'); } } as never,
          accepted: () => undefined,
          now: () => new Date()
        }
      });
      await new Promise<void>((done) => void server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${server.address().port}`;
    });
    after(() => void server.close());

    it('a failing push or feed download is logged without the push key or the feed token', async () => {
      const body = pushBody('n-500');
      const push = await fetch(`${base}/api/linkedin/push/${PUSH_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': sign(body) }, body });
      assert.ok(push.status >= 500);
      const feed = await fetch(`${base}/feeds/linkedin/${FEED_TOKEN}.xml`);
      assert.ok(feed.status >= 500);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const text = out.text();
      assert.ok(out.lines().length >= 2, text);
      for (const secret of [PUSH_KEY, FEED_TOKEN, CLIENT.clientSecret]) assert.ok(!text.includes(secret), `a secret in the log: ${text}`);
      assert.match(text, /\/api\/linkedin\/push\/\[redacted\]/);
    });
  });
});
