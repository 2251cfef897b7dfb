import assert from 'node:assert/strict';
import { ExportWorker } from '../src/exports/exportWorker';
import { DeliveryWorker } from '../src/notifications/deliveryWorker';
import { TeamsRateLimiter } from '../src/notifications/rateLimiter';
import { silentLogger } from '../src/logger';

/** An inbox whose first look blocks until the test lets it answer "nothing due": the window a push used to be lost in. */
function slowInbox() {
  const looks: number[] = [];
  let answerFirst: (() => void) | undefined;
  const inbox = {
    claimDue: (_max: number) => {
      looks.push(Date.now());
      if (looks.length === 1) return new Promise<never[]>((resolve) => (answerFirst = () => resolve([])));
      return Promise.resolve([]);
    }
  };
  return { inbox, looks, answerFirst: () => answerFirst?.() };
}

describe('worker wake-ups', () => {
  it('a push accepted while the worker is querying the inbox is looked for right after that query, not at the next poll', async () => {
    const { inbox, looks, answerFirst } = slowInbox();
    const worker = new ExportWorker(
      { inbox, logger: silentLogger, now: () => new Date() } as never,
      { maxAttempts: 3, retryBaseMs: 1_000, pollMs: 60_000 }
    );
    worker.start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(looks.length, 1, 'the first look is under way');
    worker.wake(); // the push lands while that look is querying
    answerFirst();
    const deadline = Date.now() + 2_000;
    while (looks.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(looks.length, 2, 'a second look follows at once (the poll is a minute away)');
    await worker.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(looks.length, 2, 'and nothing more once stopped');
  });

  it('an enqueue while the delivery worker is reading the outbox makes it read again right after (not at the next poll)', async () => {
    const reads: number[] = [];
    let answerFirst: (() => void) | undefined;
    const outbox = {
      // A query that finds nothing: the first one is held open until the test lets it answer.
      // eslint-disable-next-line require-yield -- an empty outbox yields no rows
      async *due() {
        reads.push(Date.now());
        if (reads.length === 1) await new Promise<void>((resolve) => (answerFirst = resolve));
      }
    };
    const worker = new DeliveryWorker({
      outbox, conversations: {}, chat: {}, renderers: {}, limiter: new TeamsRateLimiter(), logger: silentLogger, policy: { pollMs: 60_000 }
    } as never);
    worker.start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reads.length, 1, 'the first read is under way');
    worker.wake(); // OutboxNotifier.enqueue wakes the worker while that read is out
    answerFirst?.();
    const deadline = Date.now() + 2_000;
    while (reads.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(reads.length, 2, 'read again at once (the poll is a minute away)');
    await worker.stop(0);
  });
});
