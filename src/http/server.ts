import * as restify from 'restify';
import { z } from 'zod';
import { exportPushSchema, type PushKeyResolver } from '../linkedin/push';
import { challengeResponse, isValidPushSignature } from '../linkedin/signature';
import type { Logger } from '../logger';
import type { FeedEndpoint } from '../feed/linkedInFeed';
import { serveFeed } from './feedRoute';
import type { ExportInbox } from '../storage/exportInbox';
import type { SettingsReader } from '../storage/settingsStore';
import { spanUntilFinished } from '../telemetry';

export interface HttpDeps {
  /** Hands a Bot Framework request to the adapter (JWT check included when an app id is configured). */
  processActivity(req: restify.Request, res: restify.Response): Promise<void>;
  storageHealthy(): Promise<boolean>;
  maxBodyBytes: number;
  logger: Logger;
  /** LinkedIn's feed URL; absent, the route is not served. */
  feed?: FeedEndpoint;
  /** LinkedIn Recruiter one-click export callback (issue 4); the routes answer 404 without it. */
  linkedInPush?: LinkedInPushDeps;
}

export interface LinkedInPushDeps {
  keys: PushKeyResolver;
  /** Client secret per tenant (signs pushes and challenges). */
  settings: Pick<SettingsReader, 'linkedInCredentials'>;
  inbox: ExportInbox;
  /** Called after a push is stored: wakes the export worker. */
  accepted(): void;
  now(): Date;
}

const PUSH_PATH = /^\/api\/linkedin\/push\/[^/]+\/?$/;
/** The raw bytes of a LinkedIn push, kept for the signature check (restify's JSON parser would re-encode them). */
const RAW_BODY = Symbol('rawBody');
type RawRequest = restify.Request & { [RAW_BODY]?: Buffer };

/** The smallest shape of a Bot Framework activity; the adapter checks the rest. */
const activityBody = z.object({ type: z.string().min(1) }).passthrough();

/** All HTTP routes of the bot, in one place. */
export function createHttpServer(deps: HttpDeps): restify.Server {
  const server = restify.createServer({ name: 'linkedin-jobs-bot', handleUncaughtExceptions: false });
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    if (req.method !== 'POST' || !PUSH_PATH.test(req.path())) return next();
    spanUntilFinished('linkedin.push', {}, res);
    readRawBody(req as RawRequest, deps.maxBodyBytes, next);
  });
  server.use(restify.plugins.bodyParser({ maxBodySize: deps.maxBodyBytes, mapParams: false, mapFiles: false, keepExtensions: false }));

  server.post('/api/messages', async (req, res) => {
    if (!activityBody.safeParse(req.body).success) {
      return sendJson(res, 400, { error: 'invalid_activity', message: 'The body must be a JSON Bot Framework activity.' });
    }
    await deps.processActivity(req, res);
  });

  linkedInPushRoutes(server, deps);

  server.get('/healthz', async (_req, res) => {
    const storage = await deps.storageHealthy().catch(() => false);
    sendJson(res, storage ? 200 : 503, { status: storage ? 'ok' : 'unavailable', storage: storage ? 'reachable' : 'unreachable' });
  });

  if (deps.feed) {
    const feed = deps.feed;
    // GET /feeds/linkedin/<token>.xml (and HEAD): the tenant's current snapshot.
    server.get('/feeds/linkedin/:file', async (req, res) => serveFeed(feed, deps.logger, req, res));
    server.head('/feeds/linkedin/:file', async (req, res) => serveFeed(feed, deps.logger, req, res));
  }

  // restify's DEP0111 warning on Node 20 is harmless; npm start silences it with --disable-warning.
  // restify answers body-parser failures (413, 400) itself; make every error a small JSON body without internals.
  server.on('restifyError', (req: restify.Request, res: restify.Response, error: Error & { statusCode?: number; body?: unknown }, next: () => void) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) deps.logger.error('http error', { path: req.path(), error: error.message });
    (error as { toJSON?: () => unknown }).toJSON = () => ({ error: errorName(status), message: status >= 500 ? 'Internal error' : error.message });
    next();
  });
  return server;
}

/**
 * LinkedIn's callback URL, one per customer ("Receive push events": https://learn.microsoft.com/linkedin/talent/receive-push-events).
 * GET answers the endpoint validation challenge; POST takes an export push: signature checked on the raw bytes, stored
 * durably, answered at once; the candidate is fetched in the background ("Webhook validation":
 * https://learn.microsoft.com/linkedin/shared/api-guide/webhook-validation).
 */
function linkedInPushRoutes(server: restify.Server, deps: HttpDeps): void {
  const push = deps.linkedInPush;
  const secretFor = async (key: string) => {
    const tenantId = push ? await push.keys.tenantFor(key) : undefined;
    const credentials = tenantId ? await push!.settings.linkedInCredentials(tenantId) : undefined;
    return { tenantId, secret: credentials?.clientSecret };
  };

  server.get('/api/linkedin/push/:key', async (req, res) => {
    const { tenantId, secret } = await secretFor(String(req.params.key));
    if (!tenantId) return sendJson(res, 404, { error: 'not_found', message: 'Unknown callback URL.' });
    if (!secret) return sendJson(res, 503, { error: 'not_configured', message: 'LinkedIn client credentials are not set for this tenant.' });
    const challengeCode = new URL(req.url ?? '', 'http://localhost').searchParams.get('challengeCode');
    if (!challengeCode || challengeCode.length > 200) return sendJson(res, 400, { error: 'bad_request', message: 'challengeCode is required.' });
    sendJson(res, 200, { challengeCode, challengeResponse: challengeResponse(challengeCode, secret) });
  });

  server.post('/api/linkedin/push/:key', async (req, res) => {
    const { tenantId, secret } = await secretFor(String(req.params.key));
    if (!tenantId) return sendJson(res, 404, { error: 'not_found', message: 'Unknown callback URL.' });
    if (!secret) return sendJson(res, 503, { error: 'not_configured', message: 'LinkedIn client credentials are not set for this tenant.' });
    const raw = (req as RawRequest)[RAW_BODY] ?? Buffer.alloc(0);
    if (!isValidPushSignature(raw, req.header('x-li-signature'), secret)) {
      deps.logger.warn('linkedin push: bad signature', { tenantId });
      return sendJson(res, 401, { error: 'bad_signature', message: 'X-LI-Signature does not match the body.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'invalid_json', message: 'The body must be JSON.' });
    }
    const parsed = exportPushSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendJson(res, 400, { error: 'invalid_push', message: `${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const { notificationId, requestId } = parsed.data;
    const result = await push!.inbox.accept({ tenantId, eventId: notificationId, requestId, receivedAt: push!.now().toISOString() });
    if (result === 'accepted') push!.accepted();
    // LinkedIn retries anything but a 2xx, so a repeated notification is acknowledged too, and ignored.
    sendJson(res, 200, { status: result });
  });
}

function readRawBody(req: RawRequest, maxBytes: number, next: restify.Next): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  (req as unknown as { _readBody: boolean })._readBody = true; // restify's bodyReader leaves the body alone
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) tooLarge = true;
    else chunks.push(chunk);
  });
  req.once('error', (error) => next(error));
  req.once('end', () => {
    if (tooLarge) return next(Object.assign(new Error(`Request body size exceeds ${maxBytes}`), { statusCode: 413 }));
    req[RAW_BODY] = Buffer.concat(chunks);
    next();
  });
}

function errorName(status: number): string {
  return { 400: 'bad_request', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type' }[status] ?? (status >= 500 ? 'internal_error' : 'error');
}

export function sendJson(res: restify.Response, status: number, body: unknown): void {
  res.status(status);
  res.json(body);
}
