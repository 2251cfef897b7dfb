/**
 * A stand-in for LinkedIn on 127.0.0.1, speaking the documented shapes: the OAuth client-credentials token, the
 * versioned `GET /rest/exportedCandidates` (and the older `/v2/exportedCandidates`), `GET /v2/atsIntegrations?q=request`
 * and the callback URL registration (`PUT /v2/atsIntegrations/…/configurations?ids=CALLBACK_URL`, batch_update).
 * Failures are switchable: fail the next N calls, always fail, answer 429 with Retry-After, name another
 * organization, or answer slowly.
 *
 * More endpoints: `fake.route('GET', '/rest/somethingNew', (call, res) => fake.send(res, 200, {...}))`. A route sees the
 * parsed call (with `authorized` set when a token of ours came with it) and answers with `send`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeExport {
  integrationContext?: string;
  partnerJobId?: string;
  exportedAt?: number;
  exporter?: { firstName?: string; lastName?: string; email?: string };
  /** A StubProfile (and, for old tests, the older shape's fields). */
  candidate: {
    member?: string;
    firstName?: string;
    lastName?: string;
    headline?: string;
    location?: string;
    profileUrl?: string;
    emailAddresses?: string[];
    currentEmployerNames?: string[];
    yearsOfExperience?: string;
    skills?: string[];
    positions?: { title?: string; companyName?: string; startedOn?: { year: number; month?: number }; endedOn?: { year: number; month?: number } }[];
    educations?: { schoolName?: string; degreeName?: string; fieldOfStudy?: string }[];
    currentCompanyName?: string;
    currentJobTitle?: string;
    phoneNumbers?: string[];
  };
}

export interface FakeLinkedInOptions {
  clientId: string;
  clientSecret: string;
  organizationId: string;
  /** More applications LinkedIn knows (several tenants, each with its own credentials). */
  moreClients?: { clientId: string; clientSecret: string }[];
}

/** One call as a route sees it. */
export interface FakeCall {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client id whose token came with the call; undefined without a valid token. */
  clientId?: string;
}

export type FakeRoute = (call: FakeCall, res: ServerResponse) => void | Promise<void>;

/** A registered callback URL, as `PUT …/configurations` left it. */
export interface FakeRegistration {
  clientId: string;
  integrationKey: string;
  callbackUrl: string;
}

export class FakeLinkedIn {
  url = '';
  tokenRequests = 0;
  /** requestId of every exportedCandidates call, in order (failed ones included). */
  candidateRequests: string[] = [];
  /** Every call after the token: method, path and the Rest.li headers it carried. */
  calls: { method: string; path: string; version?: string; protocol?: string; restliMethod?: string }[] = [];
  rateLimited = 0;
  /** Answers by request id; unknown ids get `fallback(requestId)` when set, 404 otherwise. */
  readonly exports = new Map<string, FakeExport>();
  fallback?: (requestId: string) => FakeExport;
  /** Members on LinkedIn's purge list (`rest/atsPurgedExportedCandidates`), with their organization (default ours). */
  readonly purged: { member: string; integrationContext?: string }[] = [];
  /** Every purge list call: its query and the versioned API's headers. */
  purgeRequests: { query: Record<string, string>; linkedInVersion?: string; restliProtocol?: string }[] = [];
  /** The next `count` purge list calls fail with `status`. */
  purgeFailures = 0;
  purgeFailStatus = 500;
  /** atsIntegrations answers by request id (INTEGRATION_STATUS_CHANGE). */
  readonly integrations = new Map<string, Record<string, unknown>[]>();
  /** Callback URLs registered through the API, newest last. */
  readonly registrations: FakeRegistration[] = [];
  /** Answer for the next callback registration, e.g. `{ status: 403, message: 'Not enough permissions' }`. */
  registrationFailure?: { status: number; message: string };

  private failures = 0;
  private failStatus = 500;
  private failingAlways = false;
  private tooManyLeft = 0;
  private retryAfterSeconds = 1;
  private delayMs = 0;
  private contextOverride?: string;
  private readonly tokens = new Map<string, string>();
  private readonly routes: { method: string; path: string | RegExp; handler: FakeRoute }[] = [];
  private server?: Server;

  constructor(readonly options: FakeLinkedInOptions) {
    this.route('GET', '/rest/exportedCandidates', (call, res) => this.exported(call, res, true));
    this.route('GET', '/v2/exportedCandidates', (call, res) => this.exported(call, res, false));
    this.route('GET', '/v2/atsIntegrations', (call, res) => this.integrationStatus(call, res));
    this.route('PUT', /^\/v2\/atsIntegrations\/(.+)\/configurations$/, (call, res) => this.configure(call, res));
    this.route('GET', '/rest/atsPurgedExportedCandidates', (call, res) => this.purgeList(call, res));
  }

  /** Adds (or, registered later, overrides) an endpoint. */
  route(method: string, path: string | RegExp, handler: FakeRoute): this {
    this.routes.unshift({ method, path, handler });
    return this;
  }

  /** The next `count` exportedCandidates calls fail with `status`. */
  failNext(count: number, status = 500): this {
    this.failures = count;
    this.failStatus = status;
    return this;
  }

  failAlways(status = 503): this {
    this.failingAlways = true;
    this.failStatus = status;
    return this;
  }

  /** The next `count` calls answer 429 with `Retry-After: seconds`. */
  tooManyRequests(count: number, seconds = 1): this {
    this.tooManyLeft = count;
    this.retryAfterSeconds = seconds;
    return this;
  }

  /** Every answer names this organization instead of the configured one. */
  wrongOrganization(organizationId: string): this {
    this.contextOverride = `urn:li:organization:${organizationId}`;
    return this;
  }

  slow(ms: number): this {
    this.delayMs = ms;
    return this;
  }

  heal(): this {
    this.failures = 0;
    this.failingAlways = false;
    this.tooManyLeft = 0;
    this.delayMs = 0;
    this.contextOverride = undefined;
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/oauth/v2/accessToken') return this.token(body, res);
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const call: FakeCall = { method: req.method ?? 'GET', url, headers: req.headers, body, clientId: this.tokens.get(token) };
    const route = this.routes.find((r) => r.method === call.method && (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)));
    if (!route) return this.send(res, 404, { message: 'not found', status: 404 });
    this.calls.push({
      method: call.method, path: url.pathname, version: header(req.headers, 'linkedin-version'),
      protocol: header(req.headers, 'x-restli-protocol-version'), restliMethod: header(req.headers, 'x-restli-method')
    });
    await route.handler(call, res);
  }

  private token(body: string, res: ServerResponse): void {
    this.tokenRequests++;
    const form = new URLSearchParams(body);
    const clients = [{ clientId: this.options.clientId, clientSecret: this.options.clientSecret }, ...(this.options.moreClients ?? [])];
    const client = clients.find((c) => c.clientId === form.get('client_id') && c.clientSecret === form.get('client_secret'));
    if (form.get('grant_type') !== 'client_credentials' || !client) {
      return this.send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const token = randomBytes(16).toString('hex');
    this.tokens.set(token, client.clientId);
    this.send(res, 200, { access_token: token, expires_in: 1800 });
  }

  private purgeList(call: FakeCall, res: ServerResponse): void {
    this.purgeRequests.push({
      query: Object.fromEntries(call.url.searchParams),
      linkedInVersion: header(call.headers, 'linkedin-version'),
      restliProtocol: header(call.headers, 'x-restli-protocol-version')
    });
    if (!call.clientId) return this.send(res, 401, { message: 'bad token', status: 401 });
    if (!header(call.headers, 'linkedin-version')) return this.send(res, 400, { message: 'LinkedIn-Version header missing', status: 400 });
    if (this.purgeFailures > 0) {
      this.purgeFailures--;
      return this.send(res, this.purgeFailStatus, { message: 'failure on purpose', status: this.purgeFailStatus });
    }
    this.send(res, 200, purgePage(this, call.url));
  }

  private async exported(call: FakeCall, res: ServerResponse, versioned: boolean): Promise<void> {
    const requestId = call.url.searchParams.get('requestId') ?? '';
    this.candidateRequests.push(requestId);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (!call.clientId) return this.send(res, 401, { message: 'bad token', status: 401 });
    if (versioned && !/^\d{6}/.test(header(call.headers, 'linkedin-version') ?? '')) return this.send(res, 426, { message: 'LinkedIn-Version header is required', status: 426 });
    if (header(call.headers, 'x-restli-protocol-version') !== '2.0.0') return this.send(res, 400, { message: 'X-Restli-Protocol-Version 2.0.0 is required', status: 400 });
    if (call.url.searchParams.get('q') !== 'request') return this.send(res, 400, { message: 'q must be request', status: 400 });
    if (this.tooManyLeft > 0) {
      this.tooManyLeft--;
      this.rateLimited++;
      return this.send(res, 429, { message: 'throttled', status: 429 }, { 'retry-after': String(this.retryAfterSeconds) });
    }
    if (this.failingAlways || this.failures > 0) {
      this.failures = Math.max(0, this.failures - 1);
      return this.send(res, this.failStatus, { message: 'failure on purpose', status: this.failStatus });
    }
    const found = this.exports.get(requestId) ?? this.fallback?.(requestId);
    if (!found) return this.send(res, 404, { message: 'unknown request', status: 404 });
    const integrationContext = this.contextOverride ?? found.integrationContext ?? `urn:li:organization:${this.options.organizationId}`;
    this.send(res, 200, { elements: [{ ...found, integrationContext }] });
  }

  private integrationStatus(call: FakeCall, res: ServerResponse): void {
    if (!call.clientId) return this.send(res, 401, { message: 'bad token', status: 401 });
    if (call.url.searchParams.get('q') !== 'request') return this.send(res, 400, { message: 'q must be request', status: 400 });
    const found = this.integrations.get(call.url.searchParams.get('requestId') ?? '');
    if (!found) return this.send(res, 404, { message: 'unknown request', status: 404 });
    this.send(res, 200, { elements: found });
  }

  private configure(call: FakeCall, res: ServerResponse): void {
    if (!call.clientId) return this.send(res, 401, { message: 'bad token', status: 401 });
    if (header(call.headers, 'x-restli-method') !== 'batch_update') return this.send(res, 400, { message: 'x-restli-method must be batch_update', status: 400 });
    if (call.url.searchParams.get('ids') !== 'CALLBACK_URL') return this.send(res, 400, { message: 'ids must be CALLBACK_URL', status: 400 });
    if (this.registrationFailure) {
      const { status, message } = this.registrationFailure;
      this.registrationFailure = undefined;
      return this.send(res, status, { message, status });
    }
    const value = (JSON.parse(call.body || '{}') as { entities?: { CALLBACK_URL?: { configurationValue?: { string?: string } } } }).entities?.CALLBACK_URL?.configurationValue?.string;
    if (!value) return this.send(res, 400, { message: 'entities.CALLBACK_URL.configurationValue.string is required', status: 400 });
    const integrationKey = decodeURIComponent(/^\/v2\/atsIntegrations\/(.+)\/configurations$/.exec(call.url.pathname)![1]);
    this.registrations.push({ clientId: call.clientId, integrationKey, callbackUrl: value });
    this.send(res, 200, { results: { CALLBACK_URL: { status: 204 } } });
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Paged like Rest.li collections: `start`/`count` in, `paging.total` out; `integrationContext` filters. */
function purgePage(fake: FakeLinkedIn, url: URL): unknown {
  const start = Number(url.searchParams.get('start') ?? 0);
  const count = Number(url.searchParams.get('count') ?? 10);
  const ours = `urn:li:organization:${fake.options.organizationId}`;
  const wanted = url.searchParams.get('integrationContext');
  const all = fake.purged
    .map((entry) => ({ integrationContext: entry.integrationContext ?? ours, member: entry.member, purgedAt: Date.now() }))
    .filter((entry) => !wanted || entry.integrationContext === wanted);
  return { elements: all.slice(start, start + count), paging: { start, count, total: all.length } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
