import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Server } from 'restify';
import { createHttpServer } from '../src/http/server';
import { silentLogger } from '../src/logger';

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
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

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

  it('keeps serving after bad requests', async () => {
    await post('\u0000\u0001garbage');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });
});
