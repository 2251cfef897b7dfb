import { randomUUID } from 'node:crypto';
import * as restify from 'restify';
import { EXPORT_EVENT_TYPE, INTEGRATION_STATUS_EVENT_TYPE, isChallengeCode, parsePush, type PushKeyResolver } from '../linkedin/push';
import { challengeResponse, isValidPushSignature } from '../linkedin/signature';
import type { Logger } from '../logger';
import type { FeedEndpoint } from '../feed/linkedInFeed';
import { serveFeed } from './feedRoute';
import type { ExportInbox } from '../storage/exportInbox';
import type { LinkedInCredentials, SettingsReader } from '../storage/settingsStore';
import { activityProblem, type InvokeRoutes } from './activitySchema';
import { BodyError, readLimitedBody } from './body';
import { readiness, type WorkerHealth } from './probes';
import { jobStatusRoutes, type JobStatusWebhookDeps } from './jobStatusRoute';

/** What the adapter writes its answer to (the shape of the Bot Framework SDK's `Response`): a recording, here. */
export interface ActivityResponse {
  socket: unknown;
  end(...args: unknown[]): unknown;
  header(name: string, value: unknown): unknown;
  send(...args: unknown[]): unknown;
  status(code: number): unknown;
}
import { spanUntilFinished } from '../telemetry';

export interface HttpDeps {
  /**
   * Hands a Bot Framework request to the adapter (JWT check included when an app id is configured). `res` records what
   * the adapter answers; the route then sends it, with any 5xx replaced by a correlation id.
   */
  processActivity(req: restify.Request, res: ActivityResponse): Promise<void>;
  /** The invokes and card verbs the bot answers: others get 400 at the edge (unset: the adapter decides, 501). */
  invokes?: InvokeRoutes;
  storageHealthy(): Promise<boolean>;
  /** Background workers that must have ticked lately for /readyz (none: storage alone decides). */
  workers?: () => WorkerHealth[];
  /** True once shutdown has begun: /readyz answers 503 so no new traffic comes. */
  stopping?: () => boolean;
  maxBodyBytes: number;
  logger: Logger;
  /** LinkedIn's feed URL; absent, the route is not served. */
  feed?: FeedEndpoint;
  /** LinkedIn Recruiter one-click export callback; the routes answer 404 without it. */
  linkedInPush?: LinkedInPushDeps;
  /** LinkedIn's Job Status Change Notifications (Job Posting API); absent, the route answers 404. */
  linkedInJobStatus?: JobStatusWebhookDeps;
  /** One-time downloads of a data subject's data (`candidate data`); absent, the route answers 404. */
  privacyDownloads?: { takeDownload(token: string): Promise<{ fileName: string; body: string } | undefined> };
}

export interface LinkedInPushDeps {
  keys: PushKeyResolver;
  /** Client secret per tenant (signs pushes and challenges). */
  settings: Pick<SettingsReader, 'linkedInCredentials'>;
  /**
   * The partner's parent application, when LinkedIn validates with `applicationId` for parent/child apps: a challenge
   * naming it is answered with its secret; one naming the tenant's own client id (or none) with the tenant's.
   */
  parentCredentials?: LinkedInCredentials;
  inbox: ExportInbox;
  /** Called after a push is stored: wakes the export worker. */
  accepted(): void;
  now(): Date;
}

/**
 * The raw bytes of a POST body (Content-Encoding undone, within MAX_BODY_BYTES), read before any route runs: LinkedIn's
 * signature is checked over them, and the Bot Framework activity is parsed from them.
 */
const PUSH_PATH = /^\/api\/linkedin\/push\/[^/]+\/?$/;
const RAW_BODY = Symbol('rawBody');
type RawRequest = restify.Request & { [RAW_BODY]?: Buffer };

/** A named segment of the route's path (`:key`, `:token`), as text. */
export function routeParam(req: restify.Request, name: string): string {
  return String((req.params as Record<string, unknown> | undefined)?.[name] ?? '');
}

export function rawBodyOf(req: restify.Request): Buffer {
  return (req as RawRequest)[RAW_BODY] ?? Buffer.alloc(0);
}

/**
 * A LinkedIn webhook's body: `X-LI-Signature` checked over the raw bytes with any of `secrets`, then parsed as JSON.
 * When either fails it answers 401 or 400 itself and returns undefined.
 */
export function signedJsonBody(req: restify.Request, res: restify.Response, secrets: readonly string[], onBadSignature: () => void): { body: unknown } | undefined {
  const raw = rawBodyOf(req);
  if (!secrets.some((secret) => isValidPushSignature(raw, req.header('x-li-signature'), secret))) {
    onBadSignature();
    sendJson(res, 401, { error: 'bad_signature', message: 'X-LI-Signature does not match the body.' });
    return undefined;
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    sendJson(res, 400, { error: 'invalid_json', message: 'The body must be JSON.' });
    return undefined;
  }
}

/** All HTTP routes of the bot, in one place. */
export function createHttpServer(deps: HttpDeps): restify.Server {
  const server = restify.createServer({ name: 'linkedin-jobs-bot', handleUncaughtExceptions: false });
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    if (req.method !== 'POST') return next();
    if (PUSH_PATH.test(req.path())) spanUntilFinished('linkedin.push', {}, res);
    readLimitedBody(req, deps.maxBodyBytes).then(
      (raw) => {
        (req as RawRequest)[RAW_BODY] = raw;
        next();
      },
      (error: Error) => {
        if (!(error instanceof BodyError)) return next(error);
        if (error.status === 415) res.header('Accept-Encoding', 'gzip, deflate, br');
        sendJson(res, error.status, { error: error.code, message: error.message });
        next(false);
      }
    );
  });

  server.post('/api/messages', async (req, res) => {
    let body: unknown;
    try {
      body = JSON.parse(rawBodyOf(req).toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'bad_request', message: 'The body must be JSON.' });
    }
    const problem = activityProblem(body, deps.invokes);
    if (problem) return sendJson(res, 400, { error: 'invalid_activity', message: problem });
    req.body = body;
    await runAdapter(deps, req, res);
  });

  linkedInPushRoutes(server, deps);
  jobStatusRoutes(server, deps.linkedInJobStatus, deps.logger);
  privacyDownloadRoute(server, deps);

  // Probes: /livez says the process serves HTTP; /readyz that it can do its work (storage and background workers).
  // eslint-disable-next-line @typescript-eslint/require-await -- restify takes a (req, res) handler only if it is an async function
  server.get('/livez', async (_req, res) => sendJson(res, 200, { status: 'ok' }));
  const ready = async (_req: restify.Request, res: restify.Response) => {
    const result = await readiness({ storageHealthy: () => deps.storageHealthy(), workers: deps.workers?.() ?? [], stopping: deps.stopping?.() ?? false });
    sendJson(res, result.ready ? 200 : 503, result.body);
  };
  server.get('/readyz', ready);
  server.get('/healthz', ready);

  if (deps.feed) {
    const feed = deps.feed;
    // GET /feeds/linkedin/<token>.xml (and HEAD): the tenant's current snapshot.
    server.get('/feeds/linkedin/:file', async (req, res) => serveFeed(feed, deps.logger, req, res));
    server.head('/feeds/linkedin/:file', async (req, res) => serveFeed(feed, deps.logger, req, res));
  }

  // restify's DEP0111 warning on Node 20 is harmless; npm start silences it with --disable-warning.
  // Every error restify answers itself becomes a small JSON body; a 5xx says only "internal" and an id to find the log line.
  server.on('restifyError', (req: restify.Request, _res: restify.Response, error: Error & { statusCode?: number }, next: () => void) => {
    // Only restify's own HTTP errors (404, 405, ...) keep their status; anything else thrown (a storage RestError with
    // its 404 or 409 included) is an internal failure. restify would send an error without a status as a new
    // InternalError carrying its message: giving it one makes restify send this error, with the body below.
    const status = isRestifyHttpError(error) ? error.statusCode : 500;
    error.statusCode = status;
    if (status >= 500) {
      const id = logInternalError(deps.logger, 'http error', { status, method: req.method, path: req.path(), error: describe(error) });
      (error as { toJSON?: () => unknown }).toJSON = () => internalBody(id);
    } else {
      (error as { toJSON?: () => unknown }).toJSON = () => ({ error: errorName(status), message: error.message });
    }
    next();
  });
  return server;
}

/**
 * Runs the Bot Framework adapter against a recording response, then answers from the recording. The adapter writes its own
 * bodies (an exception's message with a 500, a bare 501 for an unanswered invoke): a 5xx goes out as an id instead, with
 * the adapter's words only in the log; a 4xx (a refused token) as a small JSON body.
 */
async function runAdapter(deps: HttpDeps, req: restify.Request, res: restify.Response): Promise<void> {
  const recorded: { status: number; body?: unknown; headers: Array<[string, unknown]> } = { status: 200, headers: [] };
  const recorder: ActivityResponse = {
    socket: req.socket,
    status: (code: number) => (recorded.status = code),
    header: (name: string, value: unknown) => recorded.headers.push([name, value]),
    send: (body?: unknown) => (recorded.body = body),
    end: () => undefined
  };
  await deps.processActivity(req, recorder);
  const { status, body } = recorded;
  if (status >= 500) {
    const detail = body === undefined ? 'no body' : typeof body === 'string' ? body : JSON.stringify(body);
    const id = logInternalError(deps.logger, 'bot adapter failed', { status, activityType: (req.body as { type?: string }).type, error: detail.slice(0, 2000) });
    return sendJson(res, status, internalBody(id));
  }
  if (status >= 400) {
    deps.logger.info('activity refused', { status, reason: typeof body === 'string' ? body.slice(0, 300) : undefined });
    return sendJson(res, status, { error: errorName(status), message: ADAPTER_REFUSALS[status] ?? 'The activity was refused.' });
  }
  for (const [name, value] of recorded.headers) res.header(name, value);
  res.status(status);
  if (body === undefined || body === null || body === '') res.end();
  else res.send(body);
}

const ADAPTER_REFUSALS: Record<number, string> = {
  400: 'The activity is not valid.',
  401: 'A valid Bot Framework token is required.',
  403: 'This bot does not accept the token.'
};

/** The only body a 5xx carries: nothing about the cause, an id to find it in the log. */
export function internalBody(id: string): { error: 'internal'; id: string } {
  return { error: 'internal', id };
}

/** Logs an unexpected failure under a new correlation id and returns the id. */
export function logInternalError(logger: Logger, message: string, fields: Record<string, unknown>): string {
  const id = randomUUID();
  logger.error(message, { id, ...fields });
  return id;
}

/** restify-errors' HttpError: a status, and a body restify made for it. */
function isRestifyHttpError(error: Error & { statusCode?: number }): error is Error & { statusCode: number } {
  return typeof error.statusCode === 'number' && 'body' in error && typeof (error as { toJSON?: unknown }).toJSON === 'function';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.name}: ${error.message} (cause: ${cause.message})` : `${error.name}: ${error.message}`;
  }
  return String(error);
}

/**
 * LinkedIn's callback URL, one per customer ("Receive push events": https://learn.microsoft.com/linkedin/talent/receive-push-events).
 * GET answers the endpoint validation challenge; POST takes an export push: signature checked on the raw bytes, stored
 * durably, answered at once; the candidate is fetched in the background ("Webhook validation":
 * https://learn.microsoft.com/linkedin/shared/api-guide/webhook-validation).
 */
function linkedInPushRoutes(server: restify.Server, deps: HttpDeps): void {
  const push = deps.linkedInPush;
  const notFound = (res: restify.Response) => sendJson(res, 404, { error: 'not_found', message: 'Unknown callback URL.' });
  const notConfigured = (res: restify.Response) => sendJson(res, 503, { error: 'not_configured', message: 'LinkedIn client credentials are not set for this tenant.' });
  const tenantOf = async (key: string) => (push ? push.keys.tenantFor(key) : undefined);

  server.get('/api/linkedin/push/:key', async (req, res) => {
    const tenantId = await tenantOf(routeParam(req, 'key'));
    if (!tenantId) return notFound(res);
    const query = new URL(req.url ?? '', 'http://localhost').searchParams;
    const challengeCode = query.get('challengeCode') ?? '';
    if (!isChallengeCode(challengeCode)) {
      return sendJson(res, 400, { error: 'bad_request', message: 'challengeCode must be a UUID (at most 64 letters, digits and hyphens).' });
    }
    const credentials = await push!.settings.linkedInCredentials(tenantId);
    if (!credentials) return notConfigured(res);
    const applicationId = query.get('applicationId');
    const signer = !applicationId || applicationId === credentials.clientId ? credentials : applicationId === push!.parentCredentials?.clientId ? push!.parentCredentials : undefined;
    if (!signer) return sendJson(res, 400, { error: 'unknown_application', message: 'applicationId is not an application of this callback URL.' });
    sendJson(res, 200, { challengeCode, challengeResponse: challengeResponse(challengeCode, signer.clientSecret) });
  });

  server.post('/api/linkedin/push/:key', async (req, res) => {
    const tenantId = await tenantOf(routeParam(req, 'key'));
    if (!tenantId) return notFound(res);
    const credentials = await push!.settings.linkedInCredentials(tenantId);
    if (!credentials) return notConfigured(res);
    const signed = signedJsonBody(req, res, [credentials.clientSecret], () => deps.logger.warn('linkedin push: bad signature', { tenantId }));
    if (!signed) return;
    const parsed = parsePush(signed.body);
    if (!parsed.ok) return sendJson(res, 400, { error: 'invalid_push', message: parsed.reason });
    const { type, eventId, requestId, expiresAt } = parsed.push;
    const receivedAt = push!.now().toISOString();
    // An event we do not act on is still recorded and acknowledged: LinkedIn retries anything but a 2xx.
    const result = type === EXPORT_EVENT_TYPE || type === INTEGRATION_STATUS_EVENT_TYPE
      ? await push!.inbox.accept({ tenantId, type, eventId, requestId, receivedAt, ...(expiresAt ? { expiresAt } : {}) })
      : await push!.inbox.record({ tenantId, type, eventId, requestId, receivedAt });
    if (result === 'accepted') push!.accepted();
    else if (result === 'recorded') deps.logger.info('linkedin push: event type not acted on, recorded', { tenantId, type });
    // A repeated notification is acknowledged too, and ignored.
    sendJson(res, 200, { status: result });
  });
}

/**
 * GET /api/privacy/download/<token>: the JSON file of a `candidate data` request. The token is 256 random bits, works
 * once and for an hour; an unknown, used or expired one gets the same 404, and nothing is cached on the way.
 */
function privacyDownloadRoute(server: restify.Server, deps: HttpDeps): void {
  server.get('/api/privacy/download/:token', async (req, res) => {
    res.header('cache-control', 'no-store');
    res.header('x-content-type-options', 'nosniff');
    const file = deps.privacyDownloads ? await deps.privacyDownloads.takeDownload(routeParam(req, 'token')) : undefined;
    if (!file) return sendJson(res, 404, { error: 'not_found', message: 'This download link is unknown, used already or expired. Ask the bot for a new one.' });
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'content-length': Buffer.byteLength(file.body)
    });
    res.end(file.body);
  });
}

function errorName(status: number): string {
  return { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type' }[status] ?? (status >= 500 ? 'internal' : 'error');
}

export function sendJson(res: restify.Response, status: number, body: unknown): void {
  res.status(status);
  res.json(body);
}
