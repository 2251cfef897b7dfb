import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_DELIVERY_POLICY } from '../../src/notifications/deliveryWorker';
import { startChild, waitForLine, type ManagedChild } from '../../src/tools/processes';
import { useAzurite, uniqueTableName } from '../support/azurite';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { notifyStack, personalReference, waitFor, type NotifyStack } from '../support/notifyStack';
import type { Notice } from '../../src/shared/types';

const TENANT = 'tenant-crash';
const LEASE_MS = 3_000;

describe('notifications: a delivery worker killed with SIGKILL mid-burst', function () {
  this.timeout(180_000);
  const azurite = useAzurite();
  let stub: ConnectorStub;
  let child: ManagedChild | undefined;
  let survivor: NotifyStack | undefined;

  afterEach(async () => {
    await child?.stop();
    await survivor?.worker.stop(1_000);
    await stub?.stop();
  });

  it('after a restart every notice is delivered at most once, and any that was in flight at the kill is parked visibly, not resent', async () => {
    // Slow answers keep sends in flight when the kill comes: the connector has the message, the worker never hears back.
    stub = await startConnectorStub({ delayMs: 40 });
    const tables = { outboxTable: uniqueTableName('outbox'), conversationsTable: uniqueTableName('conversations') };
    survivor = await notifyStack({ connection: azurite().connection, ...tables, policy: { claimLeaseMs: LEASE_MS, sendLeaseMs: LEASE_MS } });
    const users = Array.from({ length: 20 }, (_, i) => `person${i}`);
    for (const user of users) {
      await survivor.conversations.save({ tenantId: TENANT, aadObjectId: user, language: 'en', active: true, updatedAt: new Date().toISOString(), reference: personalReference(stub.url, TENANT, user) });
    }
    const notices: Notice[] = Array.from({ length: 200 }, (_, i) => ({
      tenantId: TENANT, key: `crash-${i}`, to: { kind: 'user', aadObjectId: users[i % users.length] }, message: { kind: 'test.card', data: { name: `crash-${i}` } }
    }));
    await survivor.notifier.enqueue(notices);

    child = startChild({
      name: 'outbox-worker',
      command: process.execPath,
      args: [join(__dirname, '..', 'support', 'outboxWorkerMain.js')],
      env: {
        ...process.env,
        NOTIFY_CONNECTION_STRING: azurite().connection.connectionString,
        NOTIFY_ALLOW_INSECURE: String(azurite().connection.allowInsecure),
        NOTIFY_OUTBOX_TABLE: tables.outboxTable,
        NOTIFY_CONVERSATIONS_TABLE: tables.conversationsTable,
        NOTIFY_LEASE_MS: String(LEASE_MS)
      }
    });
    await waitForLine(child, /worker ready/);
    await waitFor(() => stub.sent.length >= 60, 60_000, 'the first 60 deliveries');
    child.kill('SIGKILL');
    await child.exited;
    const deliveredBeforeKill = stub.sent.length;
    assert.ok(deliveredBeforeKill < notices.length, 'killed mid-way');

    survivor.worker.start();
    await waitFor(async () => (await survivor!.outbox.list(TENANT, ['pending', 'claimed', 'sending', 'updating'], 1)).length === 0, 120_000, 'every notice settled');

    const received = new Map<string, number>();
    for (const activity of stub.sent) {
      const name = JSON.stringify(activity.activity.attachments).match(/Hello (crash-\d+)/)?.[1] ?? '?';
      received.set(name, (received.get(name) ?? 0) + 1);
    }
    const doubled = [...received.entries()].filter(([, count]) => count > 1);
    assert.deepEqual(doubled, [], 'nobody is told twice');

    const sent = await survivor.outbox.list(TENANT, ['sent'], 1_000);
    const failed = await survivor.outbox.list(TENANT, ['failed'], 1_000);
    assert.equal(sent.length + failed.length, notices.length);
    for (const row of sent) assert.equal(received.get(row.key), 1, `${row.key} recorded as sent but received ${received.get(row.key) ?? 0} times`);
    // Only the sends in flight at the kill are unknown: at most as many as the killed worker sends at once.
    assert.ok(failed.length <= DEFAULT_DELIVERY_POLICY.concurrency, `${failed.length} parked`);
    for (const row of failed) assert.equal(row.failure?.reason, 'unconfirmed');
    const lost = failed.filter((row) => !received.has(row.key)).length;
    console.log(`      killed after ${deliveredBeforeKill} deliveries; ${sent.length} sent, ${failed.length} unconfirmed (${failed.length - lost} of them did reach the connector), 0 doubled`);
  });
});
