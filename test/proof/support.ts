/**
 * Shared by the proof suites (abuse, faults, tenants): Teams-shaped activities sent over HTTP to a real bot process,
 * whole-storage snapshots to prove that nothing was written, and card helpers.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { tableClient, type TableConnection } from '../../src/storage/tables';
import { serviceClient } from '../support/azurite';

export interface Person {
  tenantId: string;
  aadObjectId: string;
  name: string;
  locale?: string;
}

export interface HttpResult {
  status: number;
  /** The raw response body ('' when the connection failed). */
  body: string;
  headers: Record<string, string>;
  /** Set when the request never got an answer (connection refused or reset: a killed bot). */
  error?: string;
}

let activityCounter = 0;
export const nextActivityId = (prefix = 'act') => `${prefix}-${Date.now().toString(36)}-${(activityCounter++).toString(36)}`;

/** The 1:1 conversation id the suites use for a person; the connector stub records sends under it. */
export const personalConversationId = (person: Person) => `a:${person.tenantId}:${person.aadObjectId}`;

/** A Teams activity in a person's 1:1 chat with the bot, replies going to `serviceUrl` (a connector stub). */
export function teamsActivity(person: Person, serviceUrl: string, partial: Record<string, unknown>): Record<string, unknown> {
  return {
    id: nextActivityId(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    locale: person.locale ?? 'en-US',
    from: { id: `29:${person.aadObjectId}`, aadObjectId: person.aadObjectId, name: person.name },
    recipient: { id: '28:bot', name: 'LinkedIn Jobs' },
    conversation: { id: personalConversationId(person), tenantId: person.tenantId, conversationType: 'personal', isGroup: false },
    channelData: { tenant: { id: person.tenantId } },
    ...partial
  };
}

export function messageActivity(person: Person, serviceUrl: string, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return teamsActivity(person, serviceUrl, { type: 'message', text, ...extra });
}

/** An `Action.Execute` press: an `adaptiveCard/action` invoke, answered in the HTTP response with a card. */
export function cardActionActivity(person: Person, serviceUrl: string, verb: string, data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return teamsActivity(person, serviceUrl, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb, data } },
    ...extra
  });
}

export async function request(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<HttpResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), init.timeoutMs ?? 30_000);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const body = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    return { status: response.status, body, headers };
  } catch (error) {
    return { status: 0, body: '', headers: {}, error: (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export function postActivity(endpoint: string, activity: unknown, headers: Record<string, string> = {}, timeoutMs?: number): Promise<HttpResult> {
  return request(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity), timeoutMs });
}

/** The card of an invoke response (`{ statusCode, type, value }`), or undefined. */
export function invokeCard(result: HttpResult): Record<string, unknown> | undefined {
  try {
    const body = JSON.parse(result.body) as { type?: string; value?: Record<string, unknown> };
    return body.type === 'application/vnd.microsoft.card.adaptive' ? body.value : undefined;
  } catch {
    return undefined;
  }
}

/** The `data` of the first `Action.Execute` with `verb` anywhere in a card. */
export function actionData(card: unknown, verb: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const visit = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && record.verb === verb) {
      found = (record.data ?? {}) as Record<string, unknown>;
      return;
    }
    Object.values(record).forEach(visit);
  };
  visit(card);
  return found;
}

/** Every string in a card (or any JSON), joined: what a user could read, and more. */
export function allText(value: unknown): string {
  return JSON.stringify(value ?? '');
}

/** X-LI-Signature: hex HMAC-SHA256 over `hmacsha256=` + the raw body. */
export function signLinkedIn(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(Buffer.concat([Buffer.from('hmacsha256='), Buffer.from(body)])).digest('hex');
}

// ---- storage snapshots ----

export type Snapshot = Map<string, string>;

/** Every row of every table in the account (system columns dropped): `table|partition|row` → the row's JSON. */
export async function snapshotStorage(connection: TableConnection): Promise<Snapshot> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readAllRows(connection);
    } catch (error) {
      // A busy storage emulator drops a connection now and then (EPIPE, ECONNRESET): read the whole account again.
      if (attempt >= 5) throw error;
      await sleep(500 * attempt);
    }
  }
}

async function readAllRows(connection: TableConnection): Promise<Snapshot> {
  const rows: Snapshot = new Map();
  const names: string[] = [];
  for await (const table of serviceClient(connection).listTables()) if (table.name) names.push(table.name);
  await Promise.all(
    names.map(async (name) => {
      for await (const entity of tableClient(connection, name).listEntities()) {
        const { etag: _etag, timestamp: _timestamp, ...rest } = entity as Record<string, unknown>;
        rows.set(`${name}|${String(entity.partitionKey)}|${String(entity.rowKey)}`, JSON.stringify(rest));
      }
    })
  );
  return rows;
}

export interface RowChange {
  key: string;
  kind: 'added' | 'changed' | 'removed';
  after?: string;
}

/**
 * The running process's own bookkeeping is not compared: leases (which worker holds which background lane, renewed
 * while it runs) and the daily purge check's state (`privacy|state:<tenant>|purge`, written by the scheduled pass
 * whenever it is due, whatever the inputs). No input writes either.
 */
const isLease = (key: string) => key.startsWith('leases|') || /^privacy\|state:[^|]*\|purge$/.test(key);

export function diffSnapshots(before: Snapshot, after: Snapshot): RowChange[] {
  const changes: RowChange[] = [];
  for (const [key, value] of after) {
    if (isLease(key)) continue;
    const old = before.get(key);
    if (old === undefined) changes.push({ key, kind: 'added', after: value });
    else if (old !== value) changes.push({ key, kind: 'changed', after: value });
  }
  for (const key of before.keys()) if (!after.has(key) && !isLease(key)) changes.push({ key, kind: 'removed' });
  return changes;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A GUID-shaped Entra id that reads as what it is in failure messages (hex only: `a…f`, digits). */
export function guid(tag: number, group = 0): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
  return `${hex(group, 8)}-0000-4000-8000-${hex(tag, 12)}`;
}

export { randomUUID };

/** The values a card shows in its inputs (what Teams would submit with an action). */
export function formValuesOf(card: unknown): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string') values[record.id] = record.value ?? '';
    Object.values(record).forEach(visit);
  };
  visit(card);
  return values;
}
