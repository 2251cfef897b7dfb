/**
 * A local Bot Connector on 127.0.0.1 that plays Teams for proactive messages: create conversation, send, reply and
 * update, recording everything it got. It can answer 429 (with Retry-After) or any error on demand, slow down, and
 * enforce Teams' rate limits itself (Learn, "Rate limiting for bots"), so tests and benchmarks can see what a real
 * tenant would refuse. Reusable: `const stub = await startConnectorStub(); ...; await stub.stop();`
 * The serviceUrl to put in conversation references is `stub.url`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubActivity {
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  conversationId: string;
  activityId: string;
  /** The activity as the bot sent it (text, attachments, ...). */
  activity: Record<string, unknown>;
  replyToId?: string;
}

export interface StubRequest {
  at: number;
  method: string;
  path: string;
  conversationId?: string;
  status: number;
}

export interface StubResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ConnectorStubOptions {
  /** Delay before each answer (the message is recorded as delivered before the delay, as a slow network would). */
  delayMs?: number;
  /** Answer 429 like Teams when a conversation or tenant goes over Teams' bot limits. */
  enforceTeamsLimits?: boolean;
}

export interface ConnectorStub {
  /** http://127.0.0.1:<port>/ : the serviceUrl. */
  url: string;
  /** Every request, including the refused ones. */
  requests: StubRequest[];
  /** Activities accepted by POST (new messages and replies). */
  sent: StubActivity[];
  /** Activities accepted by PUT (in-place updates). */
  updates: StubActivity[];
  /** Conversations opened by POST /v3/conversations. */
  created: Array<{ at: number; id: string; parameters: Record<string, unknown> }>;
  /** 429s sent because a Teams limit was exceeded (with `enforceTeamsLimits`). */
  limitViolations: number;
  /** The next `count` requests get 429 with `Retry-After: <seconds>` (omit seconds for no header). */
  throttleNext(count: number, retryAfterSeconds?: number): void;
  /** The next `count` requests get `status` with a Teams-style error body `{ error: { code, message } }`. */
  failNext(count: number, status: number, code?: string): void;
  /** Decide the answer per request yourself (undefined: the normal answer). */
  respondWith(handler: ((request: { method: string; path: string; conversationId?: string; body: Record<string, unknown> }) => StubResponse | undefined) | undefined): void;
  setDelay(ms: number): void;
  /** Sent activities (POST) per conversation id. */
  sentTo(conversationId: string): StubActivity[];
  reset(): void;
  stop(): Promise<void>;
}

const TEAMS_CONVERSATION_LIMITS = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 }
];
const TEAMS_TENANT_LIMITS = [{ limit: 50, ms: 1_000 }];

export async function startConnectorStub(options: ConnectorStubOptions = {}): Promise<ConnectorStub> {
  let delayMs = options.delayMs ?? 0;
  let scripted: StubResponse[] = [];
  let handler: Parameters<ConnectorStub['respondWith']>[0];
  let activityCounter = 0;
  let conversationCounter = 0;
  const accepted = new Map<string, number[]>();

  const overLimit = (key: string, limits: typeof TEAMS_CONVERSATION_LIMITS, now: number) => {
    const times = accepted.get(key) ?? [];
    return limits.some(({ limit, ms }) => times.filter((t) => t > now - ms).length >= limit);
  };
  const count = (key: string, now: number) => accepted.set(key, [...(accepted.get(key) ?? []).filter((t) => t > now - 3_600_000), now]);

  const stub: ConnectorStub = {
    url: '',
    requests: [],
    sent: [],
    updates: [],
    created: [],
    limitViolations: 0,
    throttleNext(n, retryAfterSeconds) {
      const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
      scripted.push(...Array.from({ length: n }, () => ({ status: 429, headers, body: { error: { code: 'TooManyRequests', message: 'throttled' } } })));
    },
    failNext(n, status, code = 'Error') {
      scripted.push(...Array.from({ length: n }, () => ({ status, body: { error: { code, message: `stub ${status} ${code}` } } })));
    },
    respondWith(next) {
      handler = next;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    sentTo(conversationId) {
      return stub.sent.filter((a) => a.conversationId === conversationId);
    },
    reset() {
      stub.requests.length = 0;
      stub.sent.length = 0;
      stub.updates.length = 0;
      stub.created.length = 0;
      stub.limitViolations = 0;
      scripted = [];
      handler = undefined;
      accepted.clear();
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };

  const answer = (req: IncomingMessage, body: Record<string, unknown>): StubResponse => {
    const now = Date.now();
    const path = (req.url ?? '').split('?')[0];
    const match = path.match(/^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/);
    const conversationId = match?.[1] ? decodeURIComponent(match[1]) : undefined;
    const activityId = match?.[2] ? decodeURIComponent(match[2]) : undefined;
    const custom = handler?.({ method: req.method ?? '', path, conversationId, body }) ?? scripted.shift();
    if (custom) return custom;
    if (!match) return { status: 404, body: { error: { code: 'NotFound', message: path } } };

    if (options.enforceTeamsLimits) {
      const tenant = String((body.conversation as { tenantId?: string })?.tenantId ?? (body.channelData as { tenant?: { id?: string } })?.tenant?.id ?? 'tenant');
      const conversation = conversationId ?? 'create';
      if (overLimit(`c:${conversation}`, TEAMS_CONVERSATION_LIMITS, now) || overLimit(`t:${tenant}`, TEAMS_TENANT_LIMITS, now)) {
        stub.limitViolations++;
        return { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'TooManyRequests', message: 'over Teams limits' } } };
      }
      count(`c:${conversation}`, now);
      count(`t:${tenant}`, now);
    }

    if (req.method === 'POST' && !conversationId) {
      const id = `a:stub-${++conversationCounter}`;
      stub.created.push({ at: now, id, parameters: body });
      const activity = body.activity as Record<string, unknown> | undefined;
      if (activity) {
        const newId = `act-${++activityCounter}`;
        stub.sent.push({ at: now, conversationId: id, activityId: newId, activity });
        return { status: 201, body: { id, activityId: newId, serviceUrl: stub.url } };
      }
      return { status: 201, body: { id, serviceUrl: stub.url } };
    }
    if (req.method === 'POST' && conversationId) {
      const id = `act-${++activityCounter}`;
      stub.sent.push({ at: now, conversationId, activityId: id, activity: body, replyToId: activityId });
      return { status: 201, body: { id } };
    }
    if (req.method === 'PUT' && conversationId && activityId) {
      stub.updates.push({ at: now, conversationId, activityId, activity: body });
      return { status: 200, body: { id: activityId } };
    }
    return { status: 405, body: { error: { code: 'MethodNotAllowed', message: `${req.method} ${path}` } } };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        body = {};
      }
      const response = answer(req, body);
      const path = (req.url ?? '').split('?')[0];
      const raw = path.match(/^\/v3\/conversations\/([^/]+)/)?.[1];
      stub.requests.push({ at: Date.now(), method: req.method ?? '', path, conversationId: raw ? decodeURIComponent(raw) : undefined, status: response.status });
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(response.status, { 'Content-Type': 'application/json', ...response.headers });
        res.end(response.body === undefined ? '' : JSON.stringify(response.body));
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return stub;
}
