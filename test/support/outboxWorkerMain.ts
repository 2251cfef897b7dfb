/**
 * A delivery worker alone in its own process, for the crash test: `node dist/test/support/outboxWorkerMain.js` with
 * NOTIFY_CONNECTION_STRING, NOTIFY_ALLOW_INSECURE, NOTIFY_OUTBOX_TABLE, NOTIFY_CONVERSATIONS_TABLE and NOTIFY_LEASE_MS.
 * Prints "worker ready" once it runs; the test kills it with SIGKILL.
 */
import { createLogger } from '../../src/logger';
import { notifyStack } from './notifyStack';

async function run(): Promise<void> {
  const env = process.env;
  const leaseMs = Number(env.NOTIFY_LEASE_MS ?? 3000);
  const stack = await notifyStack({
    connection: { connectionString: env.NOTIFY_CONNECTION_STRING ?? '', allowInsecure: env.NOTIFY_ALLOW_INSECURE === 'true' },
    outboxTable: env.NOTIFY_OUTBOX_TABLE ?? '',
    conversationsTable: env.NOTIFY_CONVERSATIONS_TABLE ?? '',
    policy: { claimLeaseMs: leaseMs, sendLeaseMs: leaseMs },
    logger: createLogger()
  });
  stack.worker.start();
  console.log('worker ready');
  // The worker's timers are unref'd: keep the process alive until it is killed.
  setInterval(() => undefined, 60_000);
}

run().catch((error: Error) => {
  console.error(`worker failed: ${error.message}`);
  process.exit(1);
});
