import assert from 'node:assert/strict';
import { backoffMs } from '../src/workers/backoff';
import { PollingWorker, forEachTenant } from '../src/workers/pollingWorker';
import { silentLogger } from '../src/logger';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A worker whose passes block until the test lets them go: the test sees exactly when each pass runs. */
class GatedWorker extends PollingWorker {
  passes = 0;
  private gates: Array<() => void> = [];
  constructor(intervalMs = 60_000, now?: () => Date) {
    super({ name: 'gated', intervalMs, now });
  }
  /** Passes started and not yet let go. */
  get waiting(): number {
    return this.gates.length;
  }
  release(): void {
    this.gates.shift()?.();
  }
  protected pass(): Promise<void> {
    this.passes++;
    return new Promise((resolve) => this.gates.push(resolve));
  }
}

async function until(condition: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('PollingWorker', () => {
  it('runs a pass at start, and a wake that arrives while a pass is querying runs another pass right after it (not at the next poll)', async () => {
    const worker = new GatedWorker(60_000);
    worker.start();
    await tick();
    assert.equal(worker.passes, 1, 'a pass at start');
    worker.wake(); // arrives mid-pass
    worker.wake(); // and another: both are served by one more pass
    worker.release();
    await until(() => worker.passes === 2, 'the second pass, long before the 60 s poll');
    worker.release();
    await tick();
    assert.equal(worker.passes, 2, 'two wakes during one pass make one more pass, not two');
    worker.wake();
    await tick();
    assert.equal(worker.passes, 3, 'a wake while idle runs a pass at once');
    worker.release();
    await worker.stop();
  });

  it('a wake that arrives while a pass is finishing (after its last look) still runs another pass', async () => {
    // The wake comes a few microtask hops after the pass returns: somewhere in the worker's own wind-down.
    for (let hops = 0; hops < 8; hops++) {
      let passes = 0;
      const worker = new (class extends PollingWorker {
        protected pass(): Promise<void> {
          passes++;
          if (passes === 1) {
            let later: Promise<void> = Promise.resolve();
            for (let i = 0; i < hops; i++) later = later.then(() => undefined);
            void later.then(() => this.wake());
          }
          return Promise.resolve();
        }
      })({ name: 'finishing', intervalMs: 60_000 });
      worker.start();
      await until(() => passes === 2, `the pass for a wake ${hops} hops after the first pass`, 500);
      await worker.stop();
    }
  });

  it('overlapping ticks share the pass under way', async () => {
    const worker = new GatedWorker();
    const a = worker.tick();
    const b = worker.tick();
    await tick();
    assert.equal(worker.passes, 1);
    worker.release();
    await Promise.all([a, b]);
    assert.equal(worker.passes, 1);
  });

  it('polls every interval', async () => {
    const worker = new GatedWorker(20);
    worker.start();
    for (let i = 1; i <= 3; i++) {
      await until(() => worker.waiting === 1, `pass ${i}`);
      worker.release();
    }
    await worker.stop();
    assert.ok(worker.passes >= 3);
  });

  it('its timer does not keep the process alive', async () => {
    const worker = new GatedWorker(60_000);
    const timerOf = () => (worker as unknown as { timer?: NodeJS.Timeout }).timer;
    worker.start();
    worker.release();
    await until(() => timerOf() !== undefined, 'the timer armed after the first pass');
    assert.equal(timerOf()!.hasRef(), false);
    await worker.stop();
  });

  it('stop() waits for the pass in progress and no pass starts after it', async () => {
    const worker = new GatedWorker(10);
    worker.start();
    await tick();
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await tick();
    assert.equal(stopped, false, 'still waiting for the pass');
    worker.wake();
    worker.release();
    await stopping;
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(worker.passes, 1);
  });

  it('records lastTickAt on its injected clock', async () => {
    const worker = new GatedWorker(60_000, () => new Date('2030-01-02T03:04:05Z'));
    assert.equal(worker.lastTickAt, undefined);
    const pass = worker.tick();
    worker.release();
    await pass;
    assert.equal(worker.lastTickAt, Date.parse('2030-01-02T03:04:05Z'));
  });

  it('a pass that throws is logged and the worker goes on polling', async () => {
    let passes = 0;
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (message: string) => void logged.push(message) };
    const worker = new (class extends PollingWorker {
      protected async pass(): Promise<void> {
        passes++;
        throw new Error('boom');
      }
    })({ name: 'flaky', intervalMs: 10, logger });
    worker.start();
    await until(() => passes >= 3, 'passes after the failures');
    await worker.stop();
    assert.equal(logged[0], 'flaky: pass failed');
  });

  it('a pass may ask for the next one sooner than the interval', async () => {
    let passes = 0;
    const worker = new (class extends PollingWorker {
      protected async pass(): Promise<number> {
        passes++;
        return 5;
      }
    })({ name: 'soon', intervalMs: 60_000 });
    worker.start();
    await until(() => passes >= 3, 'passes 5 ms apart');
    await worker.stop();
  });
});

describe('forEachTenant', () => {
  it('works every tenant in turn, logs a failing one and goes on, and stops when asked', async () => {
    const seen: string[] = [];
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (message: string) => void logged.push(message) };
    let stop = false;
    const failed: string[] = [];
    const results = await forEachTenant(
      { tenants: { list: async () => ['a', 'b', 'c', 'd'] }, logger, stopping: () => stop, what: 'test' },
      async (tenantId) => {
        seen.push(tenantId);
        if (tenantId === 'b') throw new Error('boom');
        if (tenantId === 'c') stop = true;
        return tenantId.toUpperCase();
      },
      (tenantId) => failed.push(tenantId)
    );
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.deepEqual(results, ['A', 'C']);
    assert.deepEqual(failed, ['b']);
    assert.deepEqual(logged, ['test: tenant pass failed']);
  });

  it('a tenant list that cannot be read is logged, and the pass ends', async () => {
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (message: string) => void logged.push(message) };
    const results = await forEachTenant({ tenants: { list: async () => Promise.reject(new Error('down')) }, logger, stopping: () => false, what: 'test' }, async () => 1);
    assert.deepEqual(results, []);
    assert.deepEqual(logged, ['test: cannot list tenants']);
  });
});

describe('backoffMs (exponential, equal jitter)', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };

  it('stays within the upper half of the ceiling', () => {
    for (let retry = 0; retry < 12; retry++) {
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
      assert.equal(backoffMs(retry, policy, () => 0), ceiling / 2);
      assert.equal(backoffMs(retry, policy, () => 0.999999), Math.round(ceiling / 2 + 0.999999 * (ceiling / 2)));
      for (let i = 0; i < 50; i++) {
        const delay = backoffMs(retry, policy);
        assert.ok(delay >= ceiling / 2 && delay <= ceiling, `retry ${retry}: ${delay} within [${ceiling / 2}, ${ceiling}]`);
      }
    }
  });

  it('doubles per retry', () => {
    assert.deepEqual([0, 1, 2, 3].map((retry) => backoffMs(retry, policy, () => 1)), [1_000, 2_000, 4_000, 8_000]);
  });

  it('is capped at maxMs', () => {
    assert.equal(backoffMs(30, policy, () => 1), 60_000);
    assert.equal(backoffMs(1_000, policy, () => 1), 60_000, 'no overflow to Infinity or NaN');
    assert.ok(backoffMs(1_000, policy, () => 0) >= 30_000);
  });
});
