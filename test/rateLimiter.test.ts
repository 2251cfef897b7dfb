import assert from 'node:assert/strict';
import { TeamsRateLimiter } from '../src/notifications/rateLimiter';
import { classify } from '../src/teams/teamsSender';

/** A limiter on a hand-moved clock: what Teams' per-conversation and per-tenant windows allow, step by step. */
function limiterAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, limiter: new TeamsRateLimiter({ clock: () => clock.now, marginMs: 0 }) };
}

/** One request answered at once (its permit is taken synchronously when there is room). */
async function answered(limiter: TeamsRateLimiter, tenantId: string, conversation: string): Promise<void> {
  (await limiter.acquire(tenantId, conversation)).done();
}

describe('Teams rate limiter (Learn: rate limiting for bots)', () => {
  it('allows 7 messages a second to one conversation, then 8 in 2 seconds', async () => {
    const { clock, limiter } = limiterAt();
    assert.equal(limiter.capacity('t', 'c'), 7);
    await Promise.all(Array.from({ length: 7 }, () => answered(limiter, 't', 'c')));
    assert.equal(limiter.capacity('t', 'c'), 0);
    clock.now += 1_000;
    assert.equal(limiter.capacity('t', 'c'), 1, 'the 8th fits once the first second is over');
    await answered(limiter, 't', 'c');
    assert.equal(limiter.capacity('t', 'c'), 0, 'but 8 in 2 seconds is the limit');
    clock.now += 1_000;
    assert.equal(limiter.capacity('t', 'c'), 7);
  });

  it('allows 60 in 30 seconds to one conversation', async () => {
    const { clock, limiter } = limiterAt();
    for (let sent = 0; sent < 60; ) {
      const room = limiter.capacity('t', 'c');
      for (let i = 0; i < room && sent < 60; i++, sent++) await answered(limiter, 't', 'c');
      clock.now += 250;
    }
    const elapsed = clock.now - 1_000_000;
    assert.ok(elapsed < 30_000);
    clock.now = 1_000_000 + 29_999;
    assert.equal(limiter.capacity('t', 'c'), 0);
    clock.now = 1_000_000 + 30_000;
    assert.ok(limiter.capacity('t', 'c') > 0);
  });

  it('allows 50 a second per tenant across conversations, other tenants unaffected', async () => {
    const { clock, limiter } = limiterAt();
    await Promise.all(Array.from({ length: 50 }, (_, i) => answered(limiter, 't', `c${i}`)));
    assert.equal(limiter.capacity('t', 'another'), 0);
    assert.equal(limiter.tenantCapacity('t'), 0);
    assert.equal(limiter.capacity('u', 'c0'), 7);
    clock.now += 1_000;
    assert.equal(limiter.tenantCapacity('t'), 50);
  });

  it('an answered request counts from its answer: a slow request keeps its place in the window longer', async () => {
    const { clock, limiter } = limiterAt();
    const permits = await Promise.all(Array.from({ length: 50 }, (_, i) => limiter.acquire('t', `c${i}`)));
    clock.now += 300;
    for (const permit of permits) permit.done();
    clock.now += 999;
    assert.equal(limiter.tenantCapacity('t'), 0, 'Teams may have received them as late as their answers');
    clock.now += 1;
    assert.equal(limiter.tenantCapacity('t'), 50);
  });

  it('a request still on its way counts in every window until its answer, however long it takes', async () => {
    const { clock, limiter } = limiterAt();
    const permits = await Promise.all(Array.from({ length: 50 }, (_, i) => limiter.acquire('t', `c${i}`)));
    const slow = await limiter.acquire('u', 'c');
    clock.now += 60_000; // a stalled process or connection: Teams may receive them only now
    assert.equal(limiter.tenantCapacity('t'), 0, 'open requests do not age out of the tenant window');
    assert.equal(limiter.capacity('u', 'c'), 6, 'nor out of the conversation windows');
    assert.ok(limiter.waitMs('t', 'c0') > 0);
    for (const permit of permits) permit.done();
    slow.done();
    clock.now += 999;
    assert.equal(limiter.tenantCapacity('t'), 0, 'then they count from their answers');
    clock.now += 1;
    assert.equal(limiter.tenantCapacity('t'), 50);
    assert.equal(limiter.capacity('u', 'c'), 7);
  });

  it('a waiter gets its turn once an open request to a full conversation is answered', async () => {
    const limiter = new TeamsRateLimiter({ conversationWindows: [{ limit: 1, ms: 100 }], marginMs: 0 });
    const first = await limiter.acquire('t', 'c');
    let second = false;
    const waiting = limiter.acquire('t', 'c').then((permit) => {
      second = true;
      permit.done();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(second, false, 'still waiting: the first request has no answer yet');
    const answeredAt = Date.now();
    first.done();
    await waiting;
    assert.ok(Date.now() - answeredAt >= 99, 'the window counts from the answer');
  });

  it('acquire waits for room, and a 429 pauses the conversation for Retry-After', async () => {
    const limiter = new TeamsRateLimiter({ conversationWindows: [{ limit: 1, ms: 150 }], marginMs: 0 });
    const started = Date.now();
    await answered(limiter, 't', 'c');
    await answered(limiter, 't', 'c');
    assert.ok(Date.now() - started >= 150);
    limiter.pause('t', 'c', 300);
    assert.equal(limiter.capacity('t', 'c'), 0);
    const paused = Date.now();
    await answered(limiter, 't', 'c');
    assert.ok(Date.now() - paused >= 290);
  });
});

describe('classifying connector failures', () => {
  const failure = (status: number, code?: string, headers: Record<string, string> = {}) =>
    Object.assign(new Error('x'), { statusCode: status, response: { status, headers, bodyAsText: code ? JSON.stringify({ error: { code } }) : '' } });

  it('maps Teams answers to what the outbox does', () => {
    assert.equal(classify(failure(429, undefined, { 'retry-after': '3' })).outcome, 'throttled');
    assert.equal(classify(failure(429, undefined, { 'retry-after': '3' })).details.retryAfterMs, 3_000);
    for (const status of [412, 500, 502, 503, 504]) assert.equal(classify(failure(status)).outcome, 'transient', String(status));
    assert.equal(classify(failure(403, 'BotNotInConversationRoster')).outcome, 'gone');
    assert.equal(classify(failure(403, 'MessageWritesBlocked')).outcome, 'gone');
    assert.equal(classify(failure(404, 'ConversationNotFound')).outcome, 'gone');
    assert.equal(classify(failure(400, 'BadSyntax')).outcome, 'rejected');
    assert.equal(classify(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).outcome, 'transient');
    assert.equal(classify(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).outcome, 'uncertain');
  });

  it('reads Retry-After in seconds or as a date', () => {
    assert.equal(classify(failure(429, undefined, { 'Retry-After': '2' })).details.retryAfterMs, 2_000);
    const inFive = new Date(Date.now() + 5_000).toUTCString();
    const ms = classify(failure(429, undefined, { 'retry-after': inFive })).details.retryAfterMs!;
    assert.ok(ms > 3_000 && ms <= 5_000, String(ms));
    assert.equal(classify(failure(429)).details.retryAfterMs, undefined);
  });
});
