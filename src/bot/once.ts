import { createHash } from 'node:crypto';
import type { IdempotencyStore } from '../storage/idempotencyStore';
import type { Reply } from '../shared/types';

/** How long an attempt may run before a repeat may take it over (its process died). */
export const RUNNING_MS = 2 * 60_000;
/** How long a repeat still gets the first answer: Teams retries within minutes, double-clicks within seconds. */
export const KEEP_MS = 24 * 3_600_000;
/** How long a repeat waits for the first attempt's answer before saying it is still being worked on. */
const WAIT_MS = 10_000;
const POLL_MS = 250;

/** Where a card action came from: the pieces of a Teams invoke activity that identify it, framework-free. */
export interface ActionOrigin {
  tenantId: string;
  aadObjectId: string;
  conversationId: string;
  /** The message holding the card (the card instance); absent on some clients. */
  cardMessageId?: string;
  activityId?: string;
}

/** Values in a stable order, so the same values make the same key whatever order the client sent them in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/**
 * The same action is the same person pressing the same verb on the same card instance with the same values; a
 * re-sent activity is all of that too. Without the card's message id, only the activity id says it is a repeat.
 */
export function actionKey(origin: ActionOrigin, verb: string, data: Record<string, unknown>): string {
  const instance = origin.cardMessageId ? `card:${origin.cardMessageId}` : `activity:${origin.activityId ?? ''}`;
  const identity = JSON.stringify([origin.aadObjectId, origin.conversationId, instance, verb, canonical(data)]);
  return `${verb}:${createHash('sha256').update(identity).digest('base64url')}`;
}

export interface Attempt {
  reply: Reply;
  /** True when the action failed before changing anything: a repeat should run it again, not get this answer. */
  failed: boolean;
}

export interface OnceOptions {
  store: IdempotencyStore;
  tenantId: string;
  key: string;
  /** Said when a repeat arrives while the first attempt is still running. */
  stillRunning: () => Reply;
  onRecordError?: (error: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `work` once per key; a repeat gets the first attempt's answer. */
export async function once(options: OnceOptions, work: () => Promise<Attempt>): Promise<Reply> {
  const { store, tenantId, key } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let waited = 0; ; waited += POLL_MS) {
    const claim = await store.claim(tenantId, key, RUNNING_MS);
    if (claim.kind === 'done') return JSON.parse(claim.result) as Reply;
    if (claim.kind === 'first') {
      const attempt = await work();
      // The answer is recorded after the reply is decided, off the turn's path: a repeat arriving meanwhile waits.
      const record = attempt.failed ? store.release(tenantId, key, claim.etag) : store.complete(tenantId, key, JSON.stringify(attempt.reply), KEEP_MS);
      record.catch((error) => options.onRecordError?.(error));
      return attempt.reply;
    }
    if (waited >= WAIT_MS) return options.stillRunning();
    await sleep(POLL_MS);
  }
}

/**
 * The other way to do an action once, for an action that creates a record (a new job): the id it creates the record
 * under is reserved by the action's first attempt and kept KEEP_MS, so every attempt creates under the same id. A
 * repeat's create then collides (409) instead of making a second record, whenever it comes and wherever an earlier
 * attempt died (even after the create, before any answer), and the record it finds is its answer. That is one round
 * trip before the create and none after it, where a recorded answer takes one on each side (claim, create, answer).
 */
export function idReserver(store: IdempotencyStore, tenantId: string, key: string): (proposed: string) => Promise<string> {
  return (proposed) => store.reserve(tenantId, `id:${key}`, proposed, KEEP_MS);
}

/** How often each process deletes expired action records. */
export const ACTIONS_PURGE_EVERY_MS = 3_600_000;

/** Deletes expired action records now and then; the reader ignores them anyway, so this only keeps the table small. */
export function purgeExpiredActions(store: IdempotencyStore, onError: (error: unknown) => void, everyMs = ACTIONS_PURGE_EVERY_MS): () => void {
  const timer = setInterval(() => void store.purgeExpired().catch(onError), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
