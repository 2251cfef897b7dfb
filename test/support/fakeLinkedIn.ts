/**
 * A stand-in for LinkedIn's token endpoint and Recruiter System Connect `exportedCandidates`, on 127.0.0.1, with
 * switchable failures: fail the next N calls, always fail, answer 429 with Retry-After, name another organization,
 * or answer slowly.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeExport {
  integrationContext?: string;
  partnerJobId?: string;
  exportedAt?: number;
  exporter?: { firstName?: string; lastName?: string; email?: string };
  candidate: {
    member?: string;
    firstName?: string;
    lastName?: string;
    headline?: string;
    currentCompanyName?: string;
    currentJobTitle?: string;
    profileUrl?: string;
    emailAddresses?: string[];
    phoneNumbers?: string[];
  };
}

export interface FakeLinkedInOptions {
  clientId: string;
  clientSecret: string;
  organizationId: string;
  /** More apps whose client credentials get tokens (one fake LinkedIn for several tenants). */
  otherClients?: Array<{ clientId: string; clientSecret: string }>;
}

export class FakeLinkedIn {
  url = '';
  tokenRequests = 0;
  /** requestId of every exportedCandidates call, in order (failed ones included). */
  candidateRequests: string[] = [];
  rateLimited = 0;
  /** Answers by request id; unknown ids get `fallback(requestId)` when set, 404 otherwise. */
  readonly exports = new Map<string, FakeExport>();
  fallback?: (requestId: string) => FakeExport;

  private failures = 0;
  private failStatus = 500;
  private failingAlways = false;
  private tooManyLeft = 0;
  private retryAfterSeconds = 1;
  private delayMs = 0;
  private contextOverride?: string;
  private readonly tokens = new Set<string>();
  private server?: Server;

  constructor(readonly options: FakeLinkedInOptions) {}

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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/oauth/v2/accessToken') return this.token(body, res);
    if (req.method === 'GET' && url.pathname === '/v2/exportedCandidates') return this.exported(req, url, res);
    send(res, 404, { message: 'not found' });
  }

  private token(body: string, res: ServerResponse): void {
    this.tokenRequests++;
    const form = new URLSearchParams(body);
    const clients = [this.options, ...(this.options.otherClients ?? [])];
    const ok = form.get('grant_type') === 'client_credentials' && clients.some((c) => form.get('client_id') === c.clientId && form.get('client_secret') === c.clientSecret);
    if (!ok) return send(res, 401, { error: 'invalid_client' });
    const token = randomBytes(16).toString('hex');
    this.tokens.add(token);
    send(res, 200, { access_token: token, expires_in: 1800 });
  }

  private async exported(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const requestId = url.searchParams.get('requestId') ?? '';
    this.candidateRequests.push(requestId);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.tokens.has(token)) return send(res, 401, { message: 'bad token' });
    if (url.searchParams.get('q') !== 'request') return send(res, 400, { message: 'q must be request' });
    if (this.tooManyLeft > 0) {
      this.tooManyLeft--;
      this.rateLimited++;
      res.setHeader('retry-after', String(this.retryAfterSeconds));
      return send(res, 429, { message: 'throttled' });
    }
    if (this.failingAlways || this.failures > 0) {
      this.failures = Math.max(0, this.failures - 1);
      return send(res, this.failStatus, { message: 'failure on purpose' });
    }
    const found = this.exports.get(requestId) ?? this.fallback?.(requestId);
    if (!found) return send(res, 404, { message: 'unknown request' });
    const integrationContext = this.contextOverride ?? found.integrationContext ?? `urn:li:organization:${this.options.organizationId}`;
    send(res, 200, { elements: [{ ...found, integrationContext }] });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
