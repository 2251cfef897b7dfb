import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/freePort';
import { createSandbox, httpStatus, startChild, tail, type ManagedChild, type Sandbox } from '../../src/tools/processes';
import { stage } from '../../src/tools/stage';

/**
 * The production runtime, proven without an image: the app staged as the Dockerfile's runtime stage holds it
 * (`npm run stage`: package*.json, dist/src, cards/, `npm ci --omit=dev`, served from npm's cache), started in
 * production mode against a separately started Azurite that takes only Entra ID tokens over https (`--oauth basic`),
 * with the token coming from a stand-in for App Service's managed-identity endpoint through DefaultAzureCredential.
 */
const ROOT = join(__dirname, '..', '..', '..');
const AZURITE_TABLE = join(ROOT, 'node_modules', 'azurite', 'dist', 'src', 'table', 'main.js');
const CLIENT_ID = '3d1d5a4e-8f57-4c5b-9a1e-7c2b6f0e9a11';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned token of the shape Azurite's basic OAuth checks (issuer, audience, lifetime). */
function storageToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: 'https://storage.azure.com', iss: `https://sts.windows.net/${TENANT_ID}/`, iat: now, nbf: now - 60, exp: now + 3600, oid: CLIENT_ID };
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}

/** App Service's managed-identity protocol (IDENTITY_ENDPOINT + IDENTITY_HEADER), on 127.0.0.1. */
function identityEndpoint(requests: URL[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    if (req.headers['x-identity-header'] !== 'staging-test') {
      res.writeHead(401).end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: storageToken(), expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: url.searchParams.get('resource'), token_type: 'Bearer' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/msi/token` })));
}

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Polls until 200 (ready) or 404 (no such route), or the deadline; 503 means not ready yet. */
async function waitForStatus(url: string, child: ManagedChild, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child.isRunning()) throw new Error(`${child.name} exited:\n${tail(child)}`);
    const status = await httpStatus(url);
    if (status === 200 || status === 404 || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('production runtime, staged like the Dockerfile (npm ci --omit=dev)', function () {
  this.timeout(15 * 60 * 1000);
  let dir: string;
  let app: string;
  let sandbox: Sandbox;
  const children: ManagedChild[] = [];

  before(function () {
    if (!opensslAvailable()) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'production-stage-'));
    app = join(dir, 'app');
    sandbox = createSandbox('production-stage-');
    stage(app, { npmArgs: ['--prefer-offline'], stdio: 'pipe' });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    sandbox?.remove();
  });

  it('holds the runtime only: no Azurite, compiler, test tools or environment files', () => {
    for (const devOnly of ['azurite', 'typescript', 'mocha', 'ajv', '@microsoft/m365agentsplayground', 'playwright-core', '@microsoft/app-manifest']) {
      assert.equal(existsSync(join(app, 'node_modules', devOnly)), false, `${devOnly} is not installed`);
    }
    for (const runtime of ['botbuilder', '@microsoft/teams-ai', '@azure/data-tables', '@azure/identity', 'restify']) {
      assert.ok(existsSync(join(app, 'node_modules', runtime)), `${runtime} is installed`);
    }
    assert.equal(existsSync(join(app, 'env')), false);
    assert.equal(existsSync(join(app, 'test')), false);
  });

  it('starts in production mode on keyless storage (AZURE_STORAGE_ACCOUNT_URL, managed identity) and is ready', async () => {
    const azuritePort = await freePort();
    const azurite = startChild({
      name: 'azurite',
      command: process.execPath,
      args: [AZURITE_TABLE, '--tableHost', '127.0.0.1', '--tablePort', String(azuritePort), '--oauth', 'basic', '--cert', join(dir, 'cert.pem'),
        '--key', join(dir, 'key.pem'), '--inMemoryPersistence', '--silent', '--disableTelemetry', '--skipApiVersionCheck'],
      cwd: dir
    });
    children.push(azurite);
    const tokenRequests: URL[] = [];
    const identity = await identityEndpoint(tokenRequests);
    try {
      const port = await freePort();
      const bot = startChild({
        name: 'bot',
        command: process.execPath,
        args: ['--disable-warning=DEP0111', '--require', sandbox.loopbackPreload, join(app, 'dist', 'src', 'index.js')],
        cwd: app,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          PORT: String(port),
          BOT_ID: CLIENT_ID,
          BOT_TYPE: 'UserAssignedMSI',
          BOT_TENANT_ID: TENANT_ID,
          AZURE_CLIENT_ID: CLIENT_ID,
          AZURE_STORAGE_ACCOUNT_URL: `https://127.0.0.1:${azuritePort}/devstoreaccount1`,
          PUBLIC_BASE_URL: 'https://bot.contoso.example',
          SETTINGS_ENCRYPTION_KEY: ENCRYPTION_KEY,
          IDENTITY_ENDPOINT: identity.url,
          IDENTITY_HEADER: 'staging-test',
          // Trust the test's self-signed Azurite certificate, as the platform's CA store trusts Azure's.
          NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem')
        }
      });
      children.push(bot);
      const base = `http://127.0.0.1:${port}`;
      let status = await waitForStatus(`${base}/readyz`, bot, 90000);
      if (status === 404) {
        // The readiness probe arrives with the HTTP-probe work; until then /healthz is the same storage check.
        status = await waitForStatus(`${base}/healthz`, bot, 90000);
      }
      assert.equal(status, 200, `ready\n${tail(bot)}`);
      const storageLine = bot.logs.find((line) => line.includes('storage:')) ?? '';
      assert.match(storageLine, /Azure Table Storage at https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1 with Entra ID tokens/);
      assert.ok(tokenRequests.length > 0, 'a token came from the managed-identity endpoint');
      assert.equal(tokenRequests[0].searchParams.get('resource'), 'https://storage.azure.com');
      assert.equal(tokenRequests[0].searchParams.get('client_id'), CLIENT_ID, 'the user-assigned identity named by AZURE_CLIENT_ID');
      assert.doesNotMatch(bot.output(), new RegExp(ENCRYPTION_KEY.slice(0, 16).replace(/[+/]/g, '\\$&')));
    } finally {
      identity.server.close();
    }
  });

  it('without any storage configured it stops with one line naming the variables (embedded Azurite is not installed)', async () => {
    const bot = startChild({
      name: 'bot-without-storage',
      command: process.execPath,
      args: ['--disable-warning=DEP0111', '--require', sandbox.loopbackPreload, join(app, 'dist', 'src', 'index.js')],
      cwd: app,
      env: { PATH: process.env.PATH, PORT: String(await freePort()) }
    });
    children.push(bot);
    const { code } = await bot.exited;
    assert.equal(code, 1);
    assert.match(bot.output(), /AZURE_STORAGE_ACCOUNT_URL or AZURE_STORAGE_CONNECTION_STRING is required/);
    assert.doesNotMatch(bot.output(), /\n\s+at /, 'no stack trace');
  });
});
