import * as restify from 'restify';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { FeedEndpoint } from '../feed/linkedInFeed';
import { serveFeed } from './feedRoute';

export interface HttpDeps {
  /** Hands a Bot Framework request to the adapter (JWT check included when an app id is configured). */
  processActivity(req: restify.Request, res: restify.Response): Promise<void>;
  storageHealthy(): Promise<boolean>;
  maxBodyBytes: number;
  logger: Logger;
  /** LinkedIn's feed URL; absent, the route is not served. */
  feed?: FeedEndpoint;
}

/** The smallest shape of a Bot Framework activity; the adapter checks the rest. */
const activityBody = z.object({ type: z.string().min(1) }).passthrough();

/** All HTTP routes of the bot, in one place. */
export function createHttpServer(deps: HttpDeps): restify.Server {
  const server = restify.createServer({ name: 'linkedin-jobs-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: deps.maxBodyBytes, mapParams: false, mapFiles: false, keepExtensions: false }));

  server.post('/api/messages', async (req, res) => {
    if (!activityBody.safeParse(req.body).success) {
      return sendJson(res, 400, { error: 'invalid_activity', message: 'The body must be a JSON Bot Framework activity.' });
    }
    await deps.processActivity(req, res);
  });

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

function errorName(status: number): string {
  return { 400: 'bad_request', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type' }[status] ?? (status >= 500 ? 'internal_error' : 'error');
}

export function sendJson(res: restify.Response, status: number, body: unknown): void {
  res.status(status);
  res.json(body);
}
