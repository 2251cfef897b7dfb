/**
 * LinkedIn's feed URL, `/feeds/linkedin/<token>.xml`. The token is the only secret: a wrong one gets the same 404 as
 * any unknown path. Before the first build a valid token gets 404 too (with a JSON body saying so) rather than an
 * empty feed: an empty feed would tell LinkedIn "this tenant has no jobs".
 * The stored gzip is sent as-is to clients that accept gzip, and gunzipped on the fly for the others.
 */
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type * as restify from 'restify';
import type { FeedEndpoint } from '../feed/linkedInFeed';
import type { Logger } from '../logger';
import type { SnapshotMeta } from '../storage/feedSnapshotStore';

const FEED_FILE = /^([A-Za-z0-9_-]{16,128})\.xml$/;

export async function serveFeed(feed: FeedEndpoint, logger: Logger, req: restify.Request, res: restify.Response): Promise<void> {
  const token = FEED_FILE.exec(String((req.params as Record<string, unknown> | undefined)?.file ?? ''))?.[1];
  const tenantId = token && (await feed.tenantForToken(token));
  if (!tenantId) return notFound(res, 'Not found.');
  const snapshot = await feed.current(tenantId);
  if (!snapshot) return notFound(res, 'No feed has been built yet.');

  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/xml; charset=utf-8',
    ETag: etagFor(snapshot, gzip),
    'Last-Modified': new Date(snapshot.builtAt).toUTCString(),
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff'
  };
  if (isNotModified(req, snapshot)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  if (gzip) headers['Content-Encoding'] = 'gzip';
  headers['Content-Length'] = gzip ? snapshot.gzipBytes : snapshot.bytes;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    }
  });
  const body = Readable.from(feed.open(tenantId, snapshot.snapshotId));
  try {
    await (gzip ? pipeline(body, count, res) : pipeline(body, createGunzip(), count, res));
  } catch (error) {
    logger.warn('feed download not completed', { tenantId, error: (error as Error).message });
    return;
  }
  await feed.downloaded(tenantId, snapshot, { userAgent: String(req.headers['user-agent'] ?? ''), bytes }).catch((error: Error) => {
    logger.error('feed download not recorded', { tenantId, error: error.message });
  });
}

function notFound(res: restify.Response, message: string): void {
  res.status(404);
  res.json({ error: 'not_found', message });
}

/** The stored gzip and the plain XML are two representations of one document, so they get two strong tags (RFC 9110 8.8.3). */
function etagFor(snapshot: SnapshotMeta, gzip: boolean): string {
  return gzip ? `"${snapshot.sha256}-gzip"` : snapshot.etag;
}

/** RFC 9110 13.1.2/13.1.3: If-None-Match wins over If-Modified-Since; tags compare weakly (W/ ignored). */
function isNotModified(req: restify.Request, snapshot: SnapshotMeta): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const ours = new Set([etagFor(snapshot, false), etagFor(snapshot, true)]);
    return ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, '')).some((tag) => tag === '*' || ours.has(tag));
  }
  const since = Date.parse(String(req.headers['if-modified-since'] ?? ''));
  return Number.isFinite(since) && Math.floor(Date.parse(snapshot.builtAt) / 1000) <= Math.floor(since / 1000);
}

/** Accept-Encoding (RFC 9110 12.5.3): gzip (or x-gzip, or `*` when gzip is not named) with a q above 0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const weights = new Map<string, number>();
  for (const entry of header.split(',')) {
    const [name, ...params] = entry.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(name.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const gzip = weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*') ?? 0;
  return gzip > 0;
}
